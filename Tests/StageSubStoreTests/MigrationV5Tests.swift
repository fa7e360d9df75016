import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

@Suite("Migration 5 on an orchestra made before it")
struct MigrationV5Tests {
    @Test("existing positions get A/B/C lists, withdrawals and direct bookings become their own, ids and other rows stay")
    func upgradesAnOrchestraOfVersion4() throws {
        let folder = try TemporaryDirectory()
        let pool = try SealedDatabase.create(at: folder.path("orchestra.db"), key: DatabaseKey.random())
        defer { try? SealedDatabase.close(pool) }
        try OrchestraMigrations.migrator.migrate(pool, upTo: "v4: a reminder carries its own answer link")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        // An orchestra as version 4 left it: one list made on first use, a withdrawal stored as a decline,
        // a direct booking stored as a request answered the moment it was sent.
        try pool.write { db in
            let position = try Int64.fetchOne(db, sql: "SELECT min(id) FROM position")!
            try db.execute(sql: "INSERT INTO rankingList(positionId, listType) VALUES (?, 'A')", arguments: [position])
            try db.execute(sql: "INSERT INTO musician(firstName, lastName, email, createdAt, updatedAt) VALUES ('Anna', 'Ek', 'a@x.se', ?, ?)", arguments: [start, start])
            try db.execute(sql: "INSERT INTO project(name, startDate, weekNumber, createdAt, updatedAt) VALUES ('P', '2027-01-04', 1, ?, ?)", arguments: [start, start])
            try db.execute(sql: """
                INSERT INTO projectNeed(projectId, positionId, quantity, rankingListId, strategy, status, createdAt, updatedAt)
                VALUES (1, ?, 2, 1, 'parallel', 'active', ?, ?)
                """, arguments: [position, start, start])
            let later = start.addingTimeInterval(3600)
            try db.execute(sql: """
                INSERT INTO request(id, needId, musicianId, status, tokenHash, sentAt, reminderDueAt, deadlineAt, respondedAt, withdrawnAt)
                VALUES (7, 1, 1, 'declined', 'h1', ?, ?, ?, ?, ?)
                """, arguments: [start, later, later.addingTimeInterval(3600), later, later.addingTimeInterval(60)])
            try db.execute(sql: """
                INSERT INTO request(id, needId, musicianId, status, tokenHash, sentAt, deadlineAt, respondedAt)
                VALUES (9, 1, 1, 'accepted', 'h2', ?, ?, ?)
                """, arguments: [later, later, later])
            try db.execute(sql: "INSERT INTO communicationLog(requestId, type, channel, recipient, subject, body, createdAt) VALUES (9, 'confirmation', 'email', 'a@x.se', 's', 'b', ?)", arguments: [start])
        }
        try OrchestraMigrations.migrate(pool)
        try pool.read { db in
            let incomplete = try Int.fetchOne(db, sql: "SELECT count(*) FROM position p WHERE (SELECT count(*) FROM rankingList l WHERE l.positionId = p.id) <> 3")
            #expect(incomplete == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT id FROM rankingList WHERE listType = 'A' ORDER BY id LIMIT 1") == 1)  // the old list kept its id
            let rows = try Row.fetchAll(db, sql: "SELECT id, status, bookedDirectly FROM request ORDER BY id")
            #expect(rows.map { $0["id"] as Int64 } == [7, 9])
            #expect(rows.map { $0["status"] as String } == ["withdrawn", "accepted"])
            #expect(rows.map { $0["bookedDirectly"] as Bool } == [false, true])
            #expect(try Int64.fetchOne(db, sql: "SELECT requestId FROM communicationLog") == 9)
            #expect(try Date.fetchOne(db, sql: "SELECT sendingStartedAt FROM projectNeed") == start)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM emailTemplate WHERE type IN ('request_withdrawn', 'booking_cancelled')") == 4)
            #expect(try db.foreignKeyViolations().contains { _ in true } == false)
            // The new status is allowed, an unknown one still is not.
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE request SET status = 'lost' WHERE id = 7") }
        }
    }
}
