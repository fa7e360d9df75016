import Foundation
import GRDB
import Synchronization

/// The central registry of an appliance: orchestras, users, sessions, system log, backups. One sealed
/// database; every query lives here, named for what it does.
public final class Registry: Sendable {
    let pool: DatabasePool
    /// Orchestras by slug as `orchestra(slug:)` last read them, each for `cacheLifetime`. A musician's answer
    /// link names its orchestra, and that lookup was a fifth of an answer page's cost (docs/benchmarks.md).
    /// Every write through this registry empties the cache, so this process's own changes (a suspension in
    /// the console, a rename) count at once; another process's (the `stagesub orchestra` command while the
    /// server runs) within `cacheLifetime`.
    private let cachedOrchestras = Mutex(OrchestraCache())
    struct OrchestraCache {
        var entries: [String: (orchestra: Orchestra, until: ContinuousClock.Instant)] = [:]
        /// Counts the writes: a record read before a write is not kept after it.
        var generation = 0
    }
    static let cacheLifetime: Duration = .seconds(1)
    /// More than an appliance has orchestras; a cache this full is emptied rather than grown.
    static let cacheCapacity = 4096

    init(pool: DatabasePool) throws(StoreError) {
        self.pool = pool
        do { try RegistryMigrations.migrator.migrate(pool) } catch { throw SealedDatabase.translate(error, path: pool.path) }
    }

    static func create(at path: String, key: DatabaseKey) throws(StoreError) -> Registry {
        try Registry(pool: SealedDatabase.create(at: path, key: key))
    }

    static func open(at path: String, key: DatabaseKey) throws(StoreError) -> Registry {
        try Registry(pool: SealedDatabase.open(at: path, key: key))
    }

    /// Closes the registry, leaving one self-contained file.
    public func close() throws(StoreError) { try SealedDatabase.close(pool) }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw Registry.translate(error, pool.path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        defer { cachedOrchestras.withLock { $0.entries.removeAll(); $0.generation += 1 } }
        do { return try pool.write(body) } catch { throw Registry.translate(error, pool.path) }
    }

    static func translate(_ error: any Error, _ path: String) -> StoreError {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            return StoreError(.conflict, "that conflicts with what the registry holds (\(error.message ?? "constraint"))", underlying: error)
        }
        return SealedDatabase.translate(error, path: path)
    }

    // MARK: Orchestras

    public func orchestra(slug: String) throws(StoreError) -> Orchestra? {
        let now = ContinuousClock.now
        let (cached, generation) = cachedOrchestras.withLock { ($0.entries[slug], $0.generation) }
        if let cached, cached.until > now { return cached.orchestra }
        let found = try read { db in try Orchestra.fetchOne(db.cachedStatement(sql: "SELECT * FROM orchestra WHERE slug = ?"), arguments: [slug]) }
        // Only orchestras that exist: made-up slugs in forged links cannot fill the memory.
        if let found {
            cachedOrchestras.withLock { cache in
                guard cache.generation == generation else { return }
                if cache.entries.count >= Self.cacheCapacity { cache.entries.removeAll() }
                cache.entries[slug] = (found, now + Self.cacheLifetime)
            }
        }
        return found
    }

    public func orchestra(id: Int64) throws(StoreError) -> Orchestra? {
        try read { db in try Self.orchestra(id: id, in: db) }
    }

    static func orchestra(id: Int64, in db: Database) throws -> Orchestra? {
        try Orchestra.fetchOne(db.cachedStatement(sql: "SELECT * FROM orchestra WHERE id = ?"), arguments: [id])
    }

    /// Every orchestra, by slug.
    public func orchestras() throws(StoreError) -> [Orchestra] {
        try read { db in try Orchestra.fetchAll(db.cachedStatement(sql: "SELECT * FROM orchestra ORDER BY slug")) }
    }

    /// Whether the registry answers a query (for health checks: one cached statement, no rows decoded).
    public func isReadable() -> Bool {
        (try? read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM orchestra")) }) != nil
    }

    func insert(_ orchestra: Orchestra, in db: Database) throws -> Orchestra {
        var orchestra = orchestra
        try orchestra.insert(db)
        return orchestra
    }

    /// Sets an orchestra's status; suspending also ends the sessions of its users.
    public func setStatus(_ status: Orchestra.Status, slug: String, at now: Date) throws(StoreError) {
        try write { db in
            guard var orchestra = try Orchestra.filter(Orchestra.Columns.slug == slug).fetchOne(db) else {
                throw StoreError(.notFound, "no orchestra \(slug)")
            }
            orchestra.status = status
            orchestra.updatedAt = now
            try orchestra.update(db)
            if status == .suspended {
                try db.execute(sql: "DELETE FROM session WHERE userId IN (SELECT id FROM user WHERE orchestraId = ?)", arguments: [orchestra.id])
            }
        }
    }

    // MARK: Users

    /// The user with this username or email (case-insensitive).
    public func user(named nameOrEmail: String) throws(StoreError) -> User? {
        try read { db in
            try User.filter(User.Columns.username == nameOrEmail || User.Columns.email == nameOrEmail).fetchOne(db)
        }
    }

    /// Users, of one orchestra or of all; superadmins first, then by username.
    public func users(orchestraId: Int64? = nil) throws(StoreError) -> [User] {
        try read { db in
            var request = User.order(sql: "role = 'superadmin' DESC, username")
            if let orchestraId { request = request.filter(User.Columns.orchestraId == orchestraId) }
            return try request.fetchAll(db)
        }
    }

    func insert(_ user: User, in db: Database) throws -> User {
        if try User.filter(User.Columns.username == user.username).fetchCount(db) > 0 {
            throw StoreError(.conflict, .usernameTaken(user.username))
        }
        if try User.filter(User.Columns.email == user.email).fetchCount(db) > 0 {
            throw StoreError(.conflict, .userEmailTaken(user.email))
        }
        var user = user
        try user.insert(db)
        return user
    }

    /// Adds a user; the username and the email must be free.
    public func insertUser(_ user: User) throws(StoreError) -> User {
        try write { db in try insert(user, in: db) }
    }

    /// Replaces a user's password hash and ends their sessions.
    public func setPasswordHash(_ hash: String, forUser id: Int64, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE user SET passwordHash = ?, updatedAt = ? WHERE id = ?", arguments: [hash, now, id])
            try db.execute(sql: "DELETE FROM session WHERE userId = ?", arguments: [id])
        }
    }

    /// Enables or disables a user; disabling ends their sessions.
    public func setActive(_ active: Bool, user id: Int64, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE user SET active = ?, updatedAt = ? WHERE id = ?", arguments: [active, now, id])
            if !active { try db.execute(sql: "DELETE FROM session WHERE userId = ?", arguments: [id]) }
        }
    }

    // MARK: System log

    /// Appends to the appliance's log. Never put a secret in `message` or `metadata`.
    public func log(_ level: String = "info", _ category: String, _ message: String, orchestraId: Int64? = nil,
                    userId: Int64? = nil, at now: Date) throws(StoreError) {
        try write { db in try Self.log(level, category, message, orchestraId: orchestraId, userId: userId, at: now, in: db) }
    }

    static func log(_ level: String, _ category: String, _ message: String, orchestraId: Int64?, userId: Int64?,
                    at now: Date, in db: Database) throws {
        var entry = SystemLogEntry(timestamp: now, level: level, category: category, message: message,
                                   userId: userId, orchestraId: orchestraId)
        try entry.insert(db)
    }

    /// The latest log entries, newest first.
    public func recentLog(limit: Int = 50) throws(StoreError) -> [SystemLogEntry] {
        try read { db in try SystemLogEntry.order(sql: "id DESC").limit(limit).fetchAll(db) }
    }
}
