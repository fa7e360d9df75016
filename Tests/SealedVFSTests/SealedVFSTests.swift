import Foundation
import GRDBSQLite
import SealedVFS
import Testing

/// The C layer through SQLite's own API, without the Swift store on top: what an operator's tools and
/// any other SQLite user in the process meet.
@Suite("SealedVFS through the SQLite C API")
struct SealedVFSTests {
    static let hexKey = "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    static var key: [UInt8] {
        stride(from: 0, to: 64, by: 2).map { i in
            UInt8(hexKey[hexKey.index(hexKey.startIndex, offsetBy: i)..<hexKey.index(hexKey.startIndex, offsetBy: i + 2)], radix: 16)!
        }
    }

    init() {
        #expect(sealedvfs_register(0) == 0)
    }

    /// A fresh folder for one test.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sealedvfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Opens `path` through the sealed VFS; returns the result code and the handle.
    static func open(_ path: String, vfs: String = "sealed") -> (Int32, OpaquePointer?) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, vfs)
        return (rc, db)
    }

    static func exec(_ db: OpaquePointer?, _ sql: String) -> Int32 {
        sqlite3_exec(db, sql, nil, nil, nil)
    }

    static func message(_ db: OpaquePointer?) -> String { String(cString: sqlite3_errmsg(db)) }

    /// Creates a small sealed database with one secret row, as the Swift store would.
    static func makeSealed(at path: String) throws {
        #expect(key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (rc, db) = open(path)
        #expect(rc == SQLITE_OK)
        #expect(sealedvfs_prepare_connection(UnsafeMutableRawPointer(db)) == 0)
        #expect(exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(secret TEXT); INSERT INTO t VALUES ('Solist: Anna Lind')") == SQLITE_OK,
                "\(message(db))")
        sqlite3_close(db)
    }

    @Test("no key registered: the open fails and no file appears")
    func noKey() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("nokey.db").path
        let (rc, db) = Self.open(path)
        sqlite3_close(db)
        #expect(rc == SQLITE_CANTOPEN)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a page 1 without the 40 reserved bytes is never written")
    func unreservedNeverWritten() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("unreserved.db").path
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (rc, db) = Self.open(path)
        #expect(rc == SQLITE_OK)
        // No sealedvfs_prepare_connection: SQLite would lay pages out without room for nonce and tag.
        let write = Self.exec(db, "CREATE TABLE t(secret TEXT); INSERT INTO t VALUES ('in the clear?')")
        #expect(write != SQLITE_OK)
        #expect(sqlite3_extended_errcode(db) == SQLITE_IOERR | (3 << 8))  // SQLITE_IOERR_WRITE
        sqlite3_close(db)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        #expect(size == 0)
        #expect(sealedvfs_key_remove(path) == 0)
        #expect(sealedvfs_key_remove(path) == 12)  // SEALEDVFS_NOTFOUND
    }

    @Test("the hexkey URI parameter opens a sealed file; a wrong one says 'file is not a database'")
    func hexKeyParameter() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("uri.db").path
        try Self.makeSealed(at: path)
        #expect(sealedvfs_key_remove(path) == 0)

        let (rc, db) = Self.open("file:\(path)?vfs=sealed&hexkey=\(Self.hexKey)", vfs: "unix")
        #expect(rc == SQLITE_OK)
        var stmt: OpaquePointer?
        #expect(sqlite3_prepare_v2(db, "SELECT secret FROM t", -1, &stmt, nil) == SQLITE_OK, "\(Self.message(db))")
        #expect(sqlite3_step(stmt) == SQLITE_ROW)
        #expect(String(cString: sqlite3_column_text(stmt, 0)) == "Solist: Anna Lind")
        sqlite3_finalize(stmt)
        sqlite3_close(db)

        let wrong = String(repeating: "0", count: 64)
        let (rc2, db2) = Self.open("file:\(path)?vfs=sealed&hexkey=\(wrong)", vfs: "unix")
        // SQLite reads page 1 at open or at the first statement, depending on the journal mode.
        #expect((rc2 != SQLITE_OK ? rc2 : Self.exec(db2, "SELECT * FROM t")) == SQLITE_NOTADB)
        #expect(Self.message(db2) == "file is not a database")
        sqlite3_close(db2)
    }

    @Test("verify_file tells sealed, damaged and plain files apart")
    func verifyFile() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("v.db").path
        try Self.makeSealed(at: path)
        var report = sealedvfs_verify_report()
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_verify_file(path, $0.baseAddress, &report) } == 0)
        #expect(report.page_size == 4096 && report.page_count == 2 && report.bad_pages == 0)

        let plain = dir.appendingPathComponent("plain.db").path
        let (_, db) = Self.open(plain, vfs: "unix")
        #expect(Self.exec(db, "CREATE TABLE t(x)") == SQLITE_OK)
        sqlite3_close(db)
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_verify_file(plain, $0.baseAddress, &report) } == 26)
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_verify_file(dir.path + "/missing.db", $0.baseAddress, &report) } == 14)
    }

    /// The loadable extension next to the test bundle (built by `swift build`).
    static var extensionPath: String? {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("libSealedVFS.so").path }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func shell(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test("the stock sqlite3 shell cannot read a sealed file, and can with the extension and the key")
    func stockShell() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("shell.db").path
        try Self.makeSealed(at: path)
        let stock = try Self.shell([path, "SELECT secret FROM t"])
        #expect(stock.status != 0)
        #expect(stock.err.contains("file is not a database"))
        #expect(!stock.out.contains("Anna Lind"))

        let library = try #require(Self.extensionPath, "libSealedVFS.so not built: run `swift build` before `swift test`")
        // ":memory:" is the database named on the command line; `.open` then switches to the sealed file.
        let loaded = try Self.shell([":memory:", "-cmd", ".load \(library)", "-cmd", ".open 'file:\(path)?vfs=sealed&hexkey=\(Self.hexKey)'",
                                     "SELECT secret FROM t"])
        #expect(loaded.status == 0, "\(loaded.err)")
        #expect(loaded.out == "Solist: Anna Lind\n")

        let wrong = try Self.shell([":memory:", "-cmd", ".load \(library)",
                                    "-cmd", ".open 'file:\(path)?vfs=sealed&hexkey=\(String(repeating: "1", count: 64))'",
                                    "SELECT secret FROM t"])
        #expect(wrong.status != 0)
        #expect(wrong.err.contains("file is not a database"))
    }
}
