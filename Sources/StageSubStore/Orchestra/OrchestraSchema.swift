import GRDB

/// The orchestra's domain tables (migration 2). Ids users see come from AUTOINCREMENT keys: stable, never
/// reused. Dates of projects are `YYYY-MM-DD` text (days in the orchestra's calendar); moments are UTC.
enum OrchestraSchema {
    static func createDomain(_ db: Database) throws {
        try db.create(table: "musician") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("firstName", .text).notNull()
            t.column("lastName", .text).notNull()
            t.column("email", .text).notNull().unique().collate(.nocase)
            t.column("phone", .text).unique()
            t.column("preferredLanguage", .text).notNull().defaults(to: "sv").check { ["sv", "en"].contains($0) }
            t.column("localResidence", .boolean).notNull().defaults(to: false)
            t.column("notes", .text)
            t.column("isActive", .boolean).notNull().defaults(to: true)
            t.column("isArchived", .boolean).notNull().defaults(to: false)
            t.column("archivedAt", .datetime)
            t.column("restoredAt", .datetime)
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
        }
        try db.create(table: "instrument") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
            t.column("nameEn", .text).notNull()
            t.column("displayOrder", .integer).notNull()
            t.column("isArchived", .boolean).notNull().defaults(to: false)
        }
        try db.create(table: "position") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("instrument", onDelete: .restrict).notNull()
            t.column("name", .text).notNull()
            t.column("nameEn", .text).notNull()
            t.column("hierarchyLevel", .integer).notNull()
            t.column("isArchived", .boolean).notNull().defaults(to: false)
            t.uniqueKey(["instrumentId", "name"])
        }
        try db.create(table: "qualification") { t in
            t.belongsTo("musician", onDelete: .cascade).notNull()
            t.belongsTo("position", onDelete: .restrict).notNull()
            t.primaryKey(["musicianId", "positionId"])
        }
        try db.create(table: "rankingList") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("position", onDelete: .restrict).notNull()
            t.column("listType", .text).notNull().check { ["A", "B", "C"].contains($0) }
            t.column("description", .text)
            t.uniqueKey(["positionId", "listType"])
        }
        try db.create(table: "ranking") { t in
            t.belongsTo("list", inTable: "rankingList", onDelete: .cascade).notNull()
            t.belongsTo("musician", onDelete: .restrict).notNull()
            t.column("rank", .integer).notNull()
            t.primaryKey(["listId", "musicianId"])
        }
        try db.create(table: "project") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull()
            t.column("startDate", .text).notNull()
            t.column("endDate", .text)
            t.column("weekNumber", .integer).notNull()
            t.column("rehearsalSchedule", .text)
            t.column("concertInfo", .text)
            t.column("notes", .text)
            t.column("archivedAt", .datetime)
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
            t.check(sql: "endDate IS NULL OR endDate >= startDate")
        }
        try db.create(table: "customRankingList") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.belongsTo("position", onDelete: .restrict).notNull()
            t.column("name", .text).notNull()
        }
        try db.create(table: "customRanking") { t in
            t.belongsTo("list", inTable: "customRankingList", onDelete: .cascade).notNull()
            t.belongsTo("musician", onDelete: .restrict).notNull()
            t.column("rank", .integer).notNull()
            t.primaryKey(["listId", "musicianId"])
        }
        try db.create(table: "projectNeed") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .restrict).notNull()
            t.belongsTo("position", onDelete: .restrict).notNull()
            t.column("quantity", .integer).notNull().check { $0 >= 1 }
            t.belongsTo("rankingList", onDelete: .restrict)
            t.belongsTo("customRankingList", onDelete: .restrict)
            t.column("strategy", .text).notNull().check { ["sequential", "parallel", "first_come"].contains($0) }
            t.column("maxRecipients", .integer)
            t.column("responseTimeHours", .integer).notNull().defaults(to: 24).check { $0 >= 1 }
            t.column("requireLocalResidence", .boolean).notNull().defaults(to: false)
            t.column("status", .text).notNull().defaults(to: "active").check { ["active", "paused", "cancelled", "filled"].contains($0) }
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
            t.check(sql: "(rankingListId IS NULL) <> (customRankingListId IS NULL)")
            t.check(sql: "maxRecipients IS NULL OR (strategy = 'first_come' AND maxRecipients >= quantity)")
        }
        try db.create(table: "request") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("need", inTable: "projectNeed", onDelete: .restrict).notNull()
            t.belongsTo("musician", onDelete: .restrict).notNull()
            t.column("status", .text).notNull().check { ["pending", "accepted", "declined", "cancelled", "timed_out"].contains($0) }
            t.column("tokenHash", .text).notNull().unique()
            t.column("sentAt", .datetime).notNull()
            t.column("reminderDueAt", .datetime)
            t.column("reminderSentAt", .datetime)
            t.column("deadlineAt", .datetime).notNull()
            t.column("respondedAt", .datetime)
            t.column("conflictProjectId", .integer)
            t.column("withdrawnAt", .datetime)
        }
        try db.create(index: "request_by_need", on: "request", columns: ["needId", "status"])
        try db.create(index: "request_by_musician", on: "request", columns: ["musicianId", "status"])
        try db.create(index: "request_due", on: "request", columns: ["status", "deadlineAt"])
        try db.create(table: "emailTemplate") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("type", .text).notNull()
            t.column("language", .text).notNull()
            t.column("subject", .text).notNull()
            t.column("body", .text).notNull()
            t.column("updatedAt", .datetime).notNull()
            t.uniqueKey(["type", "language"])
        }
        try db.create(table: "communicationLog") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("requestId", .integer).references("request", onDelete: .setNull)
            t.column("musicianId", .integer).references("musician", onDelete: .setNull)
            t.column("projectId", .integer).references("project", onDelete: .setNull)
            t.column("type", .text).notNull()
            t.column("channel", .text).notNull().check { ["email", "sms"].contains($0) }
            t.column("recipient", .text).notNull()
            t.column("subject", .text).notNull()
            t.column("body", .text).notNull()
            t.column("status", .text).notNull().defaults(to: "queued").check { ["queued", "sent", "failed"].contains($0) }
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("nextAttemptAt", .datetime)
            t.column("sentAt", .datetime)
            t.column("lastError", .text)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(index: "outbox_due", on: "communicationLog", columns: ["status", "nextAttemptAt"])
        try db.create(table: "groupEmailLog") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("subject", .text).notNull()
            t.column("body", .text).notNull()
            t.column("filters", .text)
            t.column("recipientCount", .integer).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "fileStorage") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("projectId", .integer).references("project", onDelete: .cascade)
            t.column("needId", .integer).references("projectNeed", onDelete: .cascade)
            t.column("fileName", .text).notNull()
            t.column("mimeType", .text).notNull()
            t.column("sizeBytes", .integer).notNull().check { $0 <= 10 * 1024 * 1024 }
            t.column("data", .blob).notNull()
            t.column("sendWith", .text).notNull().check { ["request", "confirmation"].contains($0) }
            t.column("createdAt", .datetime).notNull()
        }
    }
}
