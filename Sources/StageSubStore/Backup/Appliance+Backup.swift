import CSodium
import Foundation
import GRDB

extension Appliance {
    /// Progress of a long operation: bytes done of an estimated total, and the phase.
    public typealias Progress = @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

    /// A backup that was written.
    public struct BackupResult: Sendable {
        public let file: URL
        public let manifest: BackupManifest
        /// Older backups removed by `keep`.
        public let removed: [URL]
    }

    /// Backs up one orchestra into a single file while its users keep working.
    ///
    /// 1. `VACUUM INTO` a staging file sealed with a fresh random key, from a read-only connection: a
    ///    consistent snapshot that does not block writers (WAL).
    /// 2. Verify the snapshot (every page, `integrity_check`) and hash it.
    /// 3. Write header (manifest, key sealed with the master key and the optional passphrase) and the
    ///    snapshot into `<file>.partial`, fsync, rename into place, fsync the folder.
    /// 4. Record it in the registry; apply `keep` to the orchestra's default backup folder.
    public func backup(_ slug: String, to output: URL? = nil, passphrase: String? = nil, keep: Int? = nil,
                       reason: String = "manual", progress: Progress? = nil) throws(StoreError) -> BackupResult {
        let orchestra = try orchestra(slug)
        let lock = try MaintenanceLock.acquire(directory, exclusive: false)
        defer { lock.release() }
        let folder = directory.backupFolder(slug)
        let stamp = Self.fileStamp(now())
        let file = output ?? folder.appendingPathComponent("\(slug)-\(stamp).\(BackupFile.fileExtension)")
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.io, "cannot create the folder \(file.deletingLastPathComponent().path)")
        }
        if FileManager.default.fileExists(atPath: file.path) { throw StoreError(.fileExists, "\(file.path) already exists") }

        let staging = file.path + ".snapshot"
        let partial = file.path + ".partial"
        SealedDatabase.removeDatabaseFiles(at: staging)
        unlink(partial)
        defer {
            SealedDatabase.removeDatabaseFiles(at: staging)
            SealedDatabase.forgetKey(at: staging)
            unlink(partial)
        }
        let key = DatabaseKey.random()
        let source = try openOrchestraDatabase(slug)
        let totalEstimate = sizeOnDisk(slug)
        do {
            try SealedDatabase.register(key: key, for: staging)
            let watcher = progress.map { report in FileGrowthWatcher(path: staging) { report("snapshot", $0, totalEstimate) } }
            defer { watcher?.stop() }
            try source.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [staging]) }
            try SealedDatabase.close(source)
        } catch {
            try? source.close()
            throw SealedDatabase.translate(error, path: directory.orchestraDatabase(slug).path)
        }
        try step("snapshot")
        let report = try SealedDatabase.verify(at: staging, key: key)
        guard report.isIntact else { throw StoreError(.damaged, "the snapshot of \(slug) failed verification; no backup was written") }
        let schema = try SealedDatabase.makeReadQueue(at: staging, key: key)
        let schemaVersion: Int
        do {
            schemaVersion = try schema.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            try schema.close()
        } catch { throw SealedDatabase.translate(error, path: staging) }
        let (digest, size) = try Self.sha256(ofFileAt: staging)
        let manifest = BackupManifest(formatVersion: Int(BackupFile.version), slug: slug, name: orchestra.name,
                                      appVersion: StageSubVersion.current, schemaVersion: schemaVersion, createdAt: now(),
                                      pageSize: report.pageSize, pageCount: report.pageCount, databaseBytes: size, sha256: digest)
        let header = try BackupFile.header(manifest: manifest, key: key, master: masterKey, passphrase: passphrase)
        try Self.writeContainer(header: header, databaseAt: staging, to: partial) { progress?("write", $0, size) }
        try step("written")
        guard rename(partial, file.path) == 0 else { throw StoreError(.io, "cannot move the backup into \(file.path)") }
        try SealedDatabase.fsync(path: file.deletingLastPathComponent().path)
        try registry.write { db in
            try db.execute(sql: "INSERT INTO backup(slug, path, createdAt, sizeBytes, sha256, reason) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [slug, file.path, manifest.createdAt, header.count + size, digest, reason])
            try Registry.log("info", "backup", "backed up \(slug) to \(file.lastPathComponent) (\(reason))",
                             orchestraId: orchestra.id, userId: nil, at: now(), in: db)
        }
        let removed = try keep.map { (k) throws(StoreError) in try pruneBackups(slug, keep: k) } ?? []
        return BackupResult(file: file, manifest: manifest, removed: removed)
    }

    /// The backups in an orchestra's default folder, oldest first.
    public func backupFiles(_ slug: String) -> [URL] {
        let folder = directory.backupFolder(slug)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix("." + BackupFile.fileExtension) }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Removes all but the newest `keep` backups in the orchestra's default folder.
    func pruneBackups(_ slug: String, keep: Int) throws(StoreError) -> [URL] {
        guard keep >= 1 else { throw StoreError(.invalidInput, "--keep must be at least 1") }
        let files = backupFiles(slug)
        let doomed = Array(files.dropLast(keep))
        for file in doomed { try? FileManager.default.removeItem(at: file) }
        return doomed
    }

    /// Reads a backup's manifest (no key needed; it is not trusted until the key opens).
    public static func readManifest(_ file: URL) throws(StoreError) -> BackupManifest {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw StoreError(.fileMissing, "no backup at \(file.path)") }
        defer { try? handle.close() }
        return try BackupFile.readHeader(from: handle, path: file.path).manifest
    }

    static func fileStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }

    /// SHA-256 (hex) and size of a file, read in 1 MiB chunks.
    static func sha256(ofFileAt path: String, from offset: Int = 0) throws(StoreError) -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError(.io, "cannot read \(path)") }
        defer { try? handle.close() }
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        var size = 0
        do {
            try handle.seek(toOffset: UInt64(offset))
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { _ = crypto_hash_sha256_update(&state, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64($0.count)) }
                size += chunk.count
            }
        } catch { throw StoreError(.io, "cannot read \(path)") }
        var digest = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256_final(&state, &digest)
        return (Sodium.hex(digest), size)
    }

    /// Writes `header` and then the database file into `path` (created 0600), fsynced.
    static func writeContainer(header: [UInt8], databaseAt database: String, to path: String,
                               progress: (Int) -> Void) throws(StoreError) {
        try MasterKey.writeNewFile(at: URL(fileURLWithPath: path), bytes: header)
        guard let input = FileHandle(forReadingAtPath: database), let output = FileHandle(forWritingAtPath: path) else {
            throw StoreError(.io, "cannot write \(path)")
        }
        defer { try? input.close(); try? output.close() }
        do {
            try output.seekToEnd()
            var copied = 0
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
                copied += chunk.count
                progress(copied)
            }
            try output.synchronize()
        } catch {
            throw StoreError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// Reports the size of a growing file every 200 ms until stopped (progress of a `VACUUM INTO`).
final class FileGrowthWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private let thread: Thread

    init(path: String, report: @escaping @Sendable (Int) -> Void) {
        let box = Box()
        thread = Thread {
            while box.watcher?.isRunning ?? true {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                report(size)
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        box.watcher = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var watcher: FileGrowthWatcher? }

    var isRunning: Bool { lock.withLock { running } }

    func stop() { lock.withLock { running = false } }
}

/// Keeps operations that replace orchestra files (restore, delete, adopt, rekey) from overlapping each
/// other and backups, across processes: `flock` on `<data>/.maintenance.lock`.
struct MaintenanceLock {
    let fd: Int32

    static func acquire(_ directory: DataDirectory, exclusive: Bool) throws(StoreError) -> MaintenanceLock {
        let path = directory.root.appendingPathComponent(".maintenance.lock").path
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError(.io, "cannot open \(path)") }
        guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.busy, "another stagesub command is backing up, restoring or deleting an orchestra; try again when it has finished")
        }
        return MaintenanceLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
