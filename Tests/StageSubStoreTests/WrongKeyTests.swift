import Foundation
import GRDB
import Testing
@testable import StageSubStore

@Suite("Wrong key, no key, not sealed")
struct WrongKeyTests {
    /// A closed sealed database with a little data, and its key.
    static func makeDatabase(in dir: TemporaryDirectory) throws -> (path: String, key: DatabaseKey) {
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        let pool = try SealedDatabase.create(at: path, key: key)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE musician(name TEXT); INSERT INTO musician VALUES ('Greta Ek'), ('Olof Berg')")
        }
        try SealedDatabase.close(pool)
        #expect(try dir.fileNames() == ["orchestra.db"])
        return (path, key)
    }

    @Test("a wrong key is refused with a message that says so, and the file is not touched")
    func wrongKey() throws {
        let dir = try TemporaryDirectory()
        let (path, key) = try Self.makeDatabase(in: dir)
        let before = try dir.fingerprint()

        let wrong = DatabaseKey.random()
        let error = #expect(throws: StoreError.self) { try SealedDatabase.open(at: path, key: wrong) }
        #expect(error?.code == .wrongKey)
        #expect(error?.message.contains("wrong key") == true)
        #expect(error?.message.contains(wrong.unsafeHexDigits()) == false)
        #expect(error?.message.contains(key.unsafeHexDigits()) == false)
        #expect(try dir.fingerprint() == before)  // same files, same bytes: no -wal, no -shm, nothing rewritten

        let verifyError = #expect(throws: StoreError.self) { try SealedDatabase.verify(at: path, key: wrong) }
        #expect(verifyError?.code == .wrongKey)
        #expect(try dir.fingerprint() == before)

        // The right key still opens it.
        let names = try SealedDatabase.open(at: path, key: key).read { db in try String.fetchAll(db, sql: "SELECT name FROM musician") }
        #expect(names == ["Greta Ek", "Olof Berg"])
    }

    @Test("with no key registered SQLite cannot open the file, and nothing is written")
    func noKey() throws {
        let dir = try TemporaryDirectory()
        let (path, _) = try Self.makeDatabase(in: dir)
        SealedDatabase.forgetKey(at: path)
        let before = try dir.fingerprint()
        #expect(throws: (any Error).self) {
            let queue = try DatabaseQueue(path: path)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM musician") }
        }
        #expect(try dir.fingerprint() == before)
    }

    @Test("with no key registered a new database cannot be created in plaintext")
    func noKeyNewFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("new.db")
        SealedDatabase.registerVFS()
        #expect(throws: (any Error).self) {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE t(secret TEXT); INSERT INTO t VALUES ('plaintext!')") }
        }
        #expect(try dir.filesContaining("plaintext!").isEmpty)
        #expect(try dir.fileNames().isEmpty)
    }

    @Test("a plain SQLite file is named as such, and left alone")
    func plainFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("plain.db")
        try openPlainDatabase(at: path).write { db in try db.execute(sql: "CREATE TABLE t(x)") }
        let before = try dir.fingerprint()
        let error = #expect(throws: StoreError.self) { try SealedDatabase.open(at: path, key: .random()) }
        #expect(error?.code == .notSealed)
        #expect(error?.message.contains("plain, unencrypted SQLite") == true)
        #expect(try dir.fingerprint() == before)
    }

    @Test("a file that is no database at all is named as such")
    func foreignFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("notes.txt")
        try Data(String(repeating: "Not a database. ", count: 300).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SealedDatabase.open(at: path, key: .random()) }
        #expect(error?.code == .notSealed)
        let empty = dir.path("empty.db")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect((#expect(throws: StoreError.self) { try SealedDatabase.open(at: empty, key: .random()) })?.code == .notSealed)
    }
}
