import Foundation
import GRDB
import SealedVFS
import Testing
@testable import StageSubStore

/// Damage to a sealed file is always an error, never different data.
@Suite("Tampering is detected")
struct TamperTests {
    static let pageSize = 4096
    static let reserve = 40

    /// A closed sealed database with one table spread over many pages; returns its path, key and rows.
    static func makeDatabase(_ dir: TemporaryDirectory, name: String = "orchestra.db", key: DatabaseKey = .random())
        throws -> (path: String, key: DatabaseKey, rows: [String])
    {
        let path = dir.path(name)
        let pool = try SealedDatabase.create(at: path, key: key)
        let rows = (0..<120).map { "Musiker \($0): " + String(repeating: "♪", count: 300) }
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE musician(id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
            for row in rows { try db.execute(sql: "INSERT INTO musician(note) VALUES (?)", arguments: [row]) }
        }
        try SealedDatabase.close(pool)
        #expect(try dir.fileNames().filter { $0.hasPrefix(name) } == [name])
        #expect(try pageCount(path) > 10)
        return (path, key, rows)
    }

    static func pageCount(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int) / pageSize
    }

    /// Reads every row; returns them, or the error SQLite raised. Closes as the appliance does, leaving the
    /// file alone: a WAL left beside it may hold an intact page 1, which the VFS then uses (docs/storage.md,
    /// a page 1 torn in the file), and the damage under test would be read around instead of met.
    static func readAll(_ path: String, _ key: DatabaseKey) -> Result<[String], any Error> {
        Result {
            let pool = try SealedDatabase.open(at: path, key: key)
            defer { try? SealedDatabase.close(pool) }
            return try pool.read { db in try String.fetchAll(db, sql: "SELECT note FROM musician ORDER BY id") }
        }
    }

    /// Either an error, or exactly the rows that were written: never anything else.
    static func expectFailure(_ path: String, _ key: DatabaseKey, _ what: String) {
        switch readAll(path, key) {
        case .success(let rows): Issue.record("reading after \(what) returned \(rows.count) rows instead of failing")
        case .failure(let error):
            let message = String(describing: error)
            #expect(!message.isEmpty)
        }
    }

    @Test("a flipped byte anywhere in a page makes that page unreadable",
          arguments: [("page 1", 0, 200), ("a later page, data", -1, 100), ("a later page, nonce", -1, pageSize - reserve + 5),
                      ("a later page, tag", -1, pageSize - 3), ("page 1, header byte 21", 0, 21), ("page 1, file id", 0, 3)])
    func flippedByte(_ what: String, page: Int, offset: Int) throws {
        let dir = try TemporaryDirectory()
        let (path, key, rows) = try Self.makeDatabase(dir)
        #expect(try Self.readAll(path, key).get() == rows)
        let pages = try Self.pageCount(path)
        let target = page >= 0 ? page : pages - 1
        try flipByte(at: target * Self.pageSize + offset, inFileAt: path)
        Self.expectFailure(path, key, what)

        let report = try? SealedDatabase.verify(at: path, key: key)
        if target > 0 {
            #expect(report?.firstBadPage == target + 1)
            #expect(report?.badPages == 1)
            #expect(report?.isIntact == false)
        }
    }

    @Test("two pages swapped are both refused")
    func swappedPages() throws {
        let dir = try TemporaryDirectory()
        let (path, key, _) = try Self.makeDatabase(dir)
        let pages = try Self.pageCount(path)
        let a = try readBytes(at: (pages - 2) * Self.pageSize, count: Self.pageSize, fromFileAt: path)
        let b = try readBytes(at: (pages - 1) * Self.pageSize, count: Self.pageSize, fromFileAt: path)
        try writeBytes(b, at: (pages - 2) * Self.pageSize, toFileAt: path)
        try writeBytes(a, at: (pages - 1) * Self.pageSize, toFileAt: path)
        Self.expectFailure(path, key, "swapping two pages")
        let report = try SealedDatabase.verify(at: path, key: key)
        #expect(report.badPages == 2)
        #expect(report.firstBadPage == pages - 1)
    }

    @Test("a page copied from another file with the same key is refused")
    func transplantedPage() throws {
        let dir = try TemporaryDirectory()
        let key = DatabaseKey.random()
        let (path, _, _) = try Self.makeDatabase(dir, name: "one.db", key: key)
        let (other, _, _) = try Self.makeDatabase(dir, name: "two.db", key: key)
        let page = try Self.pageCount(path) - 1
        let donor = try readBytes(at: page * Self.pageSize, count: Self.pageSize, fromFileAt: other)
        try writeBytes(donor, at: page * Self.pageSize, toFileAt: path)
        Self.expectFailure(path, key, "transplanting a page")
        #expect(try SealedDatabase.verify(at: path, key: key).firstBadPage == page + 1)
        // Page 1 from the other file: its file id does not match any other page.
        let (third, _, _) = try Self.makeDatabase(dir, name: "three.db", key: key)
        let header = try readBytes(at: 0, count: Self.pageSize, fromFileAt: other)
        try writeBytes(header, at: 0, toFileAt: third)
        Self.expectFailure(third, key, "transplanting page 1")
    }

    @Test("a flipped byte in a WAL frame fails every read of that page while the log is live")
    func walFrameLive() throws {
        let dir = try TemporaryDirectory()
        let (path, key, _) = try Self.makeDatabase(dir)
        // Keep a writer open so the log stays; update every row so every page of the table is in the log.
        let writer = try SealedDatabase.open(at: path, key: key)
        try writer.write { db in try db.execute(sql: "UPDATE musician SET note = note || ' (bekräftad)'") }
        let wal = path + SEALEDVFS_WAL_SUFFIX
        let frameSize = Self.pageSize + 24
        let frames = ((try FileManager.default.attributesOfItem(atPath: wal)[.size] as! Int) - 32) / frameSize
        #expect(frames > 3)
        // Damage the image of the last page-2+ frame.
        try flipByte(at: 32 + (frames - 1) * frameSize + 24 + 1000, inFileAt: wal)
        // A second pool reads through the live WAL index (no recovery).
        Self.expectFailure(path, key, "flipping a byte in a WAL frame")
        // The writer's own connections read the same damaged frame and fail too.
        #expect(throws: (any Error).self) { try writer.read { db in try String.fetchAll(db, sql: "SELECT note FROM musician") } }
        try? writer.close()
    }

    @Test("on recovery, a damaged WAL frame is a torn tail: the last intact commit, never damaged data")
    func walFrameRecovery() throws {
        let dir = try TemporaryDirectory()
        let (path, key, rows) = try Self.makeDatabase(dir)
        let writer = try SealedDatabase.open(at: path, key: key)
        try writer.write { db in try db.execute(sql: "UPDATE musician SET note = note || ' (bekräftad)'") }
        // Copy the database and its log as a crash would leave them (no -shm: recovery must run).
        let copyDir = try TemporaryDirectory()
        let copy = copyDir.path("orchestra.db")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + SEALEDVFS_WAL_SUFFIX, toPath: copy + SEALEDVFS_WAL_SUFFIX)
        try writer.close()

        let frameSize = Self.pageSize + 24
        let walSize = try FileManager.default.attributesOfItem(atPath: copy + SEALEDVFS_WAL_SUFFIX)[.size] as! Int
        let frames = (walSize - 32) / frameSize
        try flipByte(at: 32 + (frames - 1) * frameSize + 24 + 1000, inFileAt: copy + SEALEDVFS_WAL_SUFFIX)
        // The update's commit frame is damaged, so the update never happened; the rows are as first written.
        #expect(try Self.readAll(copy, key).get() == rows)
    }
}

@Suite("Truncation is damage")
struct TruncationTests {
    @Test("a file cut inside its last page, even with a forged plaintext page, is refused, not read")
    func truncatedForgery() throws {
        let dir = try TemporaryDirectory()
        let (path, key, _) = try TamperTests.makeDatabase(dir)
        // A plain SQLite page of the attacker's making where the sealed last page was, cut one byte short.
        let plain = dir.path("attacker.db")
        try openPlainDatabase(at: plain).write { db in
            try db.execute(sql: "CREATE TABLE musician(id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO musician(note) VALUES ('FORGED by attacker')")
        }
        let pages = try TamperTests.pageCount(path)
        let forged = try readBytes(at: 4096, count: 4096, fromFileAt: plain)
        try writeBytes(forged, at: (pages - 1) * 4096, toFileAt: path)
        try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: UInt64(pages * 4096 - 1))

        switch TamperTests.readAll(path, key) {
        case .success(let rows): Issue.record("read \(rows.count) rows from a truncated file: \(rows.prefix(1))")
        case .failure: break
        }
        let report = try SealedDatabase.verify(at: path, key: key)
        #expect(report.firstBadPage == pages)
        #expect(!report.isIntact)
    }
}
