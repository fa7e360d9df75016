import GRDB

/// The registry's schema, one append-only list. Never edit a shipped migration: add the next one.
enum RegistryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: orchestras, users, sessions, system log") { db in
            try db.create(table: "orchestra") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("slug", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("status", .text).notNull().check { ["pending", "active", "suspended"].contains($0) }
                t.column("plan", .text).notNull()
                t.column("maxMusicians", .integer).notNull()
                t.column("maxProjects", .integer).notNull()
                t.column("contactName", .text).notNull()
                t.column("contactEmail", .text).notNull()
                t.column("emailTransport", .text).notNull()
                t.column("emailFromAddress", .text)
                t.column("emailFromName", .text)
                t.column("emailReplyTo", .text)
                t.column("smtpHost", .text)
                t.column("smtpPort", .integer)
                t.column("smtpUsername", .text)
                t.column("smtpPasswordSealed", .blob)
                t.column("resendApiKeySealed", .blob)
                t.column("twilioAccountSid", .text)
                t.column("twilioAuthTokenSealed", .blob)
                t.column("twilioFromNumber", .text)
                t.column("smsOnRequest", .boolean).notNull()
                t.column("smsOnReminder", .boolean).notNull()
                t.column("smsOnConfirmation", .boolean).notNull()
                t.column("smsOnPositionFilled", .boolean).notNull()
                t.column("smsOnGroupEmail", .boolean).notNull()
                t.column("features", .text).notNull()
                t.column("primaryColor", .text).notNull()
                t.column("secondaryColor", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "apiKey") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("orchestra", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("keyHash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("email", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("role", .text).notNull().check { ["superadmin", "admin", "user"].contains($0) }
                t.belongsTo("orchestra", onDelete: .cascade)
                t.column("passwordHash", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("preferredLanguage", .text).notNull()
                t.column("lastLogin", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.check(sql: "(role = 'superadmin') = (orchestraId IS NULL)")
            }
            try db.create(table: "session") { t in
                t.primaryKey("tokenHash", .text)
                t.belongsTo("user", onDelete: .cascade).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("lastSeenAt", .datetime).notNull()
                t.column("clientAddress", .text)
                t.column("userAgent", .text)
            }
            try db.create(table: "systemLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("timestamp", .datetime).notNull().indexed()
                t.column("level", .text).notNull()
                t.column("category", .text).notNull()
                t.column("message", .text).notNull()
                t.column("metadata", .text)
                t.column("userId", .integer)
                t.column("orchestraId", .integer)
                t.column("requestId", .text)
            }
            try db.create(table: "backup") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("slug", .text).notNull().indexed()
                t.column("path", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("sizeBytes", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("reason", .text).notNull()
            }
        }
        migrator.registerMigration("v2: superadmin acting in an orchestra; API key labels") { db in
            try db.alter(table: "session") { t in
                t.add(column: "actingOrchestraId", .integer).references("orchestra", onDelete: .setNull)
            }
            try db.alter(table: "apiKey") { t in
                // The first characters of the key, so a person can tell keys apart; never enough to use one.
                t.add(column: "hint", .text).notNull().defaults(to: "")
                t.add(column: "lastUsedAt", .datetime)
            }
        }
        return migrator
    }
}
