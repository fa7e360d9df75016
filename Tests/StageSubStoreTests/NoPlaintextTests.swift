import Foundation
import GRDB
import SealedVFS
import Testing
@testable import StageSubStore

/// A string written into many rows must never be found in any byte of any file SQLite leaves in the
/// database's folder, at any step of a workload that exercises every path SQLite writes through.
@Suite("No plaintext on disk", .serialized)
struct NoPlaintextTests {
    static let canary = "Vikarie-CANARY-7f3a9"

    /// Which files and settings a scenario runs with.
    enum Scenario: String, CaseIterable, CustomTestStringConvertible {
        case wal, walWithMmap, rollbackJournal, rollbackJournalWithMmap
        var testDescription: String { rawValue }
        var mmap: Bool { self == .walWithMmap || self == .rollbackJournalWithMmap }
        var wal: Bool { self == .wal || self == .walWithMmap }
    }

    /// The workload: inserts, updates, CREATE INDEX, a large sort spilling to temp files, a transaction with
    /// over 64 KiB of changes and a statement journal, VACUUM and a checkpoint. `scan` runs after every step
    /// and, where files only exist mid-transaction, inside the step.
    /// Returns whether the sealed VFS kept a spilled temp file in memory during the sort.
    @discardableResult
    static func workload(_ writer: some DatabaseWriter, mmap: Bool, scan: (String) throws -> Void) throws -> Bool {
        var spilled = false
        try writer.writeWithoutTransaction { db in
            if mmap { try db.execute(sql: "PRAGMA mmap_size = 1000000000") }
            try db.execute(sql: "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT NOT NULL, tag TEXT UNIQUE)")
            try db.inTransaction {
                let insert = try db.makeStatement(sql: "INSERT INTO note(body, tag) VALUES (?, ?)")
                for i in 0..<3000 {
                    try insert.execute(arguments: ["\(canary) row \(i) " + String(repeating: "x", count: i % 200), "tag-\(i)"])
                }
                try scan("insert, before commit")
                return .commit
            }
            try scan("insert")

            try db.execute(sql: "UPDATE note SET body = body || ' updated \(canary)'")
            try scan("update")

            try db.execute(sql: "CREATE INDEX note_body ON note(body)")
            try scan("create index")

            // A sort that spills: temp files on disk unless the VFS keeps them in memory, which it must.
            try db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA cache_size = 20")
            let memoryFilesBefore = sealedvfs_memory_files_opened()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.body || b.tag FROM note a, (SELECT tag FROM note LIMIT 6) b ORDER BY substr(a.body, 3) DESC, 1
                """)
            _ = try rows.next()
            try scan("large sort, cursor open")
            spilled = sealedvfs_memory_files_opened() > memoryFilesBefore
            while try rows.next() != nil {}
            try db.execute(sql: "PRAGMA cache_size = -16384")

            // Over 64 KiB of changes in one transaction, with a statement journal (the UNIQUE constraint
            // makes each multi-row statement need one) that spills past its in-memory threshold.
            try db.inTransaction {
                try db.execute(sql: "UPDATE note SET body = body || ' second pass \(canary)', tag = 'T' || tag")
                try db.execute(sql: "INSERT INTO note(body, tag) SELECT body || ' copy', 'c' || tag FROM note WHERE id <= 1500")
                try scan("large transaction, before commit")
                return .commit
            }
            try scan("large transaction")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")

            try db.execute(sql: "VACUUM")
            try scan("vacuum")
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" {
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try scan("checkpoint")
            }
        }
        return spilled
    }

    @Test("the canary is absent from every file at every step", arguments: Scenario.allCases)
    func canaryNeverOnDisk(_ scenario: Scenario) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        var steps: [String] = []
        let scan = { (step: String) throws in
            steps.append(step)
            let leaks = try dir.filesContaining(Self.canary)
            #expect(leaks.isEmpty, "\(Self.canary) found in \(leaks) after \(step)")
            #expect(try dir.filesContaining("CANARY-7f3a").isEmpty)
        }
        if scenario.wal {
            let pool = try SealedDatabase.create(at: path, key: key)
            #expect(try Self.workload(pool, mmap: scenario.mmap, scan: scan), "the sort did not spill to a temp file")
            try pool.close()
        } else {
            let queue = try SealedDatabase.createQueue(at: path, key: key)
            // PERSIST keeps the journal file after each commit, so its last content can be scanned too.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = PERSIST") }
            #expect(try Self.workload(queue, mmap: scenario.mmap, scan: scan), "the sort did not spill to a temp file")
            #expect(FileManager.default.fileExists(atPath: path + SEALEDVFS_JOURNAL_SUFFIX))
            try queue.close()
        }
        try scan("close")
        #expect(steps.count >= 9)

        // The data is all there.
        let reopened = try SealedDatabase.open(at: path, key: key)
        let count = try reopened.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM note WHERE body LIKE '%' || ? || '%'", arguments: [Self.canary])
        }
        #expect(count == 4500)
    }

    @Test("control: the same workload on plain SQLite does leave the canary on disk")
    func scannerFindsPlaintext() throws {
        let dir = try TemporaryDirectory()
        let queue = try openPlainDatabase(at: dir.path("plain.db"))
        var found: [String] = []
        try Self.workload(queue, mmap: false) { _ in found += try dir.filesContaining(Self.canary) }
        #expect(found.contains("plain.db"))
    }

    @Test("no file of a sealed database is ever memory-mapped, even when asked")
    func neverMapped() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("mapped.db")
        let pool = try SealedDatabase.create(at: path, key: .random())
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA mmap_size = 1000000000")
            try db.execute(sql: "CREATE TABLE t(x); INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT randomblob(500) FROM n")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM t WHERE length(x) = 500")
            let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            #expect(!maps.contains(dir.url.lastPathComponent + "/mapped.db\n"))
        }
        try pool.close()
    }
}
