import Foundation
import GRDB

/// A group email as the project's log keeps it.
public struct GroupEmail: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var projectId: Int64
    public var subject: String
    /// The message as the personnel manager wrote it (each musician's copy adds greeting and signature).
    public var body: String
    /// JSON of the choice of recipients, e.g. `{"needId":12}`; nil for everyone accepted in the project.
    public var filters: String?
    public var recipientCount: Int
    public var createdAt: Date
}

extension OrchestraGateway {
    /// Emails every musician who has accepted in a project (or in one of its needs), each in their own
    /// language from the group email template, through the outbox; the send is logged in one transaction.
    /// Needs that were cancelled are left out. Nobody to write to is refused, so nothing is logged in vain.
    public func sendGroupEmail(project: Int64, need: Int64? = nil, subject: String, message: String,
                               now: Date) throws(StoreError) -> GroupEmail {
        let subject = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        let message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !subject.isEmpty else { throw StoreError(.invalidInput, .subjectMissing) }
        guard !message.isEmpty else { throw StoreError(.invalidInput, .messageMissing) }
        return try write { db in
            guard let owner = try Project.fetchOne(db, key: project) else { throw StoreError(.notFound, "no project \(project)") }
            if let need, try ProjectNeed.fetchOne(db, key: need)?.projectId != project {
                throw StoreError(.notFound, "no need \(need) in \(owner.name)")
            }
            let recipients = try Row.fetchAll(db, sql: """
                SELECT r.id AS requestId, r.musicianId FROM request r JOIN projectNeed n ON n.id = r.needId
                WHERE n.projectId = ? AND (? IS NULL OR n.id = ?) AND n.status <> 'cancelled' AND r.status = 'accepted'
                ORDER BY r.id
                """, arguments: [project, need, need])
            guard !recipients.isEmpty else {
                throw StoreError(.conflict, .nobodyBooked(project: owner.name, forNeed: need != nil))
            }
            for recipient in recipients {
                guard let musician = try Musician.fetchOne(db, key: recipient["musicianId"] as Int64) else { continue }
                let template = try template("group_email", language: musician.preferredLanguage, in: db)
                let values = ["firstName": musician.firstName, "lastName": musician.lastName, "subject": subject, "message": message,
                              "projectName": owner.name, "startDate": owner.startDate, "weekNumber": String(owner.weekNumber),
                              "orchestraName": orchestraName]
                var email = OutboxMessage(
                    requestId: recipient["requestId"], musicianId: musician.id, projectId: project, type: .groupEmail, channel: .email,
                    recipient: musician.email, subject: MessageTemplate.render(template.subject, values),
                    body: MessageTemplate.render(template.body, values), status: .queued, attempts: 0, nextAttemptAt: now,
                    sentAt: nil, lastError: nil, createdAt: now)
                try email.insert(db)
            }
            try db.execute(sql: """
                INSERT INTO groupEmailLog(projectId, subject, body, filters, recipientCount, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [project, subject, message, need.map { "{\"needId\":\($0)}" }, recipients.count, now])
            return GroupEmail(id: db.lastInsertedRowID, projectId: project, subject: subject, body: message,
                              filters: need.map { "{\"needId\":\($0)}" }, recipientCount: recipients.count, createdAt: now)
        }
    }

    /// A project's group emails, newest first.
    public func groupEmails(project: Int64) throws(StoreError) -> [GroupEmail] {
        try read { db in
            try GroupEmail.fetchAll(db, sql: "SELECT * FROM groupEmailLog WHERE projectId = ? ORDER BY id DESC", arguments: [project])
        }
    }
}
