import Foundation
import GRDB
import SealedVFS

extension Appliance {
    /// What `createOrchestra` made.
    public struct CreatedOrchestra: Sendable {
        public let orchestra: Orchestra
        public let admin: User
        /// The admin's password when it was generated (shown once).
        public let generatedPassword: String?
    }

    /// Creates an orchestra, all or nothing.
    ///
    /// 1. Check the slug, name and admin; refuse a slug the registry or the disk already has.
    /// 2. Make the folder `orchestras/<slug>/` (0700).
    /// 3. Create the sealed database with a new random data key; run the orchestra migrations; write its profile.
    /// 4. Wrap the data key with the master key into `orchestra.key` (bound to the slug and the file id).
    /// 5. In one registry transaction: the orchestra row, its first admin, a log line.
    /// A failure at any step removes the folder; the registry transaction either happened whole or not at all.
    public func createOrchestra(slug: String, name: String, adminEmail: String, adminUsername: String? = nil,
                                adminPassword: String? = nil, contactName: String? = nil) throws(StoreError) -> CreatedOrchestra {
        try Self.validateSlug(slug)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError(.invalidInput, .orchestraNameMissing) }
        try Self.validateEmail(adminEmail)
        let username = adminUsername ?? "\(slug)-admin"
        try Self.validateUsername(username)
        let password = adminPassword ?? PasswordHash.generatePassword()
        try Self.validatePassword(password)
        if try registry.orchestra(slug: slug) != nil { throw StoreError(.conflict, .orchestraExists(slug)) }
        if try registry.user(named: username) != nil { throw StoreError(.conflict, .usernameTaken(username)) }
        if try registry.user(named: adminEmail) != nil { throw StoreError(.conflict, .userEmailTaken(adminEmail)) }

        let folder = directory.orchestraFolder(slug)
        do {
            try FileManager.default.createDirectory(at: directory.orchestras, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.conflict, "cannot create \(folder.path): it exists already, or the data directory is not writable")
        }
        let timestamp = now()
        let dbPath = directory.orchestraDatabase(slug).path
        do {
            try checkpoint("folder")
            let dataKey = DatabaseKey.random()
            let pool = try SealedDatabase.create(at: dbPath, key: dataKey)
            do {
                try checkpoint("database")
                try OrchestraMigrations.migrate(pool)
                try checkpoint("migrations")
                try pool.write { db in
                    try db.execute(sql: "INSERT INTO orchestraProfile(slug, name, contactName, contactEmail, createdAt) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [slug, name, contactName ?? name, adminEmail, timestamp])
                    try OrchestraSeeds.applyCurrent(db, now: timestamp)
                }
                try SealedDatabase.close(pool)
            } catch {
                try? pool.close()
                throw error
            }
            try checkpoint("seeded")
            try OrchestraKeyFile.write(dataKey, slug: slug, fileId: SealedDatabase.fileId(at: dbPath), master: masterKey,
                                       to: directory.orchestraKey(slug))
            try checkpoint("key")
            let hash = try PasswordHash.make(password)
            let (orchestra, admin) = try registry.write { db in
                let orchestra = try registry.insert(Orchestra(slug: slug, name: name, contactName: contactName ?? name,
                                                              contactEmail: adminEmail, now: timestamp), in: db)
                let admin = try registry.insert(User(username: username, email: adminEmail, role: .admin,
                                                     orchestraId: orchestra.id, passwordHash: hash, now: timestamp), in: db)
                try Registry.log("info", "orchestra", "created \(slug)", orchestraId: orchestra.id, userId: nil, at: timestamp, in: db)
                try checkpoint("registry")
                return (orchestra, admin)
            }
            return CreatedOrchestra(orchestra: orchestra, admin: admin, generatedPassword: adminPassword == nil ? password : nil)
        } catch {
            SealedDatabase.forgetKey(at: dbPath)
            try? FileManager.default.removeItem(at: folder)
            if let error = error as? StoreError { throw error }
            throw SealedDatabase.translate(error, path: dbPath)
        }
    }

    /// The registry's row for `slug`, or a clear not-found error.
    public func orchestra(_ slug: String) throws(StoreError) -> Orchestra {
        guard let orchestra = try registry.orchestra(slug: slug) else {
            throw StoreError(.notFound, "no orchestra \(slug) on this appliance (see `stagesub orchestra list`)")
        }
        return orchestra
    }

    /// An orchestra's row with what its folder says about it.
    public struct OrchestraSummary: Sendable, Codable {
        public let slug: String
        public let name: String
        public let status: Orchestra.Status
        public let plan: String
        /// From the database's header (`PRAGMA user_version`); nil when the database cannot be read.
        public let schemaVersion: Int?
        /// Bytes on disk of the database and its WAL.
        public let sizeBytes: Int
        public let users: Int
        public let createdAt: Date
    }

    /// Every orchestra with its schema version and size on disk.
    public func orchestraSummaries() throws(StoreError) -> [OrchestraSummary] {
        let users = try registry.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT orchestraId, count(*) FROM user WHERE orchestraId IS NOT NULL GROUP BY orchestraId")
                .map { ($0[0] as Int64, $0[1] as Int) })
        }
        return try registry.orchestras().map { orchestra in
            OrchestraSummary(slug: orchestra.slug, name: orchestra.name, status: orchestra.status, plan: orchestra.plan,
                             schemaVersion: try? schemaVersion(of: orchestra.slug), sizeBytes: sizeOnDisk(orchestra.slug),
                             users: users[orchestra.id ?? -1] ?? 0, createdAt: orchestra.createdAt)
        }
    }

    /// Bytes on disk of an orchestra's database and its WAL.
    public func sizeOnDisk(_ slug: String) -> Int {
        let path = directory.orchestraDatabase(slug).path
        return ["", SEALEDVFS_WAL_SUFFIX].reduce(0) { sum, suffix in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
    }

    /// The data key of an orchestra, unwrapped with the master key.
    func dataKey(of slug: String) throws(StoreError) -> DatabaseKey {
        let path = directory.orchestraDatabase(slug).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.fileMissing, "the database of orchestra \(slug) is missing (\(path))")
        }
        let fileId = try SealedDatabase.fileId(at: path)
        let keyFile = directory.orchestraKey(slug)
        let next = URL(fileURLWithPath: keyFile.path + ".next")
        do {
            // A stale orchestra.key.next (from a rekey killed before its swap) is left alone: a rekey in
            // progress may be about to need it, and the next rekey overwrites it.
            return try OrchestraKeyFile.read(from: keyFile, slug: slug, fileId: fileId, master: masterKey)
        } catch where FileManager.default.fileExists(atPath: next.path) {
            // A rekey was killed after swapping the database in but before its key file: finish it.
            let key = try OrchestraKeyFile.read(from: next, slug: slug, fileId: fileId, master: masterKey)
            _ = rename(next.path, keyFile.path)
            return key
        }
    }

    /// Opens an orchestra's database with its own key (migrating is the pool's job, not this one's).
    public func openOrchestraDatabase(_ slug: String, options: SealedDatabase.Options = .init()) throws(StoreError) -> DatabasePool {
        try SealedDatabase.open(at: directory.orchestraDatabase(slug).path, key: dataKey(of: slug), options: options)
    }

    /// The schema version recorded in an orchestra's database.
    public func schemaVersion(of slug: String) throws(StoreError) -> Int {
        let queue = try SealedDatabase.makeReadQueue(at: directory.orchestraDatabase(slug).path, key: dataKey(of: slug))
        defer { try? queue.close() }
        do { return try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 } } catch {
            throw SealedDatabase.translate(error, path: directory.orchestraDatabase(slug).path)
        }
    }

    /// Suspends an orchestra: its users cannot log in (their sessions end now) and its musicians' links say
    /// the orchestra is unavailable. Its data stays.
    public func suspendOrchestra(_ slug: String) throws(StoreError) {
        _ = try orchestra(slug)
        try registry.setStatus(.suspended, slug: slug, at: now())
        try registry.log("info", "orchestra", "suspended \(slug)", at: now())
    }

    /// Makes a suspended (or pending) orchestra active again.
    public func resumeOrchestra(_ slug: String) throws(StoreError) {
        _ = try orchestra(slug)
        try registry.setStatus(.active, slug: slug, at: now())
        try registry.log("info", "orchestra", "resumed \(slug)", at: now())
    }
}

extension Appliance {
    /// Changes what the operator may change about an orchestra: name, plan and its limits, contact.
    public func updateOrchestra(_ slug: String, name: String? = nil, plan: String? = nil, maxMusicians: Int? = nil, maxProjects: Int? = nil,
                                contactName: String? = nil, contactEmail: String? = nil) throws(StoreError) -> Orchestra {
        var orchestra = try orchestra(slug)
        if let name {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 120 else {
                throw StoreError(.invalidInput, .orchestraNameLength)
            }
            orchestra.name = name
        }
        if let plan { orchestra.plan = plan }
        for (field, value) in [("maxMusicians", maxMusicians), ("maxProjects", maxProjects)] {
            if let value, !(1...1_000_000).contains(value) { throw StoreError(.invalidInput, .planLimitRange(field)) }
        }
        if let maxMusicians { orchestra.maxMusicians = maxMusicians }
        if let maxProjects { orchestra.maxProjects = maxProjects }
        if let contactName { orchestra.contactName = contactName }
        if let contactEmail { try Self.validateEmail(contactEmail); orchestra.contactEmail = contactEmail }
        orchestra.updatedAt = now()
        let updated = orchestra
        try registry.write { db in try updated.update(db) }
        try registry.log("info", "orchestra", "updated \(slug)", orchestraId: orchestra.id, at: now())
        return updated
    }

    /// When each orchestra was last backed up.
    public func lastBackups() throws(StoreError) -> [String: Date] {
        try registry.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT slug, max(createdAt) AS at FROM backup GROUP BY slug")
                .compactMap { row -> (String, Date)? in (row["at"] as Date?).map { (row["slug"], $0) } })
        }
    }
}
