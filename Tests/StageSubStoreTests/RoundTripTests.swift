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
