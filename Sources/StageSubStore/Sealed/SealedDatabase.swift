import Foundation
import GRDB
import GRDBSQLite
import SealedVFS

/// Sealed databases: SQLite files encrypted page by page with their own key (see `sealed_vfs.h`).
///
/// Every function here registers the sealing VFS as SQLite's default before it opens anything, so a
/// GRDB connection opened by any other code in the process is sealed too, and fails if no key is known
/// for its path (it is never written in plaintext).
public enum SealedDatabase {
    /// How connections to a sealed database are set up.
    public struct Options: Sendable {
        /// SQLite's page cache per connection, in KiB. Every page read from disk costs a decryption, so a
        /// cache that holds an orchestra's working set matters more here than with plain SQLite.
        public var cacheSizeKiB: Int = 16 * 1024
        /// Open for reading only.
        public var readonly = false
        /// Readers a pool may open at once.
        public var maximumReaderCount = 4

        public init() {}
    }

    /// Registers the sealing VFS as SQLite's default VFS (once per process).
    public static func registerVFS() {
        _ = registration
    }

    private static let registration: Void = {
        // GRDB's error log must be installed before SQLite initialises, which registering a VFS does.
        precondition(sealedvfs_register(1) == Int32(SEALEDVFS_OK.rawValue), "cannot register the sealed VFS")
    }()

    /// Creates a new sealed database at `path` (the file must not exist) and returns a WAL pool on it.
    /// The file is created with mode 0600.
    public static func create(at path: String, key: DatabaseKey, options: Options = Options()) throws(StoreError) -> DatabasePool {
        registerVFS()
        try reserveNewFile(at: path)
        do {
            let pool = try makePool(at: path, key: key, options: options)
            // Make the header real on disk now, so the file is recognisably sealed from the start.
            try pool.write { db in try db.execute(sql: "PRAGMA user_version = 0") }
            return pool
        } catch {
            removeDatabaseFiles(at: path)
            forgetKey(at: path)
            throw translate(error, path: path)
        }
    }

    /// Opens the existing sealed database at `path` with `key`.
    /// Fails with `.fileMissing`, `.notSealed` (a plain SQLite file, or no database at all), `.wrongKey`,
    /// or `.damaged`; a failed open writes nothing.
    public static func open(at path: String, key: DatabaseKey, options: Options = Options()) throws(StoreError) -> DatabasePool {
        registerVFS()
        try checkHeader(at: path)
        let pool = try makePool(at: path, key: key, options: options)
        return pool
    }

    /// Opens the existing sealed database at `path` as a single connection in rollback-journal mode
    /// (`journal_mode=DELETE`): for one-file artefacts such as backups, and for tests of the journal path.
    public static func openQueue(at path: String, key: DatabaseKey, options: Options = Options()) throws(StoreError) -> DatabaseQueue {
        registerVFS()
        try checkHeader(at: path)
        return try makeQueue(at: path, key: key, options: options)
    }

    /// Creates a new sealed database at `path` in rollback-journal mode and returns a single connection.
    public static func createQueue(at path: String, key: DatabaseKey, options: Options = Options()) throws(StoreError) -> DatabaseQueue {
        registerVFS()
        try reserveNewFile(at: path)
        do {
            let queue = try makeQueue(at: path, key: key, options: options)
            try queue.write { db in try db.execute(sql: "PRAGMA user_version = 0") }
            return queue
        } catch {
            removeDatabaseFiles(at: path)
            forgetKey(at: path)
            throw translate(error, path: path)
        }
    }

    /// Closes `pool` and leaves its database as one self-contained file: the WAL is checkpointed and the
    /// `-wal` and `-shm` files removed, unless another connection still has the database open.
    ///
    /// GRDB closes a pool's writer before its readers, and read-only connections cannot checkpoint, so a
    /// plain `close()` leaves the log behind. A last short-lived writer connection finishes the job.
    public static func close(_ pool: DatabasePool) throws(StoreError) {
        let path = pool.path
        do {
            try pool.close()
            let last = try DatabaseQueue(path: path, configuration: configuration(options: Options()))
            try last.close()
        } catch {
            throw translate(error, path: path)
        }
    }

    /// The 16-byte id of a sealed database file (plaintext bytes 0-15 of page 1), chosen when it was created.
    public static func fileId(at path: String) throws(StoreError) -> [UInt8] {
        try checkHeader(at: path)
        guard let handle = FileHandle(forReadingAtPath: path), let id = try? handle.read(upToCount: 16), id.count == 16 else {
            throw StoreError(.io, "cannot read \(path)")
        }
        try? handle.close()
        return [UInt8](id)
    }

    /// Forgets the key registered for `path`. Open connections keep working; new ones cannot open.
    public static func forgetKey(at path: String) {
        _ = sealedvfs_key_remove(path)
    }

    // MARK: - Internals

    /// Creates the empty file, mode 0600, failing if anything is already at `path`.
    static func reserveNewFile(at path: String) throws(StoreError) {
        let fd = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let reason = errno
            if reason == EEXIST {
                throw StoreError(.fileExists, "cannot create \(path): a file is already there")
            }
            throw StoreError(.io, "cannot create \(path): \(String(cString: strerror(reason)))")
        }
        Foundation.close(fd)
    }

    static func makeQueue(at path: String, key: DatabaseKey, options: Options) throws(StoreError) -> DatabaseQueue {
        try register(key: key, for: path)
        var config = configuration(options: options)
        config.journalMode = .default
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            return queue
        } catch {
            throw translate(error, path: path)
        }
    }

    /// One connection that leaves the journal mode as the file has it (for verification).
    static func makeReadQueue(at path: String, key: DatabaseKey) throws(StoreError) -> DatabaseQueue {
        try register(key: key, for: path)
        do {
            return try DatabaseQueue(path: path, configuration: configuration(options: Options()))
        } catch {
            throw translate(error, path: path)
        }
    }

    static func register(key: DatabaseKey, for path: String) throws(StoreError) {
        registerVFS()
        let rc = key.withUnsafeBytes { bytes in
            sealedvfs_key_set(path, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == Int32(SEALEDVFS_OK.rawValue) else {
            throw StoreError(.io, "cannot register the key for \(path)")
        }
    }

    /// Reads the plaintext header to tell a missing file, a plain SQLite file and a foreign file apart
    /// before SQLite sees them.
    static func checkHeader(at path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if !FileManager.default.fileExists(atPath: path) {
                throw StoreError(.fileMissing, "no database at \(path)")
            }
            throw StoreError(.io, "cannot read \(path): permission denied")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 24)) ?? Data()
        guard header.count == 24 else {
            throw StoreError(.notSealed, "\(path) is not a StageSub database (it is empty or truncated)")
        }
        if header.starts(with: Array("SQLite format 3\0".utf8)) {
            throw StoreError(.notSealed, "\(path) is a plain, unencrypted SQLite database, not a sealed one")
        }
        let pageSize = Int(header[16]) << 8 | Int(header[17])
        let validPageSize = pageSize == 1 || (pageSize >= 512 && pageSize <= 32768 && pageSize & (pageSize - 1) == 0)
        guard validPageSize, header[20] == UInt8(SEALEDVFS_RESERVE_BYTES) else {
            throw StoreError(.notSealed, "\(path) is not a StageSub database")
        }
    }

    static func configuration(options: Options) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = options.readonly
        config.maximumReaderCount = options.maximumReaderCount
        // GRDB writes a transaction when it opens a pool and finds no `<db>-wal` (GRDB issue 102), and the
        // sealed VFS keeps the log as `-swal`: so opening a pool while another writes must wait its turn.
        config.busyMode = .timeout(10)
        let cache = options.cacheSizeKiB
        config.prepareDatabase { db in
            // Ask for the 40 reserved bytes before anything is written (ignored on an existing file).
            guard sealedvfs_prepare_connection(UnsafeMutableRawPointer(db.sqliteConnection)) == Int32(SEALEDVFS_OK.rawValue) else {
                throw StoreError(.database, "cannot prepare the connection for sealing")
            }
            try db.execute(sql: "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0; PRAGMA cache_size = -\(cache)")
        }
        return config
    }

    static func makePool(at path: String, key: DatabaseKey, options: Options) throws(StoreError) -> DatabasePool {
        try register(key: key, for: path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration(options: options))
            // The writer has read page 1 by now; a reader proves the WAL (if any) opens too.
            _ = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA schema_version") }
            return pool
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Turns SQLite's view of a sealed-file failure into one a person can act on.
    static func translate(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.extendedResultCode {
            case .SQLITE_NOTADB:
                // The VFS says SQLITE_CORRUPT for a damaged page 1 when page 2 proves the key right; only a
                // one-page file cannot tell the two apart.
                return StoreError(.wrongKey, "cannot open \(path): wrong key", underlying: error)
            case .SQLITE_IOERR_DATA:
                return StoreError(.damaged, "\(path) is damaged: a page failed authentication", underlying: error)
            case .SQLITE_CANTOPEN:
                return StoreError(.io, "cannot open \(path) (no key registered, or the file or its folder is not accessible)", underlying: error)
            case .SQLITE_CORRUPT:
                return StoreError(.damaged, "\(path) is damaged: SQLite reports corruption", underlying: error)
            default:
                return StoreError(.database, "database error in \(path): \(error.message ?? "\(error.resultCode)")", underlying: error)
            }
        }
        return StoreError(.database, "database error in \(path)", underlying: error)
    }
}
