import Foundation
import GRDB

/// Migration 5: every position has its A, B and C lists; withdrawals and direct bookings are their own; a
/// need remembers when it was first sent;
/// the orchestra can tell musicians it withdrew a request or cancelled a booking. The data it seeds is
/// written here, as it was at this version, so later edits of the seed files never change it.
extension OrchestraSchema {
    static func migrateToV5(_ db: Database) throws {
        try rebuildRequestTable(db)
        // When a person first sent the need: from then on the engine keeps it asking by itself.
        try db.alter(table: "projectNeed") { t in t.add(column: "sendingStartedAt", .datetime) }
        try db.execute(sql: "UPDATE projectNeed SET sendingStartedAt = (SELECT min(sentAt) FROM request r WHERE r.needId = projectNeed.id)")
        try createMissingRankingLists(db)
        let now = Date()
        for template in v5Templates {
            try db.execute(sql: "INSERT OR IGNORE INTO emailTemplate(type, language, subject, body, updatedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [template.type, template.language, template.subject, template.body, now])
        }
        try db.execute(sql: "INSERT OR IGNORE INTO setting(key, value) VALUES ('defaultLanguage', 'sv')")
    }

    /// The A, B and C lists of every position that lacks one (also the way a new position gets them).
    static func createMissingRankingLists(_ db: Database, position: Int64? = nil) throws {
        try db.execute(sql: """
            INSERT INTO rankingList(positionId, listType)
            SELECT p.id, t.listType FROM position p, (SELECT 'A' AS listType UNION ALL SELECT 'B' UNION ALL SELECT 'C') t
            WHERE (?1 IS NULL OR p.id = ?1)
              AND NOT EXISTS (SELECT 1 FROM rankingList l WHERE l.positionId = p.id AND l.listType = t.listType)
            ORDER BY p.id, t.listType
            """, arguments: [position])
    }

    /// SQLite cannot change a CHECK constraint in place: the request table is made anew with the status
    /// `withdrawn` and the column `bookedDirectly`, rows copied with their ids (SQLite's documented
    /// twelve-step way; the migrator runs with foreign keys off and checks them afterwards). A withdrawal
    /// was stored as a decline with `withdrawnAt`; a direct booking as a request answered the moment it was
    /// sent (every real request has a response time of at least an hour).
    private static func rebuildRequestTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE request_v5 (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              needId INTEGER NOT NULL REFERENCES projectNeed(id) ON DELETE RESTRICT,
              musicianId INTEGER NOT NULL REFERENCES musician(id) ON DELETE RESTRICT,
              status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'timed_out', 'withdrawn')),
              tokenHash TEXT NOT NULL UNIQUE,
              sentAt DATETIME NOT NULL,
              reminderDueAt DATETIME,
              reminderSentAt DATETIME,
              deadlineAt DATETIME NOT NULL,
              respondedAt DATETIME,
              conflictProjectId INTEGER,
              withdrawnAt DATETIME,
              reminderTokenHash TEXT,
              bookedDirectly BOOLEAN NOT NULL DEFAULT 0
            );
            INSERT INTO request_v5
              SELECT id, needId, musicianId,
                     CASE WHEN status = 'declined' AND withdrawnAt IS NOT NULL THEN 'withdrawn' ELSE status END,
                     tokenHash, sentAt, reminderDueAt, reminderSentAt, deadlineAt, respondedAt, conflictProjectId, withdrawnAt,
                     reminderTokenHash, (sentAt = deadlineAt AND reminderDueAt IS NULL)
              FROM request ORDER BY id;
            DROP TABLE request;
            ALTER TABLE request_v5 RENAME TO request;
            CREATE INDEX request_by_need ON request(needId, status);
            CREATE INDEX request_by_musician ON request(musicianId, status);
            CREATE INDEX request_due ON request(status, deadlineAt);
            CREATE UNIQUE INDEX request_reminderTokenHash ON request(reminderTokenHash);
            """)
    }

    private static let v5Templates: [(type: String, language: String, subject: String, body: String)] = [
        ("request_withdrawn", "sv", "Förfrågan återkallad: {{projectName}}",
         "Hej {{firstName}}!\n\nVi har återkallat vår förfrågan om {{positionName}} i {{projectName}} (vecka {{weekNumber}}). "
            + "Du behöver inte svara, och länken i förfrågan gäller inte längre.\n\nVänliga hälsningar\n{{orchestraName}}"),
        ("request_withdrawn", "en", "Request withdrawn: {{projectName}}",
         "Hello {{firstName}},\n\nWe have withdrawn our request for {{positionName}} in {{projectName}} (week {{weekNumber}}). "
            + "There is no need to answer, and the link in the request no longer works.\n\nKind regards\n{{orchestraName}}"),
        ("booking_cancelled", "sv", "Avbokning: {{positionName}} i {{projectName}}",
         "Hej {{firstName}}!\n\nTyvärr måste vi avboka dig som {{positionName}} i {{projectName}} med start {{startDate}} "
            + "(vecka {{weekNumber}}): behovet har ställts in. Du är inte längre bokad för dessa datum.\n\nVi ber om ursäkt.\n\n"
            + "Vänliga hälsningar\n{{orchestraName}}"),
        ("booking_cancelled", "en", "Booking cancelled: {{positionName}} in {{projectName}}",
         "Hello {{firstName}},\n\nWe are sorry to cancel your booking as {{positionName}} in {{projectName}}, starting {{startDate}} "
            + "(week {{weekNumber}}): the need has been called off. You are no longer booked for these dates.\n\n"
            + "Kind regards\n{{orchestraName}}"),
    ]
}
