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
    func queueSMS(_ type: MessageType, request: SubstituteRequest, musician: Musician, project: Int64?, values: [String: String],
                  settings: OrchestraSettings, now: Date, in db: Database) throws {
        let wanted = switch type {
        case .request: settings.smsOnRequest
        case .reminder: settings.smsOnReminder
        default: false
        }
        guard wanted, let templateName = type.smsTemplate,
              let phone = musician.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty else { return }
        let template = try template(templateName, language: musician.preferredLanguage, in: db)
        let sendAt = settings.quietHours?.firstMomentOutside(now) ?? now
        let body = MessageTemplate.render(template.body, values)
        // A text the network splits costs per part: the outbox says so before it goes.
        let length = SMSLength(body)
        var message = OutboxMessage(
            requestId: request.id, musicianId: musician.id, projectId: project, type: type,
            channel: .sms, recipient: phone, subject: "", body: body, status: .queued,
            attempts: 0, nextAttemptAt: sendAt, sentAt: nil, lastError: nil, createdAt: now,
            deliveryDetail: length.parts > 1 ? "goes as \(length.summary)" : nil)
        try message.insert(db)
    }

    /// Renders a message from the template in the musician's language (Swedish when missing) and puts it
    /// in the outbox, in the caller's transaction.
    func queueMessage(_ type: MessageType, request: SubstituteRequest, token: String?, now: Date, in db: Database) throws {
        guard let musician = try Musician.fetchOne(db, key: request.musicianId),
              let need = try ProjectNeed.fetchOne(db, key: request.needId),
              let project = try Project.fetchOne(db, key: need.projectId),
              let position = try Row.fetchOne(db, sql: """
                  SELECT p.name, p.nameEn, i.name AS instrument, i.nameEn AS instrumentEn FROM position p
                  JOIN instrument i ON i.id = p.instrumentId WHERE p.id = ?
                  """, arguments: [need.positionId]) else { return }
        let english = musician.preferredLanguage == "en"
        let template = try template(type.rawValue, language: musician.preferredLanguage, in: db)
        let sheet = type == .confirmation ? "confirmation" : "request"
        let files = try StoredFile.fetchAll(db, sql: """
            SELECT \(StoredFile.columns) FROM fileStorage WHERE sendWith = ? AND (needId = ? OR (needId IS NULL AND projectId = ?)) ORDER BY id
            """, arguments: [sheet, need.id, project.id])
        let settings = try settings(in: db)  // once per message: the email and its SMS twin share it
        let deadline = Self.formatMoment(request.deadlineAt, timeZone: settings.timeZone)
        let empty = type == .confirmation ? (english ? "Information will follow" : "Information kommer senare")
                                           : (english ? "See the attached information" : "Se bifogad information")
        let values: [String: String] = [
            "firstName": musician.firstName, "lastName": musician.lastName, "projectName": project.name,
            "positionName": english ? position["nameEn"] : position["name"],
            "instrumentName": english ? position["instrumentEn"] : position["instrument"],
            "positionTitle": Self.positionTitle(english ? position["nameEn"] : position["name"], english ? position["instrumentEn"] : position["instrument"]),
            "startDate": project.startDate, "weekNumber": String(project.weekNumber),
            "rehearsalSchedule": project.rehearsalSchedule.flatMap { $0.isEmpty ? nil : $0 } ?? empty,
            "concertInfo": project.concertInfo.flatMap { $0.isEmpty ? nil : $0 } ?? empty,
            "responseUrl": token.map { "\(answerBaseURL)/r/\($0)" } ?? "",
            "responseTime": deadline, "quantity": String(need.quantity), "orchestraName": orchestraName,
            "attachmentNote": files.isEmpty ? "" : (english ? "\nAttached: " : "\nBifogat: ") + files.map(\.fileName).joined(separator: ", ") + "\n",
        ]
        var message = OutboxMessage(
            requestId: request.id, musicianId: musician.id, projectId: project.id, type: type, channel: .email,
            recipient: musician.email, subject: MessageTemplate.render(template.subject, values),
            body: MessageTemplate.render(template.body, values), status: .queued, attempts: 0, nextAttemptAt: now,
            sentAt: nil, lastError: nil, createdAt: now)
        try message.insert(db)
        if type == .request || type == .confirmation { try attach(files, to: message.id!, in: db) }
        try queueSMS(type, request: request, musician: musician, project: project.id, values: values, settings: settings, now: now, in: db)
    }

    /// `yyyy-MM-dd HH:mm` in the orchestra's time zone. Formatters are costly to make: one per zone, used
    /// under a lock.
    /// "Tutti, Altfiol": the position with its instrument, once where they share a name ("Harpa").
    static func positionTitle(_ position: String, _ instrument: String) -> String {
        position == instrument ? position : "\(position), \(instrument)"
    }

    static func formatMoment(_ date: Date, timeZone: String) -> String {
        MomentFormatters.shared.format(date, timeZone: timeZone)
    }
}

final class MomentFormatters: @unchecked Sendable {
    static let shared = MomentFormatters()
    private let lock = NSLock()
    private var formatters: [String: DateFormatter] = [:]

    func format(_ date: Date, timeZone: String) -> String {
        lock.withLock {
            if let formatter = formatters[timeZone] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "sv_SE")
            formatter.timeZone = TimeZone(identifier: timeZone) ?? OrchestraSettings().zone
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            formatters[timeZone] = formatter
            return formatter.string(from: date)
        }
    }
}

/// `{{name}}` placeholders filled from a dictionary; unknown names render empty.
public enum MessageTemplate {
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
