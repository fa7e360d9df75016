import Foundation
import GRDB
import StageSubCore
import Synchronization

/// One appliance: a data directory, its master key and its registry. Everything the operator does from
/// the command line, and the server does at start, goes through here.
public final class Appliance: Sendable {
    public let directory: DataDirectory
    public let registry: Registry
    let masterKey: DatabaseKey
    let now: @Sendable () -> Date
    /// Test hook: called with the name of each step of a delicate operation; throwing simulates a failure there.
    let checkpoint: @Sendable (String) throws -> Void
    /// The sessions whose idle lifetime a request is extending right now (their token hashes).
    let sessionTouches = Mutex<Set<String>>([])

    init(directory: DataDirectory, masterKey: DatabaseKey, registry: Registry, now: @escaping @Sendable () -> Date,
         checkpoint: @escaping @Sendable (String) throws -> Void) {
        self.directory = directory
        self.masterKey = masterKey
        self.registry = registry
        self.now = now
        self.checkpoint = checkpoint
    }

    /// What `initialise` made.
    public struct Initialised: Sendable {
        public let appliance: Appliance
        /// The superadmin's password when it was generated (shown once, never stored in the clear).
        public let generatedPassword: String?
        /// Whether a new master key file was written (false when an existing one was used).
        public let createdKeyFile: Bool
    }

    /// Sets up a new data directory: folders, master key (an existing key file is used as it is, so several
    /// appliances can share one), the sealed registry, and the superadmin `admin`.
    ///
    /// 1. Refuse a directory that already holds a registry.
    /// 2. Create the folders (mode 0700).
    /// 3. Load the key file, or create it (0600, 32 random bytes).
    /// 4. Create the registry and the superadmin in it.
    /// A failure after step 2 removes what this call created.
    public static func initialise(_ directory: DataDirectory, adminPassword: String? = nil,
                                  now: @escaping @Sendable () -> Date = Date.init) throws(StoreError) -> Initialised {
        if directory.isInitialised {
            throw StoreError(.conflict, "\(directory.root.path) is already initialised (it has a registry.db)")
        }
        let fm = FileManager.default
        let rootExisted = fm.fileExists(atPath: directory.root.path)
        var createdKey = false
        do {
            for folder in [directory.root, directory.orchestras, directory.backups] {
                try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw StoreError(.io, "cannot create the data directory \(directory.root.path): \(error.localizedDescription)")
        }
        do {
            let master: DatabaseKey
            if fm.fileExists(atPath: directory.keyFile.path) {
                master = try MasterKey.load(from: directory.keyFile)
            } else {
                master = try MasterKey.create(at: directory.keyFile)
                createdKey = true
            }
            let registry = try Registry.create(at: directory.registry.path, key: MasterKey.registryKey(master))
            let password = adminPassword ?? PasswordHash.generatePassword()
            try validatePassword(password)
            let hash = try PasswordHash.make(password)
            let timestamp = now()
            try registry.write { db in
                _ = try registry.insert(User(username: "admin", email: "admin@localhost", role: .superadmin, orchestraId: nil,
                                             passwordHash: hash, now: timestamp), in: db)
                try Registry.log("info", "appliance", "initialised", orchestraId: nil, userId: nil, at: timestamp, in: db)
            }
            let appliance = Appliance(directory: directory, masterKey: master, registry: registry, now: now, checkpoint: { _ in })
            return Initialised(appliance: appliance, generatedPassword: adminPassword == nil ? password : nil,
                               createdKeyFile: createdKey)
        } catch {
            SealedDatabase.removeDatabaseFiles(at: directory.registry.path)
            if createdKey { unlink(directory.keyFile.path) }
            if !rootExisted { try? fm.removeItem(at: directory.root) }
            throw error
        }
    }

    /// Opens an initialised data directory.
    public static func open(_ directory: DataDirectory, now: @escaping @Sendable () -> Date = Date.init,
                            checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }) throws(StoreError) -> Appliance {
        guard directory.isInitialised else {
            throw StoreError(.notInitialised, "\(directory.root.path) is not a StageSub data directory yet; run `stagesub init` (or pass --data / STAGESUB_DATA)")
        }
        var master = try MasterKey.load(from: directory.keyFile)
        if FileManager.default.fileExists(atPath: directory.root.appendingPathComponent(rotationMarker).path),
           let lock = try? MaintenanceLock.acquire(directory, exclusive: true) {
            defer { lock.release() }
            master = try recoverRotation(directory, current: master)
        }
        let registry: Registry
        do {
            registry = try Registry.open(at: directory.registry.path, key: MasterKey.registryKey(master))
        } catch let error where error.code == .wrongKey {
            throw StoreError(.wrongKey, "the master key in \(directory.keyFile.path) does not open \(directory.registry.path): wrong key file")
        }
        let appliance = Appliance(directory: directory, masterKey: master, registry: registry, now: now, checkpoint: checkpoint)
        try appliance.recoverInterruptedOperations()
        return appliance
    }

    /// Runs the test hook for step `name` of a delicate operation.
    func step(_ name: String) throws(StoreError) {
        do { try checkpoint(name) } catch { throw StoreError(.io, "interrupted at step \(name)", underlying: error) }
    }

    /// Closes the registry.
    public func close() throws(StoreError) { try registry.close() }

    // MARK: - Validation

    static func validateSlug(_ slug: String) throws(StoreError) {
        let ok = (2...40).contains(slug.count) && slug.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard ok else {
            throw StoreError(.invalidInput, .slugShape(slug))
        }
    }

    static func validateEmail(_ email: String) throws(StoreError) {
        guard EmailAddress.isValid(email) else { throw StoreError(.invalidInput, .emailShape(email)) }
    }

    static func validateUsername(_ username: String) throws(StoreError) {
        let ok = (2...64).contains(username.count)
            && username.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
        guard ok else {
            throw StoreError(.invalidInput, .usernameShape(username))
        }
    }

    static func validatePassword(_ password: String) throws(StoreError) {
        guard password.count >= 10 else {
            throw StoreError(.invalidInput, .passwordTooShort)
        }
    }
}

