import Foundation
import GRDB
import StageSubCore

/// The parts of a message that follow a request: its attachments and its SMS twin.
extension OrchestraGateway {
    /// The files an outbox message carries, by name; `file` is nil when the file was deleted since.
    public struct MessageAttachment: Sendable, Equatable {
        public var fileId: Int64?
        public var fileName: String
    }

    /// What an outbox message carries, in order, for the transport to attach (fetch the bytes with `file(_:)`).
    public func attachments(message id: Int64) throws(StoreError) -> [MessageAttachment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT fileId, fileName FROM communicationAttachment WHERE messageId = ? ORDER BY rowid", arguments: [id])
                .map { MessageAttachment(fileId: $0["fileId"], fileName: $0["fileName"]) }
        }
    }

    /// The template of a type in a language, Swedish when that language has none.
    func template(_ type: String, language: String, in db: Database) throws -> (subject: String, body: String) {
        let row = try Row.fetchOne(db, sql: "SELECT subject, body FROM emailTemplate WHERE type = ? AND language = ?", arguments: [type, language])
            ?? Row.fetchOne(db, sql: "SELECT subject, body FROM emailTemplate WHERE type = ? AND language = 'sv'", arguments: [type])
        guard let row else { throw StoreError(.notFound, "there is no \(type) template; add one in the message templates") }
        return (row["subject"], row["body"])
    }

    func attach(_ files: [StoredFile], to message: Int64, in db: Database) throws {
        for file in files {
            try db.execute(sql: "INSERT INTO communicationAttachment(messageId, fileId, fileName) VALUES (?, ?, ?)",
                           arguments: [message, file.id, file.fileName])
        }
    }

    /// Queues the SMS twin of a request or reminder when the orchestra sends those by SMS (settings
    /// `smsOnRequest`, `smsOnReminder`) and the musician has a phone number. Inside quiet hours it waits
    /// in the outbox until the window ends; the email does not wait.
    func queueSMS(_ type: String, request: SubstituteRequest, musician: Musician, project: Int64?, values: [String: String],
                  now: Date, in db: Database) throws {
        let setting: String
        switch type {
        case "request": setting = "smsOnRequest"
        case "reminder": setting = "smsOnReminder"
        default: return
        }
        guard try self.setting(setting, in: db) == "true",
              let phone = musician.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty else { return }
        let template = try template("sms_\(type)", language: musician.preferredLanguage, in: db)
        let sendAt = try quietHours(in: db)?.firstMomentOutside(now) ?? now
        var message = OutboxMessage(
            requestId: request.id, musicianId: musician.id, projectId: project, type: type,
            channel: "sms", recipient: phone, subject: "", body: MessageTemplate.render(template.body, values), status: "queued",
            attempts: 0, nextAttemptAt: sendAt, sentAt: nil, lastError: nil, createdAt: now)
        try message.insert(db)
    }
}
