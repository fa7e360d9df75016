import Foundation
import GRDBSQLite
import SealedVFS
import Testing

/// The defects SQLite's own test suite found over the sealed VFS (issue 16, part 2), each as plain SQLite
/// behaves: page-size changes, a reader older than its file, a new database's interrupted first transaction.
@Suite("SQLite behaviours the suite found broken")
struct SuiteDefectTests {
    typealias V = SealedVFSTests
    typealias C = CrashSafetyTests

    init() {
        #expect(sealedvfs_register(0) == 0)
    }

    /// A rollback-mode database of `pageSize` with 300 rows of 300 bytes.
    static func makeRows(_ path: String, pageSize: Int) -> OpaquePointer? {
        let db = C.openSealed(path)
        #expect(V.exec(db, "PRAGMA page_size=\(pageSize)") == SQLITE_OK)
        #expect(V.exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
                         + "INSERT INTO t SELECT i, printf('%.300c', 'x') FROM c") == SQLITE_OK, "\(V.message(db))")
        return db
    }

    /// Reopens `path` and checks what a user would: the page size, every row, integrity, every page authentic.
    static func expectIntact(_ path: String, pageSize: Int, _ comment: Comment) {
        let db = C.openSealed(path)
        #expect(V.text(db, "PRAGMA page_size") == "\(pageSize)", comment)
        #expect(C.count(db) == 300, comment)
        #expect(V.text(db, "PRAGMA integrity_check") == "ok", comment)
        sqlite3_close(db)
        let (rc, report) = V.verify(path)
        #expect(rc == 0 && report.bad_pages == 0 && report.page_size == UInt32(pageSize), comment)
    }

    @Test("PRAGMA page_size then VACUUM changes the page size of a sealed rollback-mode database", arguments: [1024, 16384])
    func vacuumChangesPageSize(to size: Int) throws {
        let path = try V.folder().appendingPathComponent("vacuum.db").path
        let db = Self.makeRows(path, pageSize: 4096)
        #expect(V.exec(db, "PRAGMA page_size=\(size); VACUUM") == SQLITE_OK, "\(V.message(db))")
        #expect(V.text(db, "PRAGMA page_size") == "\(size)")
        #expect(C.count(db) == 300)
        sqlite3_close(db)
        Self.expectIntact(path, pageSize: size, "after VACUUM to \(size)")
    }

    @Test("with locking_mode=exclusive, PRAGMA page_size then VACUUM works after earlier commits (pager1-29.2)")
    func exclusiveModePageSizeChange() throws {
        let path = try V.folder().appendingPathComponent("exclusive.db").path
        let db = C.openSealed(path)
        // The lock is never released between transactions, so the VFS cannot count a transaction's pages from
        // its lock alone: the commits before the VACUUM must not look like pages it spilled.
        #expect(V.exec(db, "PRAGMA locking_mode=exclusive; PRAGMA page_size=4096") == SQLITE_OK)
        #expect(V.exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
                         + "INSERT INTO t SELECT i, printf('%.300c', 'x') FROM c") == SQLITE_OK, "\(V.message(db))")
        #expect(V.exec(db, "UPDATE t SET v = printf('%.300c', 'y') WHERE id = 1") == SQLITE_OK)
        #expect(V.exec(db, "PRAGMA page_size=8192; VACUUM") == SQLITE_OK, "\(V.message(db))")
        #expect(V.text(db, "PRAGMA page_size") == "8192")
        sqlite3_close(db)
        Self.expectIntact(path, pageSize: 8192, "after VACUUM in exclusive locking mode")
    }

    @Test("a foreign file shorter than a page is 'not a database', as plain SQLite says (pager1-38.1)")
    func shortForeignFile() throws {
        let path = try V.folder().appendingPathComponent("hello.db").path
        try Data("hello world\n".utf8).write(to: URL(fileURLWithPath: path))
        let db = C.openSealed(path)
        #expect(V.exec(db, "CREATE TABLE t(x)") == SQLITE_NOTADB, "\(V.message(db))")
        #expect(V.message(db) == "file is not a database")
        sqlite3_close(db)
        #expect(C.bytes(path) == Data("hello world\n".utf8), "the file is left as it was")
    }

    @Test("the root VFS's system calls pass through, as SQLite's fault-injection tests (test_syscall) expect")
    func systemCallsPassThrough() throws {
        let sealed = try #require(sqlite3_vfs_find("sealed"))
        let root = try #require(sqlite3_vfs_find("unix"))
        #expect(sealed.pointee.iVersion >= 3)
        let first = try #require(sealed.pointee.xNextSystemCall?(sealed, nil), "no system call listed")
        let name = String(cString: first)
        let mine = sealed.pointee.xGetSystemCall?(sealed, name).map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
        let theirs = root.pointee.xGetSystemCall?(root, name).map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
        #expect(mine != nil && mine == theirs, "\(name)")
    }

    @Test("a page-size change of a database larger than the page cache fails and rolls back whole")
    func pageSizeChangeAfterSpill() throws {
        let path = try V.folder().appendingPathComponent("big.db").path
        let db = Self.makeRows(path, pageSize: 4096)
        // Ten pages of cache: the VACUUM's copy spills old-size slices before page 1 names the new size.
        #expect(V.exec(db, "PRAGMA cache_size=10; PRAGMA page_size=8192; VACUUM") != SQLITE_OK)
        #expect(C.count(db) == 300)
        sqlite3_close(db)
        Self.expectIntact(path, pageSize: 4096, "after the refused VACUUM")
    }

    @Test("an online backup into an existing sealed database of another page size", arguments: [1024, 16384])
    func backupAcrossPageSizes(from size: Int) throws {
        let dir = try V.folder()
        let source = Self.makeRows(dir.appendingPathComponent("source.db").path, pageSize: size)
        let destPath = dir.appendingPathComponent("dest.db").path
        let dest = C.openSealed(destPath)
        #expect(V.exec(dest, "CREATE TABLE old(x); INSERT INTO old VALUES (1)") == SQLITE_OK)
        let backup = sqlite3_backup_init(dest, "main", source, "main")
        #expect(sqlite3_backup_step(backup, -1) == SQLITE_DONE, "\(V.message(dest))")
        #expect(sqlite3_backup_finish(backup) == SQLITE_OK)
        #expect(C.count(dest) == 300)
        sqlite3_close(dest)
        sqlite3_close(source)
        Self.expectIntact(destPath, pageSize: size, "after a backup from \(size)")
    }

    @Test("a connection opened before its file existed reads it once another created it", arguments: [false, true], [1024, 8192])
    func readerOlderThanItsFile(wal: Bool, pageSize: Int) throws {
        let path = try V.folder().appendingPathComponent("early.db").path
        let reader = C.openSealed(path)  // the file does not exist yet: the pager keeps its default page size
        let writer = C.openSealed(path)
        #expect(V.exec(writer, "PRAGMA page_size=\(pageSize)") == SQLITE_OK)
        #expect(V.exec(writer, (wal ? "PRAGMA journal_mode=WAL; " : "") + "CREATE TABLE t(x); INSERT INTO t VALUES (42)") == SQLITE_OK)
        #expect(V.text(reader, "SELECT x FROM t") == "42", "\(V.message(reader))")
        sqlite3_close(reader)
        sqlite3_close(writer)
    }

    @Test("a new database whose first transaction was interrupted after spilling pages rolls back to empty, page 1 never written or torn (crash4)",
          arguments: [false, true])
    func interruptedFirstTransaction(pageOneTorn: Bool) throws {
        let dir = try V.folder()
        let path = dir.appendingPathComponent("new.db").path
        let db = C.openSealed(path)
        // A tiny cache: pages 2…N reach the file before page 1 does; the copy is what a kill -9 leaves.
        #expect(V.exec(db, "PRAGMA cache_size=5; BEGIN; CREATE TABLE t(v); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
                         + "INSERT INTO t SELECT printf('%.800c', 'x') FROM c") == SQLITE_OK, "\(V.message(db))")
        let copy = dir.appendingPathComponent("killed.db").path
        try C.crashCopy(path, to: copy, suffixes: [C.journalSuffix])
        sqlite3_close(db)
        let head = try #require(C.bytes(copy)).prefix(4096)
        #expect(head.allSatisfy { $0 == 0 }, "page 1 was written: the case is not set up")
        if pageOneTorn {
            // Page 1 written, then torn. The journal says the file was empty: no page of it is journaled, so no
            // record can vouch for a key, and the rollback empties the file under any key.
            let journal = try #require(C.bytes(copy + C.journalSuffix))
            #expect(C.be32(journal, 16) == 0 && Self.journaledPages(journal).isEmpty)
            try Self.tear(copy, at: 0, count: 4096)
        }

        let again = C.openSealed(copy)
        #expect(V.text(again, "SELECT count(*) FROM sqlite_master") == "0", "\(V.message(again))")
        #expect(V.exec(again, "CREATE TABLE u(x); INSERT INTO u VALUES (1)") == SQLITE_OK, "\(V.message(again))")
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)
        #expect(V.verify(copy).rc == 0)
    }

    @Test("a hole the pager left inside the file reads as zeros for that connection; any other zeros are damage")
    func holeLeftByThePager() throws {
        let path = try V.folder().appendingPathComponent("hole.db").path
        let db = Self.makeRows(path, pageSize: 4096)
        var file: UnsafeMutablePointer<sqlite3_file>?
        #expect(sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK)
        let io = try #require(file?.pointee.pMethods?.pointee)
        var size: sqlite3_int64 = 0
        #expect(io.xFileSize(file, &size) == SQLITE_OK)
        // As the pager does when a page it allocated stays unwritten while a later one is written: the page
        // after the end is skipped, the next one written. (A page image: reserved bytes zero.)
        var page = [UInt8](repeating: 0x5a, count: 4096)
        for i in 4056..<4096 { page[i] = 0 }
        #expect(io.xWrite(file, &page, 4096, size + 4096) == SQLITE_OK)
        var back = [UInt8](repeating: 1, count: 4096)
        #expect(io.xRead(file, &back, 4096, size) == SQLITE_OK)
        #expect(back.allSatisfy { $0 == 0 })
        #expect(io.xRead(file, &back, 4096, size + 4096) == SQLITE_OK)
        #expect(back == page)

        // Another connection never saw that hole made: to it, those zeros are damage, like zeroed pages.
        let other = C.openSealed(path)
        #expect(C.count(other) == 300)
        var otherFile: UnsafeMutablePointer<sqlite3_file>?
        #expect(sqlite3_file_control(other, "main", SQLITE_FCNTL_FILE_POINTER, &otherFile) == SQLITE_OK)
        #expect(io.xRead(otherFile, &back, 4096, size) == SQLITE_IOERR | (32 << 8))
        sqlite3_close(other)
        sqlite3_close(db)
    }

    @Test("a page 1 torn in the file while the WAL holds it whole: the database opens with every row; a wrong key still changes nothing", arguments: [512, 4096])
    func tornPageOneOpensFromTheWAL(tornBytes: Int) throws {
        // Found by SQLite's walcrash-7 under its crash VFS: a crash in a checkpoint tears page 1 of the file.
        let dir = try V.folder()
        let path = dir.appendingPathComponent("live.db").path
        let copy = dir.appendingPathComponent("torn.db").path
        let db = V.makeWAL(at: path)
        #expect(V.exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
                         + "INSERT INTO t SELECT i, printf('%.200c', 'x') FROM c; CREATE TABLE u(y)") == SQLITE_OK, "\(V.message(db))")
        try C.crashCopy(path, to: copy, suffixes: [C.walSuffix])  // page 1 (the schema) is in the WAL
        sqlite3_close(db)
        try Self.tear(copy, at: 0, count: tornBytes)

        Self.expectRefusedWithWrongKey(copy, leaving: [copy, copy + C.walSuffix])

        let again = C.openSealed(copy)  // the right key
        #expect(C.count(again) == 300)
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)  // checkpoints: page 1 is whole in the file again
        #expect(V.verify(copy).rc == 0)
    }

    /// Puts `count` random bytes at `offset` of the file at `path`: a write a power loss tore.
    static func tear(_ path: String, at offset: UInt64, count: Int) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data((0..<count).map { _ in UInt8.random(in: 0...255) }))
        try handle.close()
    }

    /// Opens `path` with a key one bit off: "file is not a database", and every file of `files` byte for byte
    /// as it was.
    static func expectRefusedWithWrongKey(_ path: String, leaving files: [String]) {
        let before = files.map { C.bytes($0) }
        var wrong = V.key
        wrong[0] ^= 1
        #expect(wrong.withUnsafeBufferPointer { sealedvfs_key_set(path, $0.baseAddress) } == 0)
        let (_, refused) = V.open(path)
        #expect(V.text(refused, "SELECT count(*) FROM t") == nil)
        #expect(V.message(refused) == "file is not a database")
        sqlite3_close(refused)
        #expect(files.map { C.bytes($0) } == before, "a wrong key wrote to \(files)")
    }

    /// The page numbers of the records in the first segment of the rollback journal `journal`.
    static func journaledPages(_ journal: Data) -> [UInt32] {
        let sector = Int(C.be32(journal, 20)), pageSize = Int(C.be32(journal, 24))
        return stride(from: sector, to: journal.count - pageSize - 8 + 1, by: pageSize + 8).map { C.be32(journal, $0) }
    }

    @Test("a page 1 torn in the file while a hot journal holds it: the committed rows come back; a wrong key changes nothing",
          arguments: zip([0, 0, 2048], [512, 4096, 512]))
    func tornPageOneRolledBackFromTheJournal(tornAt: UInt64, tornBytes: Int) throws {
        // Found by SQLite's crash2, 3, 6 and 7: rollback mode overwrites page 1 in place once its journal is synced.
        let dir = try V.folder()
        let path = dir.appendingPathComponent("queue.db").path
        let copy = dir.appendingPathComponent("torn.db").path
        let db = Self.makeRows(path, pageSize: 4096)
        // The schema change journals page 1; two pages of cache make the update sync the journal and spill pages.
        #expect(V.exec(db, "PRAGMA cache_size=2; BEGIN; CREATE TABLE u(y); UPDATE t SET v = printf('%.300c', 'y')") == SQLITE_OK,
                "\(V.message(db))")
        try C.crashCopy(path, to: copy, suffixes: [C.journalSuffix])
        sqlite3_close(db)
        let journalPath = copy + C.journalSuffix
        let journal = try #require(C.bytes(journalPath))
        #expect(Self.journaledPages(journal).contains(1), "page 1 is not in the journal: the case is not set up")
        try Self.tear(copy, at: tornAt, count: tornBytes)  // the in-place write of page 1, torn by the power loss

        // Given a wrong key: refused, and neither the file nor its journal is touched.
        Self.expectRefusedWithWrongKey(copy, leaving: [copy, journalPath])

        // With the right key: the transaction rolls back, every committed row is there, the journal is gone.
        let again = C.openSealed(copy)
        #expect(C.count(again, "SELECT count(*) FROM t WHERE v = printf('%.300c', 'x')") == 300, "\(V.message(again))")
        #expect(C.count(again, "SELECT count(*) FROM sqlite_master WHERE name = 'u'") == 0)
        #expect(V.text(again, "PRAGMA integrity_check") == "ok")
        sqlite3_close(again)
        #expect(!FileManager.default.fileExists(atPath: journalPath))
        Self.expectIntact(copy, pageSize: 4096, "after the rollback")
    }
}
