import Foundation
import GRDBSQLite
import SealedVFS
import Testing

/// The read cache (docs/storage.md, "Read cache"): a page SQLite's small cache let go is read back without
/// a decryption when its sealed bytes on disk are unchanged, and never when they changed.
@Suite("The sealed VFS's read cache")
struct ReadCacheTests {
    typealias V = SealedVFSTests
    typealias C = CrashSafetyTests

    init() {
        #expect(sealedvfs_register(0) == 0)
    }

    /// One connection's read cache; `budgetKiB` ≥ 0 sets a new budget first.
    static func info(_ db: OpaquePointer?, budgetKiB: Int64 = -1) -> sealedvfs_read_cache_info {
        var info = sealedvfs_read_cache_info(budget_kib: budgetKiB, hits: 0, misses: 0, entries: 0)
        #expect(sqlite3_file_control(db, "main", SEALEDVFS_FCNTL_READ_CACHE, &info) == SQLITE_OK)
        return info
    }

    /// A checkpointed WAL database of 800 rows of ~290 bytes (about 60 pages), closed.
    static func makeTable(_ path: String) {
        let db = V.makeWAL(at: path)
        var sql = "BEGIN;"
        for id in 0..<800 { sql += "INSERT INTO t VALUES (\(id), '\(V.value(id, round: 0))');" }
        #expect(V.exec(db, sql + "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "\(V.message(db))")
        sqlite3_close(db)
    }

    /// Opens `path` with a page cache of 10 pages, so a full scan reads most pages from the VFS again.
    static func openSmallCache(_ path: String) -> OpaquePointer? {
        let (rc, db) = V.open(path)
        #expect(rc == SQLITE_OK)
        #expect(V.exec(db, "PRAGMA cache_size=10") == SQLITE_OK)
        return db
    }

    static let scan = "SELECT count(*), sum(length(v)) FROM t"

    /// A new table at `name` in a fresh folder, opened with a 10-page cache (and `budgetKiB` when given), and
    /// scanned twice: a page is held from the second time it is read. Returns the path, the connection and
    /// what the scans read.
    static func scanned(_ name: String, budgetKiB: Int64 = -1) throws -> (path: String, db: OpaquePointer?, result: String?) {
        let path = try V.folder().appendingPathComponent(name).path
        makeTable(path)
        let db = openSmallCache(path)
        if budgetKiB >= 0 { #expect(info(db, budgetKiB: budgetKiB).budget_kib == budgetKiB) }
        let first = V.text(db, scan)
        #expect(V.text(db, scan) == first)
        return (path, db, first)
    }

    @Test("a third scan through a 10-page cache reads every page back without a decryption")
    func unchangedPagesAreNotOpenedAgain() throws {
        let (_, db, first) = try Self.scanned("cache.db")
        defer { sqlite3_close(db) }
        let before = Self.info(db)
        #expect(before.misses > 80, "the first two scans open the pages")
        #expect(before.entries > 40, "pages read twice are held")
        #expect(V.text(db, Self.scan) == first)
        let after = Self.info(db)
        #expect(after.misses == before.misses, "no page opened again")
        #expect(after.hits - before.hits > 40, "SQLite read the pages again, and the cache answered")
    }

    @Test("with the cache off, every page read again is opened again")
    func budgetZeroTurnsItOff() throws {
        let (_, db, _) = try Self.scanned("off.db", budgetKiB: 0)
        defer { sqlite3_close(db) }
        let before = Self.info(db)
        _ = V.text(db, Self.scan)
        let after = Self.info(db)
        #expect(after.hits == before.hits && after.entries == 0)
        #expect(after.misses - before.misses > 40)
    }

    @Test("a page altered on disk while the cache holds it is an error, never the held plaintext")
    func alteredPageIsNeverServed() throws {
        let (path, db, intact) = try Self.scanned("tamper.db")
        defer { sqlite3_close(db) }
        #expect(Self.info(db).entries > 40)

        // One bit of page 5's ciphertext, its nonce and tag kept: what the cache holds no longer matches.
        let offset = UInt64(4 * 4096 + 1000)
        try C.flip(path, at: offset)
        #expect(V.text(db, Self.scan) == nil)
        #expect(sqlite3_extended_errcode(db) == SQLITE_IOERR | (32 << 8))  // SQLITE_IOERR_DATA

        // The same bytes put back authenticate again; the other pages still come from the cache.
        try C.flip(path, at: offset)
        let hits = Self.info(db).hits
        #expect(V.text(db, Self.scan) == intact)
        #expect(Self.info(db).hits > hits)
    }

    @Test("a database that fits SQLite's own cache is not held a second time")
    func fittingDatabaseIsNotHeld() throws {
        let path = try V.folder().appendingPathComponent("fits.db").path
        Self.makeTable(path)
        let (rc, db) = V.open(path)  // SQLite's default cache: 2 MB, the whole table
        #expect(rc == SQLITE_OK)
        defer { sqlite3_close(db) }
        for _ in 0..<3 { #expect(V.text(db, Self.scan) != nil) }
        #expect(Self.info(db).entries <= 1, "at most page 1, which SQLite reads at every transaction")
    }

    /// A new WAL database at `name` (automatic checkpoints off) with 800 rows committed in one transaction,
    /// all of them still in the WAL. Returns the path and the open connection that wrote them.
    static func uncheckpointed(_ name: String) throws -> (path: String, db: OpaquePointer?) {
        let path = try V.folder().appendingPathComponent(name).path
        let db = V.makeWAL(at: path)
        var sql = "BEGIN;"
        for id in 0..<800 { sql += "INSERT INTO t VALUES (\(id), '\(V.value(id, round: 0))');" }
        #expect(V.exec(db, sql + "COMMIT") == SQLITE_OK, "\(V.message(db))")
        return (path, db)
    }

    @Test("a checkpoint copies the frames this connection wrote without a decryption, and the pages are then read from the cache")
    func checkpointOfOwnFramesOpensNothing() throws {
        let (path, db) = try Self.uncheckpointed("checkpoint.db")
        defer { sqlite3_close(db) }
        let before = Self.info(db)
        #expect(V.exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "\(V.message(db))")
        let after = Self.info(db)
        #expect(after.misses == before.misses, "every frame the checkpoint read was answered by the cache")
        #expect(after.hits - before.hits > 40, "the checkpoint read the frames back")

        // SQLite's own cache cut to 10 pages: the scan reads the pages from the database file now.
        #expect(V.exec(db, "PRAGMA cache_size=10") == SQLITE_OK)
        let scanned = Self.info(db)
        #expect(V.text(db, Self.scan) != nil)
        #expect(Self.info(db).misses - scanned.misses < 3, "the pages the checkpoint wrote are held where they now lie")
        #expect(V.text(db, "PRAGMA integrity_check") == "ok")
        #expect(V.verify(path).rc == 0)
    }

    @Test("a WAL frame altered on disk after this connection wrote it stops the checkpoint with an error, never reaches the database")
    func alteredFrameIsNeverCheckpointed() throws {
        let (path, db) = try Self.uncheckpointed("altered-frame.db")
        defer { sqlite3_close(db) }
        let pageSize = try #require(V.text(db, "PRAGMA page_size").flatMap { UInt64($0) })
        // One bit of the third frame's page image: the cache still holds the frame as written.
        let offset = 32 + 2 * (24 + pageSize) + 24 + 1000
        try C.flip(path + SEALEDVFS_WAL_SUFFIX, at: offset)
        #expect(V.exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != SQLITE_OK)
        #expect(sqlite3_extended_errcode(db) == SQLITE_IOERR | (32 << 8))  // SQLITE_IOERR_DATA

        // Put back, the frame authenticates again and the checkpoint completes.
        try C.flip(path + SEALEDVFS_WAL_SUFFIX, at: offset)
        #expect(V.exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "\(V.message(db))")
        #expect(V.text(db, "SELECT count(*) FROM t") == "800")
        #expect(V.text(db, "PRAGMA integrity_check") == "ok")
        #expect(V.verify(path).rc == 0)
    }

    @Test("pages a connection wrote and read back are held, and every page still authenticates")
    func writtenPagesAreHeld() throws {
        let (path, db, _) = try Self.scanned("written.db")
        defer { sqlite3_close(db) }
        #expect(V.exec(db, "UPDATE t SET v = upper(v)") == SQLITE_OK, "\(V.message(db))")
        #expect(V.text(db, Self.scan) != nil)  // the new WAL frames, read back once
        let before = Self.info(db)
        #expect(V.text(db, Self.scan) != nil)
        let after = Self.info(db)
        #expect(after.misses - before.misses < 5, "the pages written to the WAL and read back are held")
        #expect(V.text(db, "SELECT count(*) FROM t WHERE v = upper(v)") == "800")
        #expect(V.exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK)
        #expect(V.text(db, "PRAGMA integrity_check") == "ok")
        #expect(V.verify(path).rc == 0)
    }
}
