import Foundation
import GRDB

extension OrchestraSchema {
    /// Migration 8: blackout dates, the escalating strategy, musicians' own links, erasure, a project's
    /// location, the system as an actor in the audit log, and the "your link" message. Everything it
    /// seeds is written here, so the migration stays the same whatever later builds ship.
    static func migrateToV8(_ db: Database) throws {
        try db.create(table: "musicianBlackout") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("musician", onDelete: .cascade).notNull()
            t.column("startDate", .text).notNull()
            t.column("endDate", .text).notNull()
            t.column("note", .text)
            t.column("createdAt", .datetime).notNull()
            t.check(sql: "endDate >= startDate")
        }
        try db.create(table: "musicianLink") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("musician", onDelete: .cascade).notNull()
            t.column("purpose", .text).notNull().check { ["page", "calendar"].contains($0) }
            // SHA-256 of the token; the token itself is only in the musician's message or page.
            t.column("tokenHash", .text).notNull().unique()
            t.column("createdAt", .datetime).notNull()
            t.column("expiresAt", .datetime)
            t.column("revokedAt", .datetime)
        }
        try db.alter(table: "musician") { t in t.add(column: "erasedAt", .datetime) }
        try db.alter(table: "project") { t in t.add(column: "location", .text) }
        try rebuild(table: "projectNeed", in: db, create: """
            CREATE TABLE projectNeed_v8 (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              projectId INTEGER NOT NULL REFERENCES project(id) ON DELETE RESTRICT,
              positionId INTEGER NOT NULL REFERENCES position(id) ON DELETE RESTRICT,
              quantity INTEGER NOT NULL CHECK (quantity >= 1),
              rankingListId INTEGER REFERENCES rankingList(id) ON DELETE RESTRICT,
              customRankingListId INTEGER REFERENCES customRankingList(id) ON DELETE RESTRICT,
              strategy TEXT NOT NULL CHECK (strategy IN ('sequential', 'parallel', 'first_come', 'escalating')),
              maxRecipients INTEGER,
              responseTimeHours INTEGER NOT NULL DEFAULT 24 CHECK (responseTimeHours >= 1),
              requireLocalResidence BOOLEAN NOT NULL DEFAULT 0,
              status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'cancelled', 'filled')),
              createdAt DATETIME NOT NULL,
              updatedAt DATETIME NOT NULL,
              sendingStartedAt DATETIME,
              escalationStep INTEGER NOT NULL DEFAULT 0,
              CHECK ((rankingListId IS NULL) <> (customRankingListId IS NULL)),
              CHECK (maxRecipients IS NULL OR (strategy = 'first_come' AND maxRecipients >= quantity))
            )
            """, columns: "id, projectId, positionId, quantity, rankingListId, customRankingListId, strategy, maxRecipients, "
                + "responseTimeHours, requireLocalResidence, status, createdAt, updatedAt, sendingStartedAt")
        try rebuild(table: "auditLog", in: db, create: """
            CREATE TABLE auditLog_v8 (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              at DATETIME NOT NULL,
              actorKind TEXT NOT NULL CHECK (actorKind IN ('user', 'api_key', 'superadmin', 'system')),
              actorId INTEGER,
              actorName TEXT NOT NULL,
              action TEXT NOT NULL,
              target TEXT NOT NULL,
              clientAddress TEXT,
              status INTEGER NOT NULL
            )
            """, columns: "id, at, actorKind, actorId, actorName, action, target, clientAddress, status")
        let now = Date()
        for (language, subject, body) in v8LinkTemplates {
            try db.execute(sql: "INSERT OR IGNORE INTO emailTemplate(type, language, subject, body, updatedAt) VALUES ('musician_link', ?, ?, ?, ?)",
                           arguments: [language, subject, body, now])
        }
        try db.execute(sql: "INSERT OR IGNORE INTO setting(key, value) VALUES ('retentionYears', '0')")
    }

    /// SQLite's documented way to change a table's constraints: a new table, the rows copied with their
    /// ids, the old one dropped, the new one renamed, its indexes made again (the migrator runs with
    /// foreign keys off and checks them afterwards).
    private static func rebuild(table: String, in db: Database, create: String, columns: String) throws {
        let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                                          arguments: [table])
        try db.execute(sql: create)
        try db.execute(sql: "INSERT INTO \(table)_v8 (\(columns)) SELECT \(columns) FROM \(table) ORDER BY id")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(table)_v8 RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
    }

    /// The "your link" message as shipped with migration 8.
    static let v8LinkTemplates: [(String, String, String)] = [
        ("sv", "Din sida hos {{orchestraName}}",
         "Hej {{firstName}}!\n\nHär är länken till din sida hos {{orchestraName}}: dina förfrågningar, bokningar och datum då du inte kan spela.\n\n{{pageUrl}}\n\nLänken gäller till {{expiresAt}}. Dela den inte: den som har länken ser din sida.\nHar du inte bett om länken kan du bortse från det här mejlet.\n\nVänliga hälsningar\n{{orchestraName}}"),
        ("en", "Your page at {{orchestraName}}",
         "Hello {{firstName}},\n\nHere is the link to your page at {{orchestraName}}: your requests, bookings and the dates you cannot play.\n\n{{pageUrl}}\n\nThe link works until {{expiresAt}}. Do not share it: whoever has it sees your page.\nIf you did not ask for it, you can ignore this email.\n\nKind regards\n{{orchestraName}}"),
    ]
}
