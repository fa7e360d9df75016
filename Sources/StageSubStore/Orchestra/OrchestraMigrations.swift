import GRDB

/// The orchestra database's schema, one append-only list. The domain's tables arrive with the engine
/// issue as further migrations; never edit a shipped one.
public enum OrchestraMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: profile, settings, system log") { db in
            // A copy of the orchestra's registry profile, so its folder alone can be adopted elsewhere.
            try db.create(table: "orchestraProfile") { t in
                t.primaryKey("slug", .text)
                t.column("name", .text).notNull()
                t.column("contactName", .text).notNull()
                t.column("contactEmail", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "systemLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("timestamp", .datetime).notNull()
                t.column("level", .text).notNull()
                t.column("category", .text).notNull()
                t.column("message", .text).notNull()
                t.column("userId", .integer)
            }
        }
        migrator.registerMigration("v2: musicians, instruments, lists, projects, needs, requests, messages, files") { db in
            try OrchestraSchema.createDomain(db)
            try OrchestraSeeds.apply(db)
        }
        migrator.registerMigration("v3: message attachments, SMS templates and settings") { db in
            try OrchestraSchema.createMessageAttachments(db)
            try OrchestraSeeds.applySMS(db)
        }
        migrator.registerMigration("v4: a reminder carries its own answer link") { db in
            // Only the hash of the reminder's token, like the request's; either link answers the request.
            try db.alter(table: "request") { t in t.add(column: "reminderTokenHash", .text) }
            try db.create(index: "request_reminderTokenHash", on: "request", columns: ["reminderTokenHash"], unique: true)
        }
        migrator.registerMigration("v5: A/B/C lists for every position, withdrawals and direct bookings, cancellation messages") { db in
            try OrchestraSchema.migrateToV5(db)
        }
        migrator.registerMigration("v6: audit log") { db in
            try OrchestraSchema.createAuditLog(db)
        }
        migrator.registerMigration("v7: delivery transports, delivery status, outgoing webhooks") { db in
            try OrchestraSchema.createDelivery(db)
        }
        migrator.registerMigration("v8: blackout dates, escalation, musician links, erasure") { db in
            try OrchestraSchema.migrateToV8(db)
        }
        migrator.registerMigration("v9: the roster in name order from an index") { db in
            // The roster's default order, with what its search compares: the musicians page walks it and stops at
            // its 50 rows, a search that matches many is read in order instead of sorting every match, and one
            // that matches few is filtered inside the index (docs/benchmarks.md, 4 December).
            try db.execute(sql: """
                CREATE INDEX musician_by_name ON musician(lastName COLLATE NOCASE, firstName COLLATE NOCASE, id, isArchived, email, phone)
                """)
        }
        return migrator
    }

    /// The schema version this binary writes: the number of migrations it knows.
    public static var currentVersion: Int { migrator.migrations.count }

    /// Applies what is pending and records the version in `PRAGMA user_version` (readable without the list).
    static func migrate(_ writer: some DatabaseWriter) throws {
        try migrator.migrate(writer)
        let version = currentVersion
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = \(version)") }
    }

    /// Names of the migrations not yet applied to `reader`.
    static func pending(_ reader: some DatabaseReader) throws -> [String] {
        let applied = try reader.read { db in try migrator.appliedIdentifiers(db) }
        return migrator.migrations.filter { !applied.contains($0) }
    }
}
