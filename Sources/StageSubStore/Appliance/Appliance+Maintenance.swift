import Foundation
import GRDB
import GRDBSQLite

extension Appliance {
    /// The verdict on one database.
    public struct VerifyOutcome: Sendable {
        /// "registry" or an orchestra's slug.
        public let name: String
        public let report: SealedDatabase.VerificationReport?
        /// Why it could not be verified at all (missing, wrong key, not sealed).
        public let error: String?
        public var isIntact: Bool { report?.isIntact == true }
    }

    /// Authenticates every page and runs `integrity_check` on the registry and the given orchestras (all
    /// when `slugs` is empty). Meant for a quiet moment: a page being checkpointed by a running server at
    /// that very instant can read as torn.
    public func verify(_ slugs: [String] = []) throws(StoreError) -> [VerifyOutcome] {
        var outcomes: [VerifyOutcome] = []
        if slugs.isEmpty {
            outcomes.append(outcome("registry") { () throws(StoreError) in
                try SealedDatabase.verify(at: directory.registry.path, key: MasterKey.registryKey(masterKey))
            })
        }
        let targets = slugs.isEmpty ? try registry.orchestras().map(\.slug) : slugs
        for slug in targets {
            outcomes.append(outcome(slug) { () throws(StoreError) in
                _ = try orchestra(slug)
                return try SealedDatabase.verify(at: directory.orchestraDatabase(slug).path, key: dataKey(of: slug))
            })
        }
        return outcomes
    }

    private func outcome(_ name: String, _ body: () throws(StoreError) -> SealedDatabase.VerificationReport) -> VerifyOutcome {
        do { return VerifyOutcome(name: name, report: try body(), error: nil) } catch {
            return VerifyOutcome(name: name, report: nil, error: error.message)
        }
    }

    /// The result of a read-only query: column names and rows of printable values.
    public struct QueryResult: Sendable, Encodable {
        public let columns: [String]
        public let rows: [[String?]]
    }

    /// Runs one read-only SQL statement on an orchestra's database (or the registry when `slug` is nil).
    /// Statements that would write are refused before they run; the connection is read-only as well.
    public func query(_ sql: String, orchestra slug: String?) throws(StoreError) -> QueryResult {
        let path: String
        let key: DatabaseKey
        if let slug {
            _ = try orchestra(slug)
            path = directory.orchestraDatabase(slug).path
            key = try dataKey(of: slug)
        } else {
            path = directory.registry.path
            key = MasterKey.registryKey(masterKey)
        }
        try SealedDatabase.register(key: key, for: path)
        var config = SealedDatabase.configuration(options: SealedDatabase.Options())
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                // ATTACH counts as read-only to SQLite, and a URI could name the plain VFS: no attaching here.
                sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_ATTACHED, 0)
                let statement = try db.makeStatement(sql: sql)
                guard statement.isReadonly else {
                    throw StoreError(.invalidInput, "only statements that read are allowed here (SELECT, read-only PRAGMA, EXPLAIN)")
                }
                let columns = statement.columnNames
                let rows = try Row.fetchAll(statement).map { row in
                    Array(row.databaseValues).map { value -> String? in
                        switch value.storage {
                        case .null: return nil
                        case .int64(let v): return String(v)
                        case .double(let v): return String(v)
                        case .string(let v): return v
                        case .blob(let v): return "x'" + v.map { String(format: "%02x", $0) }.joined() + "'"
                        }
                    }
                }
                return QueryResult(columns: columns, rows: rows)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw StoreError(.invalidInput, "SQL error: \(error.message ?? "syntax")")
        } catch {
            throw SealedDatabase.translate(error, path: path)
        }
    }

    /// Pending migrations per orchestra.
    public func pendingMigrations() throws(StoreError) -> [(slug: String, pending: [String])] {
        try registry.orchestras().map { orchestra throws(StoreError) in
            let pool = try openOrchestraDatabase(orchestra.slug)
            defer { try? SealedDatabase.close(pool) }
            do { return (orchestra.slug, try OrchestraMigrations.pending(pool)) } catch {
                throw SealedDatabase.translate(error, path: pool.path)
            }
        }
    }

    /// Applies pending migrations to one orchestra, after an automatic backup. Returns the names applied.
    @discardableResult
    public func migrateOrchestra(_ slug: String) throws(StoreError) -> [String] {
        let pool = try openOrchestraDatabase(slug)
        let pending: [String]
        do { pending = try OrchestraMigrations.pending(pool) } catch {
            try? pool.close()
            throw SealedDatabase.translate(error, path: pool.path)
        }
        try SealedDatabase.close(pool)
        guard !pending.isEmpty else { return [] }
        let kept = directory.preMigrationBackupFolder(slug).appendingPathComponent("\(slug)-\(Self.fileStamp(now())).\(BackupFile.fileExtension)")
        _ = try backup(slug, to: kept, reason: "before migration")
        let again = try openOrchestraDatabase(slug)
        do {
            try OrchestraMigrations.migrate(again)
            try SealedDatabase.close(again)
        } catch {
            try? again.close()
            throw SealedDatabase.translate(error, path: again.path)
        }
        try registry.log("info", "migrate", "migrated \(slug): \(pending.joined(separator: ", "))", at: now())
        return pending
    }

    /// Re-encrypts an orchestra's database under a new random data key.
    ///
    /// 1. `SealedDatabase.rekey` copies it into a new file under the new key and verifies it.
    /// 2. Before that file replaces the database, `orchestra.key.next` wraps the new key, bound to the new
    ///    file's id.
    /// 3. After the swap, `orchestra.key.next` replaces `orchestra.key`.
    /// Killed between 2 and 3, the database opens with whichever key file matches its file id (see `dataKey`).
    public func rekeyOrchestra(_ slug: String) throws(StoreError) {
        _ = try orchestra(slug)
        let lock = try MaintenanceLock.acquire(directory, exclusive: true)
        defer { lock.release() }
        let oldKey = try dataKey(of: slug)
        let newKey = DatabaseKey.random()
        let next = URL(fileURLWithPath: directory.orchestraKey(slug).path + ".next")
        try SealedDatabase.rekey(at: directory.orchestraDatabase(slug).path, from: oldKey, to: newKey) { (fileId) throws(StoreError) in
            try OrchestraKeyFile.write(newKey, slug: slug, fileId: fileId, master: masterKey, to: next)
            try step("key staged")
        }
        try step("swapped")
        guard rename(next.path, directory.orchestraKey(slug).path) == 0 else {
            throw StoreError(.io, "cannot move the new key file into place")
        }
        try SealedDatabase.fsync(path: directory.orchestraFolder(slug).path)
        try registry.log("info", "rekey", "re-encrypted \(slug) with a new data key", at: now())
    }
}
