import Foundation
import GRDB

extension Appliance {
    /// What `restore` did.
    public struct RestoreResult: Sendable {
        public let slug: String
        public let manifest: BackupManifest
        /// Whether an existing orchestra was replaced (otherwise a new one was registered).
        public let replaced: Bool
        /// Migrations applied because the backup's schema was older than this binary's.
        public let migrated: Int
    }

    /// Restores a backup file as orchestra `slug` (default: the slug in the backup), replacing the current
    /// one if there is one.
    ///
    /// 1. Read the header and open the backup's key (master key, else the passphrase); refuse a schema
    ///    newer than this binary's.
    /// 2. Extract the database into `orchestras/.restore-<slug>/`, checking its size and SHA-256.
    /// 3. Verify it: every page authenticated, `integrity_check`.
    /// 4. Migrate an older schema; record the slug and name in its profile; wrap its key into `orchestra.key`.
    /// 5. Swap: rename the current folder to `.replaced-<slug>`, the staged one into place, then remove the
    ///    replaced one. A kill between the renames is undone at the next open (the old orchestra returns).
    /// 6. Register the orchestra if the registry does not know it.
    public func restore(_ file: URL, as target: String? = nil, passphrase: String? = nil,
                        progress: Progress? = nil) throws(StoreError) -> RestoreResult {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw StoreError(.fileMissing, "no backup at \(file.path)") }
        let header: BackupFile.Header
        do {
            defer { try? handle.close() }
            header = try BackupFile.readHeader(from: handle, path: file.path)
        }
        let manifest = header.manifest
        let key = try BackupFile.openKey(header, master: masterKey, passphrase: passphrase, path: file.path)
        let slug = target ?? manifest.slug
        try Self.validateSlug(slug)
        guard manifest.schemaVersion <= OrchestraMigrations.currentVersion else {
            throw StoreError(.conflict, "\(file.lastPathComponent) has orchestra schema \(manifest.schemaVersion), newer than this StageSub's \(OrchestraMigrations.currentVersion); upgrade StageSub first")
        }
        let lock = try MaintenanceLock.acquire(directory, exclusive: true)
        defer { lock.release() }

        let staging = directory.orchestras.appendingPathComponent(".restore-\(slug)")
        let stagedDatabase = staging.appendingPathComponent("orchestra.db").path
        try? FileManager.default.removeItem(at: staging)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw StoreError(.io, "cannot create \(staging.path)") }
        var migrated = 0
        do {
            // 2. Extract and check.
            try Self.extract(from: file, offset: header.databaseOffset, count: manifest.databaseBytes, to: stagedDatabase) {
                progress?("extract", $0, manifest.databaseBytes)
            }
            let (digest, size) = try Self.sha256(ofFileAt: stagedDatabase)
            guard size == manifest.databaseBytes, digest == manifest.sha256 else {
                throw StoreError(.damaged, "\(file.lastPathComponent) is damaged or truncated (its checksum does not match); nothing was restored")
            }
            try step("extracted")
            // 3. Verify.
            let report = try SealedDatabase.verify(at: stagedDatabase, key: key)
            guard report.isIntact else {
                throw StoreError(.damaged, "\(file.lastPathComponent) failed verification (\(report.badPages) bad pages; \(report.integrityProblems.first ?? "")); nothing was restored")
            }
            // 4. Migrate, profile, key file.
            let pool = try SealedDatabase.open(at: stagedDatabase, key: key)
            do {
                migrated = try OrchestraMigrations.pending(pool).count
                try OrchestraMigrations.migrate(pool)
                try pool.write { db in
                    try db.execute(sql: "UPDATE orchestraProfile SET slug = ?", arguments: [slug])
                }
                try SealedDatabase.close(pool)
            } catch {
                try? pool.close()
                throw SealedDatabase.translate(error, path: stagedDatabase)
            }
            try OrchestraKeyFile.write(key, slug: slug, fileId: SealedDatabase.fileId(at: stagedDatabase), master: masterKey,
                                       to: staging.appendingPathComponent("orchestra.key"))
            try SealedDatabase.fsync(path: stagedDatabase)
            try SealedDatabase.fsync(path: staging.path)
            try step("staged")
        } catch {
            SealedDatabase.forgetKey(at: stagedDatabase)
            try? FileManager.default.removeItem(at: staging)
            throw SealedDatabase.translate(error, path: stagedDatabase)
        }
        SealedDatabase.forgetKey(at: stagedDatabase)

        // 5. Swap.
        let current = directory.orchestraFolder(slug)
        let replaced = directory.orchestras.appendingPathComponent(".replaced-\(slug)")
        let existed = FileManager.default.fileExists(atPath: current.path)
        try? FileManager.default.removeItem(at: replaced)
        if existed {
            guard rename(current.path, replaced.path) == 0 else { throw StoreError(.io, "cannot move \(current.path) aside") }
        }
        try step("swapping")
        guard rename(staging.path, current.path) == 0 else {
            if existed { _ = rename(replaced.path, current.path) }
            throw StoreError(.io, "cannot move the restored orchestra into \(current.path)")
        }
        try SealedDatabase.fsync(path: directory.orchestras.path)
        try step("swapped")
        try? FileManager.default.removeItem(at: replaced)
        SealedDatabase.forgetKey(at: directory.orchestraDatabase(slug).path)

        // 6. Register.
        let timestamp = now()
        try registry.write { db in
            var orchestraId = try Int64.fetchOne(db, sql: "SELECT id FROM orchestra WHERE slug = ?", arguments: [slug])
            if orchestraId == nil {
                orchestraId = try registry.insert(Orchestra(slug: slug, name: manifest.name, contactName: manifest.name,
                                                            contactEmail: "", now: timestamp), in: db).id
            }
            try Registry.log("info", "restore", "restored \(slug) from \(file.lastPathComponent) (made \(manifest.createdAt))",
                             orchestraId: orchestraId, userId: nil, at: timestamp, in: db)
        }
        return RestoreResult(slug: slug, manifest: manifest, replaced: existed, migrated: migrated)
    }

    /// Copies `count` bytes at `offset` of `file` into a new file at `path` (0600).
    static func extract(from file: URL, offset: Int, count: Int, to path: String, progress: (Int) -> Void) throws(StoreError) {
        try MasterKey.writeNewFile(at: URL(fileURLWithPath: path), bytes: [])
        guard let input = FileHandle(forReadingAtPath: file.path), let output = FileHandle(forWritingAtPath: path) else {
            throw StoreError(.io, "cannot extract \(file.path)")
        }
        defer { try? input.close(); try? output.close() }
        do {
            try input.seek(toOffset: UInt64(offset))
            var left = count
            while left > 0, let chunk = try input.read(upToCount: min(left, 1 << 20)), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
                left -= chunk.count
                progress(count - left)
            }
            try output.synchronize()
        } catch {
            throw StoreError(.io, "cannot extract \(file.path): \(error.localizedDescription)")
        }
    }

    /// Deletes an orchestra, after a final backup (whose result is returned).
    ///
    /// 1. Back up (reason "before delete").
    /// 2. Rename the folder to `.deleted-<slug>`.
    /// 3. Remove the registry row (its users and sessions go with it).
    /// 4. Remove the renamed folder. A kill after 2 is completed at the next open.
    public func deleteOrchestra(_ slug: String, confirmed: Bool) throws(StoreError) -> BackupResult {
        guard confirmed else {
            throw StoreError(.invalidInput, "deleting \(slug) removes its data from this appliance (after a final backup); confirm with --yes")
        }
        let orchestra = try orchestra(slug)
        let final = try backup(slug, reason: "before delete")
        let lock = try MaintenanceLock.acquire(directory, exclusive: true)
        defer { lock.release() }
        let folder = directory.orchestraFolder(slug)
        let doomed = directory.orchestras.appendingPathComponent(".deleted-\(slug)")
        try? FileManager.default.removeItem(at: doomed)
        guard rename(folder.path, doomed.path) == 0 else { throw StoreError(.io, "cannot remove \(folder.path)") }
        try step("renamed")
        try registry.write { db in
            try db.execute(sql: "DELETE FROM orchestra WHERE slug = ?", arguments: [slug])
            try Registry.log("info", "orchestra", "deleted \(slug); final backup \(final.file.path)",
                             orchestraId: orchestra.id, userId: nil, at: now(), in: db)
        }
        try? FileManager.default.removeItem(at: doomed)
        SealedDatabase.forgetKey(at: directory.orchestraDatabase(slug).path)
        return final
    }

    /// Registers an orchestra folder that was copied into `orchestras/` from a stopped appliance with the
    /// same master key. With another master key it is refused, naming `backup --passphrase-file`.
    public func adoptOrchestra(_ slug: String) throws(StoreError) -> Orchestra {
        try Self.validateSlug(slug)
        if try registry.orchestra(slug: slug) != nil { throw StoreError(.conflict, "the orchestra \(slug) is already registered") }
        guard FileManager.default.fileExists(atPath: directory.orchestraDatabase(slug).path) else {
            throw StoreError(.fileMissing, "no orchestra folder to adopt at \(directory.orchestraFolder(slug).path)")
        }
        let lock = try MaintenanceLock.acquire(directory, exclusive: true)
        defer { lock.release() }
        let pool = try openOrchestraDatabase(slug)
        let profile: Row?
        do {
            try OrchestraMigrations.migrate(pool)
            profile = try pool.read { db in try Row.fetchOne(db, sql: "SELECT name, contactName, contactEmail FROM orchestraProfile") }
            try SealedDatabase.close(pool)
        } catch {
            try? pool.close()
            throw SealedDatabase.translate(error, path: directory.orchestraDatabase(slug).path)
        }
        let timestamp = now()
        return try registry.write { db in
            let orchestra = try registry.insert(Orchestra(slug: slug, name: profile?["name"] ?? slug,
                                                          contactName: profile?["contactName"] ?? slug,
                                                          contactEmail: profile?["contactEmail"] ?? "", now: timestamp), in: db)
            try Registry.log("info", "orchestra", "adopted \(slug)", orchestraId: orchestra.id, userId: nil, at: timestamp, in: db)
            return orchestra
        }
    }

    /// Folders in `orchestras/` the registry does not know (candidates for `adopt`).
    public func unregisteredOrchestraFolders() throws(StoreError) -> [String] {
        let known = Set(try registry.orchestras().map(\.slug))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.orchestras.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !known.contains($0) }.sorted()
    }

    /// Finishes or undoes what a killed restore or delete left behind. Runs at open when no other
    /// command holds the maintenance lock.
    func recoverInterruptedOperations() throws(StoreError) {
        guard let lock = try? MaintenanceLock.acquire(directory, exclusive: true) else { return }
        defer { lock.release() }
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: directory.orchestras.path)) ?? []
        for name in names where name.hasPrefix(".") {
            let url = directory.orchestras.appendingPathComponent(name)
            if name.hasPrefix(".restore-") {
                try? fm.removeItem(at: url)  // never swapped in: the current orchestra is untouched
            } else if name.hasPrefix(".replaced-") {
                let slug = String(name.dropFirst(".replaced-".count))
                let current = directory.orchestraFolder(slug)
                if fm.fileExists(atPath: current.path) {
                    try? fm.removeItem(at: url)  // the swap completed
                } else {
                    _ = rename(url.path, current.path)  // killed between the renames: the old orchestra returns
                }
            } else if name.hasPrefix(".deleted-") {
                let slug = String(name.dropFirst(".deleted-".count))
                try registry.write { db in try db.execute(sql: "DELETE FROM orchestra WHERE slug = ?", arguments: [slug]) }
                try? fm.removeItem(at: url)
            }
        }
    }
}
