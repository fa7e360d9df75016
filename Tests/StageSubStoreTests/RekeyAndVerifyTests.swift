import Foundation
import GRDB
import Testing
@testable import StageSubStore

@Suite("Rekey and verify", .serialized)
struct RekeyAndVerifyTests {
    /// A closed database of a few MiB, so a rekey takes long enough to be interrupted; returns its digest.
    static func makeDatabase(_ dir: TemporaryDirectory, key: DatabaseKey, rows: Int = 1500) throws -> (path: String, digest: [String]) {
        let path = dir.path("orchestra.db")
        let pool = try SealedDatabase.create(at: path, key: key)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE log(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            try db.execute(sql: "CREATE INDEX log_payload ON log(substr(payload, 1, 16))")
            for seq in 1...rows {
                try db.execute(sql: "INSERT INTO log VALUES (?, randomblob(2500))", arguments: [seq])
            }
        }
        let digest = try pool.read(digest)
        try SealedDatabase.close(pool)
        return (path, digest)
    }

    static func digest(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT seq || ':' || hex(substr(payload, 1, 12)) || ':' || length(payload) FROM log ORDER BY seq")
    }

    static func digest(at path: String, key: DatabaseKey) throws -> [String] {
        let pool = try SealedDatabase.open(at: path, key: key)
        defer { try? SealedDatabase.close(pool) }
        return try pool.read(digest)
    }

    @Test("after a rekey the new key opens the same data and the old key does not")
    func rekey() throws {
        let dir = try TemporaryDirectory()
        let old = DatabaseKey.random(), new = DatabaseKey.random()
        let (path, digest) = try Self.makeDatabase(dir, key: old, rows: 200)
        try SealedDatabase.rekey(at: path, from: old, to: new)
        #expect(try Self.digest(at: path, key: new) == digest)
        #expect((#expect(throws: StoreError.self) { try SealedDatabase.open(at: path, key: old) })?.code == .wrongKey)
        #expect(try SealedDatabase.verify(at: path, key: new).isIntact)
        #expect(try dir.fileNames() == ["orchestra.db"])
    }

    @Test("rekey with the wrong old key changes nothing")
    func rekeyWrongKey() throws {
        let dir = try TemporaryDirectory()
        let key = DatabaseKey.random()
        let (path, _) = try Self.makeDatabase(dir, key: key, rows: 50)
        let before = try dir.fingerprint()
        let error = #expect(throws: StoreError.self) { try SealedDatabase.rekey(at: path, from: .random(), to: .random()) }
        #expect(error?.code == .wrongKey)
        #expect(try dir.fingerprint() == before)
    }

    @Test("rekey refuses while another connection has the database open")
    func rekeyWhileOpen() throws {
        let dir = try TemporaryDirectory()
        let key = DatabaseKey.random()
        let (path, digest) = try Self.makeDatabase(dir, key: key, rows: 50)
        let other = try SealedDatabase.open(at: path, key: key)
        try other.write { db in try db.execute(sql: "UPDATE log SET payload = payload WHERE seq = 1") }
        let error = #expect(throws: StoreError.self) { try SealedDatabase.rekey(at: path, from: key, to: .random()) }
        #expect(error?.message.contains("open elsewhere") == true)
        try SealedDatabase.close(other)
        #expect(try Self.digest(at: path, key: key) == digest)
        #expect(!FileManager.default.fileExists(atPath: path + ".rekey"))
    }

    @Test("a rekey killed at any moment leaves the old database or the new one, whole")
    func rekeyKilled() throws {
        let dir = try TemporaryDirectory()
        var current = DatabaseKey.random()
        let (path, digest) = try Self.makeDatabase(dir, key: current)

        // One uninterrupted run in a child process, to learn how long a rekey takes here.
        let started = Date()
        let next = DatabaseKey.random()
        let full = try CrashTests.runWriter("rekey", path: path, keys: [current, next], kill: nil, in: dir)
        let duration = Date().timeIntervalSince(started)
        #expect(full.lines.last == "done")
        current = next
        #expect(try Self.digest(at: path, key: current) == digest)

        var outcomes: [String] = []
        for round in 0..<8 {
            let candidate = DatabaseKey.random()
            let delay = Int(Double.random(in: 0...1.1) * duration * 1_000_000)
            let outcome = try CrashTests.runWriter("rekey", path: path, keys: [current, candidate],
                                                   kill: .afterStart(microseconds: delay), in: dir)
            if (try? SealedDatabase.verify(at: path, key: candidate))?.isIntact == true {
                current = candidate
                outcomes.append(outcome.killed ? "new" : "finished")
            } else {
                outcomes.append("old")
            }
            #expect(try SealedDatabase.verify(at: path, key: current).isIntact, "round \(round)")
            #expect(try Self.digest(at: path, key: current) == digest, "round \(round)")
        }
        // A leftover staging file never stands in the way of the next rekey.
        let last = DatabaseKey.random()
        try SealedDatabase.rekey(at: path, from: current, to: last)
        #expect(try Self.digest(at: path, key: last) == digest)
        #expect(try dir.fileNames().filter { $0.hasPrefix("orchestra.db") } == ["orchestra.db"])
        print("rekey kill outcomes (rekey took \(Int(duration * 1000)) ms): \(outcomes)")
    }

    @Test("verify reports an intact database as intact and counts damaged pages")
    func verify() throws {
        let dir = try TemporaryDirectory()
        let key = DatabaseKey.random()
        let (path, _) = try Self.makeDatabase(dir, key: key, rows: 100)
        let intact = try SealedDatabase.verify(at: path, key: key)
        #expect(intact.isIntact)
        #expect(intact.pageSize == 4096)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(intact.pageCount == size / 4096)

        try flipByte(at: 4096 * 5 + 77, inFileAt: path)
        try flipByte(at: 4096 * 9 + 4090, inFileAt: path)
        let damaged = try SealedDatabase.verify(at: path, key: key)
        #expect(!damaged.isIntact)
        #expect(damaged.badPages == 2)
        #expect(damaged.firstBadPage == 6)
        #expect(!damaged.integrityProblems.isEmpty)
    }
}

@Suite("Databases larger than the page cache")
struct LargeDatabaseTests {
    @Test("a 12 MB database copies with VACUUM INTO, rekeys and verifies (the copy spills pages before page 1)")
    func largerThanCache() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("big.db")
        let key = DatabaseKey.random()
        let pool = try SealedDatabase.create(at: path, key: key)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE archive(id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            let insert = try db.makeStatement(sql: "INSERT INTO archive(body) VALUES (randomblob(2000))")
            for _ in 0..<6000 { try insert.execute() }
        }
        let copy = dir.path("copy.db")
        let copyKey = DatabaseKey.random()
        try SealedDatabase.register(key: copyKey, for: copy)
        try pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
        try SealedDatabase.close(pool)
        #expect(try SealedDatabase.verify(at: copy, key: copyKey).isIntact)
        let newKey = DatabaseKey.random()
        try SealedDatabase.rekey(at: path, from: key, to: newKey)
        let report = try SealedDatabase.verify(at: path, key: newKey)
        #expect(report.isIntact)
        #expect(report.pageCount > 3000)
    }
}
