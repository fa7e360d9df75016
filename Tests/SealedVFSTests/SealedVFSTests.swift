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

    @Test("the API's failure codes are negative and distinct, so none can be taken for a SQLite result code")
    func resultCodesApart() {
        let failures = [SEALEDVFS_ERROR, SEALEDVFS_NOMEM, SEALEDVFS_NOTFOUND, SEALEDVFS_CANTOPEN, SEALEDVFS_NOTSEALED,
                        SEALEDVFS_AUTH].map { Int64($0.rawValue) }
        #expect(failures.allSatisfy { $0 < 0 })
        #expect(Set(failures).count == failures.count)
        #expect(SEALEDVFS_OK.rawValue == 0)
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
        #expect(sealedvfs_key_remove(path) == Int32(SEALEDVFS_NOTFOUND.rawValue))
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
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_verify_file(plain, $0.baseAddress, &report) } == Int32(SEALEDVFS_NOTSEALED.rawValue))
        #expect(Self.key.withUnsafeBufferPointer { sealedvfs_verify_file(dir.path + "/missing.db", $0.baseAddress, &report) } == Int32(SEALEDVFS_CANTOPEN.rawValue))
    }

    // MARK: Checkpoints reuse the WAL's sealed bytes

    /// Every row of `SELECT id, v FROM t`, by id.
    static func rows(_ db: OpaquePointer?) -> [Int: String] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT id, v FROM t", -1, &stmt, nil) == SQLITE_OK else { return [:] }
        defer { sqlite3_finalize(stmt) }
        var out: [Int: String] = [:]
        while sqlite3_step(stmt) == SQLITE_ROW {
            out[Int(sqlite3_column_int64(stmt, 0))] = String(cString: sqlite3_column_text(stmt, 1))
        }
        return out
    }

    /// The first column of the first row of `sql`, as text.
    static func text(_ db: OpaquePointer?, _ sql: String) -> String? {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else { return nil }
        defer { sqlite3_finalize(stmt) }
        guard sqlite3_step(stmt) == SQLITE_ROW, let value = sqlite3_column_text(stmt, 0) else { return nil }
        return String(cString: value)
    }

    /// Authenticates every page of the database file (not its WAL).
    static func verify(_ path: String) -> (rc: Int32, report: sealedvfs_verify_report) {
        var report = sealedvfs_verify_report()
        let rc = key.withUnsafeBufferPointer { sealedvfs_verify_file(path, $0.baseAddress, &report) }
        return (rc, report)
    }

    /// Opens a new sealed WAL database at `path` with automatic checkpoints off and an empty table t(id, v).
    static func makeWAL(at path: String) -> OpaquePointer? {
        #expect(key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (rc, db) = open(path)
        #expect(rc == SQLITE_OK)
        #expect(sealedvfs_prepare_connection(UnsafeMutableRawPointer(db)) == 0)
        #expect(exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; PRAGMA busy_timeout=10000; "
                         + "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)") == SQLITE_OK, "\(message(db))")
        return db
    }

    /// Row `id`'s text as of round `round`: a few hundred bytes, so rows spread over many pages.
    static func value(_ id: Int, round: Int) -> String {
        "musician \(id) round \(round) " + String(repeating: "abcdefghij".shuffled().map(String.init).joined(), count: 25)
    }

    @Test("checkpoints copy the WAL's sealed pages: every page still authenticates and every row reads back")
    func checkpointReusesSealedFrames() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("reuse.db").path
        let db = Self.makeWAL(at: path)
        var expected: [Int: String] = [:]
        for round in 0..<12 {
            // 150 new rows and 60 changed ones a round, then a checkpoint: passive and truncating in turn.
            var sql = "BEGIN;"
            for id in (round * 150)..<(round * 150 + 150) { expected[id] = Self.value(id, round: round) }
            for id in expected.keys.shuffled().prefix(60) { expected[id] = Self.value(id, round: round) }
            for (id, v) in expected { sql += "INSERT OR REPLACE INTO t VALUES (\(id), '\(v)');" }
            #expect(Self.exec(db, sql + "COMMIT") == SQLITE_OK, "\(Self.message(db))")
            let reusedBefore = sealedvfs_pages_reused()
            let mode = round % 2 == 0 ? "TRUNCATE" : "PASSIVE"
            #expect(Self.exec(db, "PRAGMA wal_checkpoint(\(mode))") == SQLITE_OK, "\(Self.message(db))")
            let reused = sealedvfs_pages_reused() - reusedBefore
            let (rc, report) = Self.verify(path)
            #expect(rc == 0 && report.bad_pages == 0, "round \(round): page \(report.first_bad_page) does not authenticate")
            if round == 0 {
                // The first checkpoint copies every page but perhaps page 1 (written when WAL mode was set)
                // from the WAL, none of them sealed again. Other tests only add to the process-wide count.
                #expect(report.page_count > 10)
                #expect(reused >= UInt64(report.page_count - 1))
            }
        }
        #expect(Self.text(db, "PRAGMA integrity_check") == "ok")
        sqlite3_close(db)  // the last connection: checkpoints and deletes the WAL

        #expect(!FileManager.default.fileExists(atPath: path + SEALEDVFS_WAL_SUFFIX))
        let (rc, report) = Self.verify(path)
        #expect(rc == 0 && report.bad_pages == 0)
        let (rc2, again) = Self.open(path)
        #expect(rc2 == SQLITE_OK)
        #expect(Self.rows(again) == expected)
        #expect(Self.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)
    }

    @Test("a WAL frame altered before the checkpoint is an error and never reaches the database file")
    func tamperedFrameNeverCheckpointed() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("tamper.db").path
        let writer = Self.makeWAL(at: path)
        #expect(Self.exec(writer, "INSERT INTO t VALUES (1, 'Konsertmästare: Eva Berg'); PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK)
        var sql = "BEGIN;"
        for id in 2..<400 { sql += "INSERT INTO t VALUES (\(id), '\(Self.value(id, round: 0))');" }
        #expect(Self.exec(writer, sql + "COMMIT") == SQLITE_OK, "\(Self.message(writer))")

        // A second connection reads everything, through the WAL: it last authenticated a genuine frame.
        let (rc, reader) = Self.open(path)
        #expect(rc == SQLITE_OK)
        #expect(Self.rows(reader).count == 399)

        // Flip one sealed byte of the last frame (the newest image of its page, so a checkpoint copies it).
        let wal = try #require(FileHandle(forUpdatingAtPath: path + SEALEDVFS_WAL_SUFFIX))
        let size = try wal.seekToEnd()
        let frame = size - 4096 - 24
        #expect(frame >= 32 && (frame - 32) % (4096 + 24) == 0)
        try wal.seek(toOffset: frame + 24 + 1000)
        var byte = try #require(try wal.read(upToCount: 1))
        byte[0] ^= 0x01
        try wal.seek(toOffset: frame + 24 + 1000)
        try wal.write(contentsOf: byte)
        try wal.close()

        let reusedBefore = sealedvfs_pages_reused()
        #expect(Self.exec(reader, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_IOERR)
        #expect(sqlite3_extended_errcode(reader) == SQLITE_IOERR | (32 << 8))  // SQLITE_IOERR_DATA
        #expect(sealedvfs_pages_reused() >= reusedBefore)
        // Whatever the checkpoint copied before it met the bad frame is authentic; the bad frame is not there.
        let (vrc, report) = Self.verify(path)
        #expect(vrc == 0 && report.bad_pages == 0, "page \(report.first_bad_page) does not authenticate")
        #expect(Self.exec(writer, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_IOERR)
        #expect(Self.verify(path).rc == 0)
        sqlite3_close(reader)
        sqlite3_close(writer)
        #expect(Self.verify(path).rc == 0)
    }

    @Test("connections on two threads writing and checkpointing the same file: every page authenticates")
    func concurrentCheckpoints() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("threads.db").path
        let first = Self.makeWAL(at: path)
        // Failures are collected and checked on the test's own thread, where Swift Testing records them.
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let (rc, db) = Self.open(path)
            defer { sqlite3_close(db) }
            guard rc == SQLITE_OK, Self.exec(db, "PRAGMA busy_timeout=10000") == SQLITE_OK else {
                return failures.add("worker \(worker): open: \(Self.message(db))")
            }
            for round in 0..<10 {
                var sql = "BEGIN IMMEDIATE;"
                for i in 0..<60 {
                    sql += "INSERT OR REPLACE INTO t VALUES (\(worker * 1000 + (round * 60 + i) % 300), '\(Self.value(i, round: round))');"
                }
                if Self.exec(db, sql + "COMMIT") != SQLITE_OK { failures.add("worker \(worker): write: \(Self.message(db))") }
                // Busy only means the other connection was reading or checkpointing at that moment.
                let rc = Self.exec(db, "PRAGMA wal_checkpoint(PASSIVE)")
                if rc != SQLITE_OK && rc != SQLITE_BUSY { failures.add("worker \(worker): checkpoint: \(Self.message(db))") }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(Self.exec(first, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "\(Self.message(first))")
        let (rc, report) = Self.verify(path)
        #expect(rc == 0 && report.bad_pages == 0, "page \(report.first_bad_page) does not authenticate")
        #expect(Self.rows(first).count == 600)
        #expect(Self.text(first, "PRAGMA integrity_check") == "ok")
        sqlite3_close(first)
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

    @Test("the extension keeps a loading connection's temp storage in memory, so an ATTACHed sealed file never spills plaintext")
    func extensionKeepsTempInMemory() throws {
        let library = try #require(Self.extensionPath, "libSealedVFS.so not built: run `swift build` before `swift test`")
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("attached.db").path
        try Self.makeSealed(at: path)
        // A plain shell connection (Debian's default keeps temp files on disk) attaches the sealed file.
        let attach = "ATTACH 'file:\(path)?vfs=sealed&hexkey=\(Self.hexKey)' AS s;"
        let run = try Self.shell([":memory:", "-cmd", ".load \(library)", attach + " PRAGMA temp_store; SELECT secret FROM s.t ORDER BY 1"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "2\nSolist: Anna Lind\n")  // 2: MEMORY
        let refused = try Self.shell([":memory:", "-cmd", ".load \(library)", "PRAGMA temp_store=FILE; " + attach])
        #expect(refused.status != 0)
        #expect(refused.err.contains("temp storage stays in memory"))
    }

    @Test("temp tables and sorts, kept in memory by the VFS, read back what was written through spills, rollbacks and truncations")
    func memoryFilesReadBackWhatWasWritten() throws {
        let dir = try Self.folder()
        let path = dir.appendingPathComponent("temp.db").path
        try Self.makeSealed(at: path)
        let (rc, db) = Self.open(path)
        #expect(rc == SQLITE_OK)
        defer { sqlite3_close(db) }
        let filesBefore = sealedvfs_memory_files_opened()
        // A 5-page cache for the temp database: its pages spill to its file (in memory) out of order, and
        // savepoints that roll back read the statement journal (in memory too) back.
        #expect(Self.exec(db, "PRAGMA temp_store=FILE; PRAGMA temp.cache_size=5; PRAGMA cache_size=5; "
                             + "CREATE TEMP TABLE m(id INTEGER PRIMARY KEY, v TEXT)") == SQLITE_OK, "\(Self.message(db))")
        var expected: [Int: String] = [:]
        for round in 0..<6 {
            var sql = "BEGIN;"
            for id in (round * 300)..<(round * 300 + 300) {
                expected[id] = Self.value(id, round: round)
                sql += "INSERT INTO m VALUES (\(id), '\(expected[id]!)');"
            }
            for id in expected.keys.shuffled().prefix(100) {
                expected[id] = Self.value(id, round: round + 100)
                sql += "UPDATE m SET v = '\(expected[id]!)' WHERE id = \(id);"
            }
            for id in expected.keys.shuffled().prefix(40) {
                expected[id] = nil
                sql += "DELETE FROM m WHERE id = \(id);"
            }
            // Changes inside a savepoint that rolls back must leave nothing behind.
            sql += "SAVEPOINT s; UPDATE m SET v = 'rolled back'; DELETE FROM m WHERE id % 3 = 0; ROLLBACK TO s; RELEASE s;"
            #expect(Self.exec(db, sql + "COMMIT") == SQLITE_OK, "round \(round): \(Self.message(db))")
        }
        #expect(sealedvfs_memory_files_opened() > filesBefore, "the temp database and its journals were opened in memory")
        #expect(Self.text(db, "PRAGMA temp.integrity_check") == "ok")
        var stmt: OpaquePointer?
        #expect(sqlite3_prepare_v2(db, "SELECT id, v FROM m ORDER BY v, id", -1, &stmt, nil) == SQLITE_OK)  // a sort
        var read: [Int: String] = [:]
        var previous = ""
        while sqlite3_step(stmt) == SQLITE_ROW {
            let v = String(cString: sqlite3_column_text(stmt, 1))
            #expect(v >= previous, "sorted")
            previous = v
            read[Int(sqlite3_column_int64(stmt, 0))] = v
        }
        sqlite3_finalize(stmt)
        #expect(read == expected)
        // Emptied and filled again: the file is truncated, then written past what it held.
        #expect(Self.exec(db, "DELETE FROM m; VACUUM temp; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                             + "INSERT INTO m SELECT i, 'x' || i FROM n") == SQLITE_OK,
                "\(Self.message(db))")
        #expect(Self.text(db, "SELECT count(*) || ' ' || sum(length(v)) FROM m") == "2000 8893")
        #expect(Self.text(db, "PRAGMA temp.integrity_check") == "ok")
    }
}

/// Messages gathered from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
