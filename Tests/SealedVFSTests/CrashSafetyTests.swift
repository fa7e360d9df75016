import Foundation
import GRDBSQLite
import SealedVFS
import Testing

/// What a crash, a torn write, a cut-short file or an operator's stock tools leave behind: never data that
/// was not written, never a lost commit (issue 16, part 1).
@Suite("Sealed files after crashes, tears and stock tools")
struct CrashSafetyTests {
    typealias V = SealedVFSTests

    init() {
        #expect(sealedvfs_register(0) == 0)
    }

    static let walSuffix = SEALEDVFS_WAL_SUFFIX
    static let journalSuffix = SEALEDVFS_JOURNAL_SUFFIX

    /// Opens `path` through the sealed VFS with the test key registered and the reserve asked for.
    static func openSealed(_ path: String) -> OpaquePointer? {
        #expect(V.key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (rc, db) = V.open(path)
        #expect(rc == SQLITE_OK)
        #expect(sealedvfs_prepare_connection(UnsafeMutableRawPointer(db)) == 0)
        return db
    }

    /// The side file of `path` of one kind as it is on disk: under the sealed name, or SQLite's own (format
    /// 1, and the VFS before it), so that each scenario shows what the VFS does, whichever version wrote it.
    static func side(_ path: String, _ sealedSuffix: String) -> String {
        let legacy = sealedSuffix == walSuffix ? "-wal" : "-journal"
        return FileManager.default.fileExists(atPath: path + legacy) ? path + legacy : path + sealedSuffix
    }

    /// Copies a database and its side files as a crash leaves them: while the writer still has them open.
    static func crashCopy(_ path: String, to copy: String, suffixes: [String]) throws {
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        for suffix in suffixes {
            let source = side(path, suffix)
            try FileManager.default.copyItem(atPath: source, toPath: copy + source.dropFirst(path.count))
        }
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Runs Python's stock sqlite3 module on `path`: connect, one query, close (what an operator would try).
    static func stockPython(_ path: String) throws -> String {
        let script = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            try:
                print(c.execute("SELECT count(*) FROM t").fetchall())
            except Exception as e:
                print("error:", e)
            c.close()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func count(_ db: OpaquePointer?, _ sql: String = "SELECT count(*) FROM t") -> Int? {
        V.text(db, sql).flatMap { Int($0) }
    }

    // MARK: A file cut short

    @Test("a database file cut short by one page in WAL mode is an error, never a blob of zeros")
    func truncatedInWALMode() throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("cut.db").path
        let db = Self.openSealed(path)
        // The blob's pages are checkpointed into the file; then a small commit stays in the WAL.
        #expect(V.exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE s(x); CREATE TABLE b(v BLOB); "
                         + "INSERT INTO b VALUES (randomblob(20000)); PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO s VALUES (1)") == SQLITE_OK,
                "\(V.message(db))")
        let copy = dir.appendingPathComponent("copy.db").path
        try Self.crashCopy(path, to: copy, suffixes: [Self.walSuffix])
        sqlite3_close(db)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int)
        #expect(truncate(copy, off_t(size - 4096)) == 0)

        let again = Self.openSealed(copy)
        #expect(V.text(again, "SELECT count(*) FROM s") == "1")  // what is there still reads
        var stmt: OpaquePointer?
        #expect(sqlite3_prepare_v2(again, "SELECT v FROM b", -1, &stmt, nil) == SQLITE_OK)
        #expect(sqlite3_step(stmt) != SQLITE_ROW, "the blob came back although its last page is gone")
        #expect(sqlite3_extended_errcode(again) == SQLITE_IOERR | (32 << 8))  // SQLITE_IOERR_DATA
        sqlite3_finalize(stmt)
        #expect(V.text(again, "PRAGMA integrity_check") != "ok")
        sqlite3_close(again)
    }

    // MARK: Stock SQLite on a crashed sealed database

    @Test("stock SQLite opening a crashed WAL database fails and leaves its log alone: all 101 commits survive")
    func stockOpenOfCrashedWAL() throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("live.db").path
        let db = Self.openSealed(path)
        #expect(V.exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)") == SQLITE_OK)
        for id in 1...101 { #expect(V.exec(db, "INSERT INTO t VALUES (\(id), 'Probe \(id)')") == SQLITE_OK) }
        let copy = dir.appendingPathComponent("crashed.db").path
        try Self.crashCopy(path, to: copy, suffixes: [Self.walSuffix])
        sqlite3_close(db)
        let log = Self.bytes(Self.side(copy, Self.walSuffix))

        // Python's module and the stock shell: "file is not a database", and nothing touched.
        #expect(try Self.stockPython(copy).contains("file is not a database"))
        let shell = try V.shell([copy, "SELECT count(*) FROM t"])
        #expect(shell.status != 0 && shell.err.contains("file is not a database"))
        #expect(Self.bytes(Self.side(copy, Self.walSuffix)) == log, "the log was deleted or changed")

        let again = Self.openSealed(copy)
        #expect(Self.count(again) == 101)
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)
    }

    @Test("stock SQLite opening a database with a hot journal never plays it back; the sealed VFS rolls it back")
    func stockOpenOfHotJournal() throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("live.db").path
        let db = Self.openSealed(path)
        #expect(V.exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
                         + "INSERT INTO t SELECT i, 'before ' || printf('%.200c', 'x') FROM c") == SQLITE_OK, "\(V.message(db))")
        // A small cache makes the update spill changed pages into the file before it commits.
        #expect(V.exec(db, "PRAGMA cache_size=2; BEGIN; UPDATE t SET v = 'after ' || printf('%.200c', 'y')") == SQLITE_OK)
        let copy = dir.appendingPathComponent("crashed.db").path
        try Self.crashCopy(path, to: copy, suffixes: [Self.journalSuffix])
        sqlite3_close(db)
        let journal = Self.side(copy, Self.journalSuffix)
        let before = (Self.bytes(copy), Self.bytes(journal))

        #expect(try Self.stockPython(copy).contains("file is not a database"))
        _ = try V.shell([copy, "SELECT count(*) FROM t"])
        #expect(Self.bytes(copy) == before.0 && Self.bytes(journal) == before.1, "the journal was played back or deleted")

        let again = Self.openSealed(copy)
        #expect(Self.count(again, "SELECT count(*) FROM t WHERE v LIKE 'before %'") == 300)
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)
        #expect(!FileManager.default.fileExists(atPath: journal))
    }

    @Test("databases of format 1 (side files under SQLite's names) open, are moved over, and lose nothing")
    func formatOneMigrates() throws {
        let dir = try V.folder()
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        for name in ["wal-v1.db", "wal-v1.db-wal", "journal-v1.db", "journal-v1.db-journal"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let wal = dir.appendingPathComponent("wal-v1.db").path
        let db = Self.openSealed(wal)
        #expect(Self.count(db) == 20)
        #expect(V.text(db, "SELECT v FROM t WHERE id = 20") == "row 20")
        #expect(!FileManager.default.fileExists(atPath: wal + "-wal"))
        #expect(FileManager.default.fileExists(atPath: wal + Self.walSuffix))
        #expect(V.text(db, "PRAGMA integrity_check") == "ok")
        sqlite3_close(db)

        let journal = dir.appendingPathComponent("journal-v1.db").path
        let dj = Self.openSealed(journal)
        #expect(Self.count(dj, "SELECT count(*) FROM t WHERE v LIKE 'before %'") == 60)
        #expect(V.text(dj, "PRAGMA integrity_check") == "ok")
        sqlite3_close(dj)
        #expect(!FileManager.default.fileExists(atPath: journal + "-journal"))
        #expect(!FileManager.default.fileExists(atPath: journal + Self.journalSuffix))
    }

    // MARK: A torn WAL commit frame

    /// SQLite's WAL checksum (little-endian words, as the header magic 0x377f0682 says), continuing `s`.
    static func walChecksum(_ data: [UInt8], _ s: (UInt32, UInt32)) -> (UInt32, UInt32) {
        var (a, b) = s
        var i = 0
        while i < data.count {
            func word(_ at: Int) -> UInt32 {
                UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
            }
            a = a &+ word(i) &+ b
            b = b &+ word(i + 4) &+ a
            i += 8
        }
        return (a, b)
    }

    static func be32(_ d: Data, _ at: Int) -> UInt32 {
        d[d.startIndex + at..<d.startIndex + at + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    @Test("a torn commit frame whose page was all zeros never passes recovery: the last intact commit, readable")
    func tornZeroCommitFrame() throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("live.db").path
        let db = Self.openSealed(path)
        #expect(V.exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x)") == SQLITE_OK)
        for i in 1...10 { #expect(V.exec(db, "INSERT INTO t VALUES (\(i))") == SQLITE_OK) }
        let copy = dir.appendingPathComponent("torn.db").path
        try Self.crashCopy(path, to: copy, suffixes: [Self.walSuffix])
        sqlite3_close(db)

        // Append a commit frame for page 2 as SQLite writes one for a page of zeros (a freed page), with a
        // valid salt and checksum, whose image was torn: what a power loss mid-write leaves.
        let walPath = Self.side(copy, Self.walSuffix)
        let log = try #require(Self.bytes(walPath))
        let pageSize = Int(Self.be32(log, 8))
        let frames = (log.count - 32) / (pageSize + 24)
        let last = 32 + (frames - 1) * (pageSize + 24)
        let commitSize = Self.be32(log, last + 4)
        #expect(commitSize > 0)
        let head = Self.be32(2) + Self.be32(commitSize)
        let sum = Self.walChecksum([UInt8](repeating: 0, count: pageSize), Self.walChecksum(head, (Self.be32(log, last + 16), Self.be32(log, last + 20))))
        let salts = [UInt8](log[log.startIndex + 16..<log.startIndex + 24])
        let torn = (0..<pageSize).map { _ in UInt8.random(in: 0...255) }
        let handle = try #require(FileHandle(forWritingAtPath: walPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: head + salts + Self.be32(sum.0) + Self.be32(sum.1) + torn)
        try handle.close()

        let again = Self.openSealed(copy)
        #expect(Self.count(again) == 10)
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        #expect(V.exec(again, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "\(V.message(again))")
        sqlite3_close(again)
    }

    // MARK: What an operator is told

    /// Flips one byte at `offset` of the file at `path`.
    static func flip(_ path: String, at offset: UInt64) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        var byte = try #require(try handle.read(upToCount: 1))
        byte[0] ^= 0x40
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: byte)
        try handle.close()
    }

    /// The extended result code of the first failing statement of `sql` on a fresh connection to `path`.
    /// SQLite reads page 1 at open or at the first statement: either may be the one that fails.
    static func failure(_ path: String, _ sql: String = "SELECT count(*) FROM t") -> (code: Int32, message: String) {
        #expect(V.key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (opened, db) = V.open(path)
        defer { sqlite3_close(db) }
        if opened != SQLITE_OK { return (sqlite3_extended_errcode(db), V.message(db)) }
        var stmt: OpaquePointer?
        var rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        if rc == SQLITE_OK {
            repeat { rc = sqlite3_step(stmt) } while rc == SQLITE_ROW
            sqlite3_finalize(stmt)
        }
        return (rc == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db), V.message(db))
    }

    @Test("a wrong key, a damaged page 1 and a damaged page N are three different errors")
    func wrongKeyDamagedPageOneDamagedPageN() throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("told.db").path
        let db = Self.openSealed(path)
        #expect(V.exec(db, "CREATE TABLE t(v); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) "
                         + "INSERT INTO t SELECT printf('%.400c', 'x') FROM c") == SQLITE_OK)
        sqlite3_close(db)
        let pristine = try #require(Self.bytes(path))

        try Self.flip(path, at: 4096 + 2000)  // page 2
        #expect(Self.failure(path).code == SQLITE_IOERR | (32 << 8))  // SQLITE_IOERR_DATA, "disk I/O error"

        try pristine.write(to: URL(fileURLWithPath: path))
        try Self.flip(path, at: 2000)  // page 1, inside its sealed part: page 2 still authenticates
        let pageOne = Self.failure(path)
        #expect(pageOne.code == SQLITE_CORRUPT)
        #expect(pageOne.message == "database disk image is malformed")

        try pristine.write(to: URL(fileURLWithPath: path))
        #expect(Self.failure(path).code == SQLITE_OK)
        let wrong = [UInt8](repeating: 7, count: 32)
        #expect(wrong.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (rc, other) = V.open(path)
        var stmt: OpaquePointer?
        let prepared = rc == SQLITE_OK ? sqlite3_prepare_v2(other, "SELECT count(*) FROM t", -1, &stmt, nil) : rc
        sqlite3_finalize(stmt)
        #expect(prepared == SQLITE_NOTADB)
        #expect(V.message(other) == "file is not a database")
        sqlite3_close(other)
        #expect(V.key.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)  // for later tests' sake
    }
}
