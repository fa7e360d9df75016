import Foundation
import GRDB

/// The orchestra databases a server (or a long command) has open. They open lazily, each with its own key;
/// at most `maximumOpen` stay open, the least recently used giving way first. An orchestra whose schema is
/// older than this binary's is backed up and migrated the first time it is opened.
///
/// An evicted database is not closed under its users' feet: the pool only lets go of it, and GRDB closes
/// its connections when the last request holding it finishes.
public final class OrchestraPool: @unchecked Sendable {
    public let appliance: Appliance
    public let maximumOpen: Int
    let options: SealedDatabase.Options

    private let lock = NSLock()
    /// Most recently used last.
    private var open: [(slug: String, pool: DatabasePool)] = []
    /// One lock per orchestra, held while it is opened (and migrated, which backs it up first: seconds) or let
    /// go of. `lock` itself is held only to look up or change `open`, so one orchestra's slow first open never
    /// keeps the others' requests waiting.
    private var openingLocks: [String: NSLock] = [:]

    public init(appliance: Appliance, maximumOpen: Int = 64, options: SealedDatabase.Options = .init()) {
        precondition(maximumOpen >= 1)
        self.appliance = appliance
        self.maximumOpen = maximumOpen
        var options = options
        options.maximumReaderCount = min(options.maximumReaderCount, 2)
        self.options = options
    }

    /// The database of orchestra `slug`, opening (and if need be migrating) it.
    public func database(_ slug: String) throws(StoreError) -> DatabasePool {
        if let pool = held(slug) { return pool }
        let opening = openingLock(slug)
        opening.lock()
        defer { opening.unlock() }
        if let pool = held(slug) { return pool }  // opened by another request while this one waited
        if try appliance.schemaVersion(of: slug) < OrchestraMigrations.currentVersion {
            try appliance.migrateOrchestra(slug)
        }
        let pool = try appliance.openOrchestraDatabase(slug, options: options)
        lock.withLock {
            open.append((slug, pool))
            while open.count > maximumOpen { open.removeFirst() }
        }
        return pool
    }

    /// The open database of `slug`, marked as the most recently used, if it is held.
    private func held(_ slug: String) -> DatabasePool? {
        lock.withLock {
            guard let index = open.firstIndex(where: { $0.slug == slug }) else { return nil }
            let entry = open.remove(at: index)
            open.append(entry)
            return entry.pool
        }
    }

    private func openingLock(_ slug: String) -> NSLock {
        lock.withLock {
            if let existing = openingLocks[slug] { return existing }
            let made = NSLock()
            openingLocks[slug] = made
            return made
        }
    }

    /// The gateway of an orchestra whose registry record the caller already has.
    public func gateway(_ orchestra: Orchestra, answerBaseURL: String) throws(StoreError) -> OrchestraGateway {
        OrchestraGateway(database: try database(orchestra.slug), orchestraName: orchestra.name, answerBaseURL: answerBaseURL,
                         limits: (orchestra.maxMusicians, orchestra.maxProjects), slug: orchestra.slug)
    }

    /// Slugs of the databases currently held, least recently used first.
    public var openSlugs: [String] { lock.withLock { open.map(\.slug) } }

    /// Lets go of one orchestra (before a restore or delete replaces its files).
    /// Waits for an open of it that is under way, so that no database of the old files comes back after.
    public func release(_ slug: String) {
        let opening = openingLock(slug)
        opening.withLock {
            lock.withLock { open.removeAll { $0.slug == slug } }
        }
    }

    /// Closes every database cleanly (at shutdown, when no request is running).
    public func closeAll() {
        let all = lock.withLock { () -> [DatabasePool] in
            defer { open.removeAll() }
            return open.map(\.pool)
        }
        for pool in all { try? SealedDatabase.close(pool) }
    }

    /// Whether an orchestra's database opens, and what SQLite's quick check says of it (or why it could
    /// not run), for the superadmin's health view.
    public func quickCheck(_ slug: String) -> (opens: Bool, result: String) {
        let database: DatabasePool
        do { database = try self.database(slug) } catch { return (false, error.message) }
        do {
            return (true, try database.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "no answer" })
        } catch {
            return (true, "the database could not be read")
        }
    }
}
