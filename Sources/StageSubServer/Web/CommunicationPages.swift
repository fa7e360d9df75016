import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore

/// The communication log (every message, filtered; one opens as the musician reads it, its links
/// clickable; a failed one can be retried) and the message template editor.
struct CommunicationPages {
    static let pageSize = 50

    /// Every variable a message template may use, with sample values for the preview.
    static let sampleValues: [String: String] = [
        "firstName": "Anna", "lastName": "Ek", "orchestraName": "Göteborgs Symfoniker", "projectName": "Mahler 5",
        "startDate": "2027-03-01", "weekNumber": "9", "instrumentName": "Altfiol", "positionName": "Tutti", "positionTitle": "Tutti, Altfiol", "quantity": "2",
        "rehearsalSchedule": "Mån 1/3 10–13 Stora salen", "concertInfo": "Tors 4/3 19.30", "responseTime": "fredag 26 februari 2027 kl. 12:00",
        "responseUrl": "https://stagesub.example/r/demo.abc123", "attachmentNote": "", "subject": "Information", "message": "Välkomna!",
        "pageUrl": "https://stagesub.example/m/demo.def456", "expiresAt": "måndag 1 mars 2027 kl. 12:00",
    ]

    var pages: [PageRoute] {
        let user = Access.orchestra(.user)
        return [
            PageRoute(.get, "/outbox", user) { page in try Self.list(page) },
            PageRoute(.get, "/outbox/{id}", user) { page in try Self.show(page) },
            PageRoute(.post, "/outbox/{id}/retry", user) { page in
                let id = try page.id()
                try page.gateway.retryMessage(id, now: page.now)
                return page.redirect("/outbox/\(id)", notice: .doneRetry)
            },
            PageRoute(.get, "/templates", user) { page in try Self.templates(page) },
            PageRoute(.get, "/templates/{type}/{language}", user) { page in try Self.template(page, errors: FieldErrors()) },
            PageRoute(.post, "/templates/{type}/{language}", user) { page in
                let type = try page.scope.string("type"), language = try page.scope.string("language")
                guard OrchestraGateway.templateTypes.contains(type), ["sv", "en"].contains(language) else { throw APIError(.notFound, page.words[.errorNotFound]) }
                var check = FormCheck(words: page.words)
                let body = check.required(page.form, "body")
                let subject = page.form.text("subject") ?? ""
                if !type.hasPrefix("sms_") && subject.isEmpty { check.add("subject", page.words[.errorRequired]) }
                guard check.errors.isEmpty, let body, page.form["preview"] != "1" else { return try Self.template(page, errors: check.errors) }
                try page.gateway.setMessageTemplate(type: type, language: language, subject: subject, body: body, now: page.now)
                return page.redirect("/templates", notice: .doneSaved)
            },
        ]
    }

    static func typeLabel(_ type: String, _ words: Words) -> String {
        let sms = type.hasPrefix("sms_")
        let base: Word
        switch sms ? String(type.dropFirst(4)) : type {
        case "request": base = .typeRequest
        case "reminder": base = .typeReminder
        case "confirmation": base = .typeConfirmation
        case "position_filled": base = .typePositionFilled
        case "request_withdrawn": base = .typeRequestWithdrawn
        case "booking_cancelled": base = .typeBookingCancelled
        case "group_email": base = .typeGroupEmail
        case "musician_link": base = .typeMusicianLink
        case "test_email": base = .typeTestEmail
        default: return type
        }
        return words[base] + (sms ? " (SMS)" : "")
    }

    static func statusLabel(_ status: MessageStatus, _ words: Words) -> (String, String) {
        switch status {
        case .queued: return (words[.messageQueued], "s-info")
        case .sent: return (words[.messageSent], "s-ok")
        case .failed: return (words[.messageFailed], "s-bad")
        }
    }

    static func list(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, words = page.words, zone = page.timeZone, language = page.language
        let type = page.query("type").flatMap { MessageType(rawValue: $0)?.rawValue }
        let status = page.query("status").flatMap { MessageStatus(rawValue: $0)?.rawValue }
        let project = page.query("project").flatMap { Int64($0) }
        let musician = page.query("musician").flatMap { Int64($0) }
        let offset = max(0, page.query("offset").flatMap { Int($0) } ?? 0)
        let found = try gateway.outbox(type: type, status: status, musician: musician, project: project, limit: pageSize, offset: offset)
        let projects = try gateway.projectNames()
        let view: [String: Any] = [
            "types": MessageType.allCases.map { ["value": $0.rawValue, "label": typeLabel($0.rawValue, words), "selected": $0.rawValue == type] as [String: Any] },
            "statuses": MessageStatus.allCases.map { ["value": $0.rawValue, "label": statusLabel($0, words).0, "selected": $0.rawValue == status] as [String: Any] },
            "projects": projects.map { ["value": String($0.id), "label": $0.name, "selected": $0.id == project] as [String: Any] },
            "musicianId": musician.map { $0 as Any } ?? false,
            "messages": found.items.map { message -> [String: Any] in
                let (label, css) = statusLabel(message.status, words)
                return ["id": message.id ?? 0, "created": Format.shortDateTime(message.createdAt, timeZone: zone, language: language),
                        "type": typeLabel(message.type.rawValue, words), "channel": message.channel == .sms ? "SMS" : words[.channelEmail],
                        "recipient": message.recipient, "subject": message.subject.isEmpty ? "(SMS)" : message.subject,
                        "status": label, "statusClass": css, "error": message.lastError ?? false as Any,
                        "deliveryState": message.deliveryState.map { words.deliveryState($0) as Any } ?? false]
            },
            "pager": Views.pager(total: found.total, limit: pageSize, offset: offset, page: page),
        ]
        return page.render("outbox", title: words[.navCommunication], section: .communication, view)
    }

    /// A message's text in pieces, its web links made clickable (answer links open the musician's page).
    static func segments(_ text: String) -> [[String: Any]] {
        var pieces: [[String: Any]] = []
        var plain = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { plain += "\n" }
            for (w, word) in line.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                if w > 0 { plain += " " }
                if word.hasPrefix("http://") || word.hasPrefix("https://") {
                    if !plain.isEmpty { pieces.append(["text": plain, "href": false]); plain = "" }
                    pieces.append(["text": String(word), "href": String(word)])
                } else {
                    plain += word
                }
            }
        }
        if !plain.isEmpty { pieces.append(["text": plain, "href": false]) }
        return pieces
    }

    static func show(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, words = page.words, zone = page.timeZone, language = page.language
        let message = try gateway.message(try page.id())
        let (label, css) = statusLabel(message.status, words)
        // The files the email carries, by name; one taken off the project since is named, not sent.
        let attachments = try gateway.attachments(message: message.id ?? 0).map { file -> [String: Any] in
            ["name": file.fileName, "href": file.fileId.map { "/files/\($0)" as Any } ?? false]
        }
        let view: [String: Any] = [
            "attachments": attachments, "hasAttachments": !attachments.isEmpty,
            "id": message.id ?? 0, "subject": message.subject.isEmpty ? "SMS" : message.subject, "recipient": message.recipient,
            "musicianId": message.musicianId.map { $0 as Any } ?? false, "projectId": message.projectId.map { $0 as Any } ?? false,
            "type": typeLabel(message.type.rawValue, words), "channel": message.channel == .sms ? "SMS" : words[.channelEmail],
            "status": label, "statusClass": css, "attempts": message.attempts > 0 ? message.attempts as Any : false,
            "error": message.lastError ?? false as Any, "failed": message.status == .failed,
            "deliveryState": message.deliveryState.map { words.deliveryState($0) as Any } ?? false,
            "deliveryDetail": message.deliveryDetail ?? false as Any,
            "created": Format.dateTime(message.createdAt, timeZone: zone, language: language),
            "sentAt": message.sentAt.map { Format.dateTime($0, timeZone: zone, language: language) as Any } ?? false,
            "segments": segments(message.body),
        ]
        return page.render("message", title: message.subject.isEmpty ? "SMS" : message.subject, section: .communication, view)
    }

    static func templates(_ page: WebPage) throws -> Response {
        let words = page.words
        let stored = Set(try page.gateway.messageTemplates().map { "\($0.type)/\($0.language)" })
        let rows = OrchestraGateway.templateTypes.map { type -> [String: Any] in
            ["label": typeLabel(type, words),
             "languages": ["sv", "en"].map { ["type": type, "language": $0, "exists": stored.contains("\(type)/\($0)")] as [String: Any] }]
        }
        return page.render("templates", title: words[.templates], section: .communication, ["rows": rows])
    }

    static func template(_ page: WebPage, errors: FieldErrors) throws -> Response {
        let words = page.words, form = page.form
        let type = try page.scope.string("type"), language = try page.scope.string("language")
        guard OrchestraGateway.templateTypes.contains(type), ["sv", "en"].contains(language) else { throw APIError(.notFound, words[.errorNotFound]) }
        let stored = try page.gateway.messageTemplates().first { $0.type == type && $0.language == language }
        let subject = form.keep("subject", else: stored?.subject), body = form.keep("body", else: stored?.body)
        var fields = [Field(name: "body", label: words[.templateBody], kind: .textarea, value: body, required: true, code: true)]
        if !type.hasPrefix("sms_") {
            fields.insert(Field(name: "subject", label: words[.subject], value: subject, required: true), at: 0)
        }
        let used = Set(Self.sampleValues.keys)
        let view: [String: Any] = [
            "type": type, "language": language,
            "heading": "\(typeLabel(type, words)) — \(language == "en" ? words[.languageEnglish] : words[.languageSwedish])",
            "fields": Field.views(fields, errors: errors),
            "formError": errors.isEmpty ? (stored == nil ? words[.templateMissingNote] : false) as Any : words[.formHasErrors],
            "variables": used.sorted().map { ["code": "{{\($0)}}"] },
            "previewSubject": MessageTemplate.render(subject, Self.sampleValues),
            "previewBody": MessageTemplate.render(body, Self.sampleValues),
        ]
        return page.render("template", title: words[.templates], section: .communication,
                           status: errors.isEmpty ? .ok : .unprocessableContent, view)
    }
}
