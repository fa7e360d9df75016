import Foundation
import GRDB
import Testing
@testable import StageSubStore

@Suite("Sealed databases keep what is written")
struct RoundTripTests {
    static let instruments = ["Violin", "Viola", "Cello", "Kontrabas", "Flöjt", "Oboe", "Horn", "Pukor"]

    /// A fingerprint of the musician table a person would recognise: counts, sums and per-instrument tallies.
    static func summary(_ db: Database) throws -> [String] {
        var lines = try Row.fetchAll(db, sql: "SELECT count(*), sum(rank), sum(length(name)), max(name) FROM musician")
            .map { "\($0[0] as Int)|\($0[1] as Int)|\($0[2] as Int)|\($0[3] as String)" }
        lines += try Row.fetchAll(db, sql: """
            SELECT instrument, count(*) FROM musician INDEXED BY musician_instrument
            WHERE instrument > '' GROUP BY instrument ORDER BY instrument
            """).map { "\($0[0] as String)=\($0[1] as Int)" }
        return lines
    }

    @Test("100k rows, tables and indexes survive closing and reopening")
    func hundredThousandRows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        let before: [String]
        do {
            let pool = try SealedDatabase.create(at: path, key: key)
            try pool.write { db in
                try db.execute(sql: """
                    CREATE TABLE musician(id INTEGER PRIMARY KEY, name TEXT NOT NULL, instrument TEXT NOT NULL, rank INTEGER NOT NULL);
                    CREATE INDEX musician_instrument ON musician(instrument, rank);
                    """)
                let insert = try db.makeStatement(sql: "INSERT INTO musician(name, instrument, rank) VALUES (?, ?, ?)")
                for i in 0..<100_000 {
                    try insert.execute(arguments: ["Musiker \(i) Åström", Self.instruments[i % 8], i % 50])
                }
            }
            before = try pool.read(Self.summary)
            try pool.close()
        }
        #expect(before.first?.hasPrefix("100000|") == true)

        let reopened = try SealedDatabase.open(at: path, key: key)
        let after = try reopened.read(Self.summary)
        #expect(after == before)
        let violas = try reopened.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM musician WHERE instrument = 'Viola' AND rank = 1")
        }
        #expect(violas == 500)  // i ≡ 1 (mod 8) and i ≡ 1 (mod 50)
        let integrity = try reopened.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        let settings = try reopened.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA temp_store"),
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA mmap_size"))
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 2)  // MEMORY
        #expect(settings.2 == 1)
        #expect(settings.3 == 0)
    }

    @Test("create refuses a path that exists; open refuses a path that does not")
    func createAndOpenGuards() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        try SealedDatabase.create(at: path, key: key).close()
        let fingerprint = try dir.fingerprint()

        let exists = #expect(throws: StoreError.self) { try SealedDatabase.create(at: path, key: key) }
        #expect(exists?.code == .fileExists)
        #expect(try dir.fingerprint() == fingerprint)

        let missing = #expect(throws: StoreError.self) { try SealedDatabase.open(at: dir.path("nobody.db"), key: key) }
        #expect(missing?.code == .fileMissing)
        #expect(!FileManager.default.fileExists(atPath: dir.path("nobody.db")))
    }

    @Test("a new sealed file is private to its owner")
    func newFileMode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        try SealedDatabase.create(at: path, key: .random()).close()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("keys never show their bytes")
    func keysAreRedacted() throws {
        let key = try DatabaseKey(hex: String(repeating: "ab", count: 32))
        #expect("\(key)" == "DatabaseKey(redacted)")
        #expect(String(reflecting: key) == "DatabaseKey(redacted)")
        #expect(!"\([key])".contains("abab"))
        #expect(key.unsafeHexDigits() == String(repeating: "ab", count: 32))
        #expect(key == (try DatabaseKey(hex: String(repeating: "AB", count: 32))))
        #expect(key != DatabaseKey.random())
        #expect(throws: StoreError.self) { try DatabaseKey(hex: "abc") }
        #expect(throws: StoreError.self) { try DatabaseKey(hex: String(repeating: "zz", count: 32)) }
        #expect(throws: StoreError.self) { try DatabaseKey(bytes: [1, 2, 3]) }
    }
}

@Suite("Stored dates read by hand")
struct StoredDateTests {
    @Test("Dates read by hand are what GRDB reads (to the microsecond), for random dates and edge cases; other forms fall back")
    func agreesWithGRDB() throws {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_800_000_000.123), Date(timeIntervalSince1970: -1.5),
                     Date(timeIntervalSince1970: 951_782_400.999)]  // 2000-02-29 00:00:00.999
        for _ in 0..<2000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator))) }
        let queue = try DatabaseQueue()
        for date in dates {
            let stored = date.databaseValue
            let row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT ?", arguments: [stored])! }
            // The same stored millisecond: Foundation's calendar and this arithmetic may round the last bit of
            // the Double differently for a few dates (seen once: 2000-12-31 23:53:50.308), never more.
            let mine = try #require(try StoredDate.decode(row, 0)), grdb = try #require(Date.fromDatabaseValue(stored))
            #expect(abs(mine.timeIntervalSince(grdb)) < 1e-6, "\(stored)")
        }
        for text in ["2026-11-29 10:00:00", "2026-11-29T10:00:00.000Z", "2026-11-29", "2026-02-30 10:00:00.000"] {
            let row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT ?", arguments: [text])! }
            let mine = try? StoredDate.decode(row, 0)
            #expect(mine == Date.fromDatabaseValue(text.databaseValue), "\(text)")
        }
        let null = try queue.read { db in try Row.fetchOne(db, sql: "SELECT NULL")! }
        #expect(try StoredDate.decode(null, 0) == nil)
    }
}
