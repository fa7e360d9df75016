import Foundation
import GRDB
import SealedVFS

extension SealedDatabase {
    /// What `verify` found.
    public struct VerificationReport: Sendable, Equatable {
        /// Page size from the file's header.
        public var pageSize: Int
        /// Pages in the database file (the WAL's frames are checked by `integrity_check` as SQLite reads them).
        public var pageCount: Int
        /// Pages whose authentication failed.
        public var badPages: Int
        /// The first such page (1-based), if any.
        public var firstBadPage: Int?
        /// What `PRAGMA integrity_check` said, when it said anything but "ok".
        public var integrityProblems: [String]

        /// Every page authentic and SQLite's integrity check clean.
        public var isIntact: Bool { badPages == 0 && integrityProblems.isEmpty }
    }

    /// Authenticates every page of the database file at `path` and runs `PRAGMA integrity_check`.
    /// Throws when the file cannot be opened at all (missing, not sealed, wrong key); reports damage.
    /// Run it while no other process writes to the database: a page being checkpointed at that moment
    /// could read as torn.
    public static func verify(at path: String, key: DatabaseKey) throws(StoreError) -> VerificationReport {
        registerVFS()
        try checkHeader(at: path)
        var raw = sealedvfs_verify_report()
        let rc = key.withUnsafeBytes { bytes in
            sealedvfs_verify_file(path, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), &raw)
        }
        switch Int(rc) {
        case Int(SEALEDVFS_OK.rawValue), Int(SEALEDVFS_AUTH.rawValue): break
        case Int(SEALEDVFS_NOTSEALED.rawValue): throw StoreError(.notSealed, "\(path) is not a StageSub database")
        default: throw StoreError(.io, "cannot read \(path)")
        }
        var report = VerificationReport(
            pageSize: Int(raw.page_size), pageCount: Int(raw.page_count), badPages: Int(raw.bad_pages),
            firstBadPage: raw.first_bad_page == 0 ? nil : Int(raw.first_bad_page), integrityProblems: [])
        if raw.first_bad_page == 1 {
            // Page 1 unauthentic: either the key is wrong or the header is damaged; SQLite cannot go further.
            if raw.bad_pages == raw.page_count {
                throw StoreError(.wrongKey, "cannot open \(path): wrong key (no page of the file authenticates)")
            }
            report.integrityProblems = ["page 1 failed authentication"]
            return report
        }
        do {
            let queue = try makeReadQueue(at: path, key: key)
            defer { try? queue.close() }
            report.integrityProblems = try queue.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            }
        } catch let error as StoreError {
            report.integrityProblems.append(error.message)
        } catch {
            report.integrityProblems.append(translate(error, path: path).message)
        }
        return report
    }

    /// Re-encrypts the database at `path` under `newKey`.
    ///
    /// 1. Open the database with `oldKey` (it must not be open elsewhere in this or another process).
    /// 2. `VACUUM INTO` a sibling file `<path>.rekey` sealed with `newKey` (a stale one is removed first).
    /// 3. Close the source: its WAL is checkpointed and removed. A WAL still there means another connection
    ///    has the database open, and the rekey stops.
    /// 4. Verify the new file: every page authentic, integrity check clean; fsync it.
    /// 5. Rename it over `path` (atomic) and fsync the folder.
    ///
    /// Killed before step 5, the old database is untouched and opens with `oldKey`; after it, the new one
    /// opens with `newKey`. The caller records which key is current (see the appliance's key files).
    ///
    /// `beforeSwap` runs between steps 4 and 5 with the new file's id, so the caller can record the new key
    /// (bound to that id) before the new file takes the old one's place.
    public static func rekey(at path: String, from oldKey: DatabaseKey, to newKey: DatabaseKey,
                             beforeSwap: (_ newFileId: [UInt8]) throws(StoreError) -> Void = { _ in }) throws(StoreError) {
        let staging = path + ".rekey"
        removeDatabaseFiles(at: staging)
        let source = try open(at: path, key: oldKey)
        do {
            try register(key: newKey, for: staging)
            try source.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [staging])
            }
            try close(source)
        } catch {
            try? source.close()
            removeDatabaseFiles(at: staging)
            forgetKey(at: staging)
            throw translate(error, path: path)
        }
        do {
            if FileManager.default.fileExists(atPath: path + SEALEDVFS_WAL_SUFFIX) {
                throw StoreError(.io, "cannot re-encrypt \(path) while it is open elsewhere; stop the server first")
            }
            let report = try verify(at: staging, key: newKey)
            guard report.isIntact else {
                throw StoreError(.damaged, "the re-encrypted copy of \(path) failed verification; the database is unchanged")
            }
            try fsync(path: staging)
            for suffix in [SEALEDVFS_WAL_SUFFIX, "-shm"] { unlink(staging + suffix) }
            try beforeSwap(fileId(at: staging))
            guard rename(staging, path) == 0 else {
                throw StoreError(.io, "cannot move the re-encrypted database into place: \(String(cString: strerror(errno)))")
            }
            try fsync(path: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        } catch {
            removeDatabaseFiles(at: staging)
            forgetKey(at: staging)
            throw translate(error, path: path)
        }
        forgetKey(at: staging)
        try register(key: newKey, for: path)
    }

    /// Removes a database file and its companions (under today's names and format 1's), ignoring the ones
    /// that are not there.
    static func removeDatabaseFiles(at path: String) {
        for suffix in ["", SEALEDVFS_WAL_SUFFIX, "-shm", SEALEDVFS_JOURNAL_SUFFIX, "-wal", "-journal"] { unlink(path + suffix) }
    }

    /// Flushes a file or folder to stable storage.
    static func fsync(path: String) throws(StoreError) {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.io, "cannot open \(path) to flush it: \(String(cString: strerror(errno)))") }
        defer { Foundation.close(fd) }
        guard Foundation.fsync(fd) == 0 else {
            throw StoreError(.io, "cannot flush \(path) to disk: \(String(cString: strerror(errno)))")
        }
    }
}
