import Foundation

extension Appliance {
    static let rotationMarker = ".master-rotation"

    /// Replaces the master key with the key in `newKeyFile` (created, 0600, if it does not exist). The
    /// appliance closes; open it again afterwards. Stop the server first.
    ///
    /// 1. Seal every orchestra's data key with the new master key into `orchestra.key.master-next`.
    /// 2. Write `<data>/.master-rotation` naming the new key file (never the key).
    /// 3. Re-encrypt the registry under the key derived from the new master key: the commit point.
    /// 4. Move every `orchestra.key.master-next` into place; write the new key into the configured key file.
    /// 5. Remove the marker.
    /// Killed before 3, the old master key still opens everything and the next open discards the staged
    /// files; killed after 3, the next open finds the marker, opens the registry with the new key file and
    /// finishes 4 and 5.
    ///
    /// Backups made before the rotation are sealed with the old master key: they restore only with the
    /// old key file, or with their passphrase.
    public func rotateMasterKey(newKeyFile: URL) throws(StoreError) {
        let newMaster = FileManager.default.fileExists(atPath: newKeyFile.path)
            ? try MasterKey.load(from: newKeyFile) : try MasterKey.create(at: newKeyFile)
        guard newMaster != masterKey else { throw StoreError(.invalidInput, "\(newKeyFile.path) holds the current master key") }
        let lock = try MaintenanceLock.acquire(directory, exclusive: true)
        defer { lock.release() }
        let slugs = try registry.orchestras().map(\.slug)
        for slug in slugs {
            let key = try dataKey(of: slug)
            try OrchestraKeyFile.write(key, slug: slug, fileId: SealedDatabase.fileId(at: directory.orchestraDatabase(slug).path),
                                       master: newMaster, to: Self.stagedKeyFile(directory, slug))
        }
        try step("staged")
        try AtomicFile.write(Array(newKeyFile.standardizedFileURL.path.utf8), to: directory.root.appendingPathComponent(Self.rotationMarker))
        try registry.log("info", "rekey", "master key rotation started", at: now())
        try registry.close()
        try SealedDatabase.rekey(at: directory.registry.path, from: MasterKey.registryKey(masterKey), to: MasterKey.registryKey(newMaster))
        try step("registry")
        try Self.finishRotation(directory, newMaster: newMaster)
    }

    static func stagedKeyFile(_ directory: DataDirectory, _ slug: String) -> URL {
        URL(fileURLWithPath: directory.orchestraKey(slug).path + ".master-next")
    }

    /// Steps 4 and 5 of a rotation whose registry already uses `newMaster`.
    static func finishRotation(_ directory: DataDirectory, newMaster: DatabaseKey) throws(StoreError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.orchestras.path)) ?? []
        for slug in names where !slug.hasPrefix(".") {
            let staged = stagedKeyFile(directory, slug)
            if FileManager.default.fileExists(atPath: staged.path) {
                guard rename(staged.path, directory.orchestraKey(slug).path) == 0 else {
                    throw StoreError(.io, "cannot move \(staged.path) into place")
                }
            }
        }
        let marker = directory.root.appendingPathComponent(rotationMarker)
        let markerTarget = (try? String(contentsOf: marker, encoding: .utf8)) ?? ""
        if markerTarget != directory.keyFile.standardizedFileURL.path {
            try newMaster.withUnsafeBytes { (bytes) throws(StoreError) in try AtomicFile.write(Array(bytes), to: directory.keyFile) }
        }
        unlink(marker.path)
    }

    /// At open: finishes a rotation that passed its commit point, or discards one that did not.
    /// Returns the master key that opens the registry now.
    static func recoverRotation(_ directory: DataDirectory, current: DatabaseKey) throws(StoreError) -> DatabaseKey {
        let marker = directory.root.appendingPathComponent(rotationMarker)
        guard let target = try? String(contentsOf: marker, encoding: .utf8) else { return current }
        let pending = try MasterKey.load(from: URL(fileURLWithPath: target))
        let registryOpensWithPending = (try? SealedDatabase.verify(at: directory.registry.path, key: MasterKey.registryKey(pending)))?.isIntact == true
        if registryOpensWithPending {
            try finishRotation(directory, newMaster: pending)
            return pending
        }
        // The rotation never reached its commit point: forget it.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.orchestras.path)) ?? []
        for slug in names where !slug.hasPrefix(".") { unlink(stagedKeyFile(directory, slug).path) }
        unlink(marker.path)
        return current
    }
}
