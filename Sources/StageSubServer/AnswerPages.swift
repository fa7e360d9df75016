import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// The pages a musician opens from a request's link, without logging in. The link's token is the only
/// credential: it names the orchestra (its slug before the dot) and its hash is found only in that
/// orchestra's database. Looking changes nothing; Accept and Decline are POST buttons.
enum AnswerPages {
    static func words(_ language: String) -> [String: String] { language == "en" ? english : swedish }

    static let english: [String: String] = [
        "title": "Substitute request", "hello": "Hello", "asks": "asks whether you can play",
        "project": "Project", "dates": "Dates", "week": "Week", "rehearsals": "Rehearsals", "concerts": "Concerts",
        "position": "Position", "deadline": "Please answer by", "accept": "Yes, I can play", "decline": "No, I cannot",
        "accepted": "Thank you — you are booked.", "acceptedInfo": "A confirmation is on its way by email.",
        "calendar": "Add to calendar (.ics)", "declined": "Thank you for answering. You have declined this request.",
        "expired": "The time to answer this request has passed.", "filled": "Thank you, but the position has already been filled.",
        "cancelled": "This request has been withdrawn by the orchestra.",
        "bookingCancelled": "The orchestra has cancelled this booking: you are no longer booked for these dates.",
        "withdrawn": "The orchestra has recorded that you withdrew from this booking. Thank you for letting us know.", "unknown": "This link is not valid. Check that you copied all of it.",
        "suspended": "This orchestra is not available in StageSub at the moment. Please contact the orchestra directly.",
        "answeredYes": "You have already accepted this request.", "answeredNo": "You have already declined this request.",
        "timedOut": "The time to answer this request has passed.",
    ]

    static let swedish: [String: String] = [
        "title": "Förfrågan om vikariat", "hello": "Hej", "asks": "undrar om du kan spela",
        "project": "Projekt", "dates": "Datum", "week": "Vecka", "rehearsals": "Repetitioner", "concerts": "Konserter",
        "position": "Tjänst", "deadline": "Svara senast", "accept": "Ja, jag kan", "decline": "Nej, jag kan inte",
        "accepted": "Tack — du är bokad.", "acceptedInfo": "En bekräftelse kommer med e-post.",
        "calendar": "Lägg till i kalendern (.ics)", "declined": "Tack för ditt svar. Du har tackat nej till förfrågan.",
        "expired": "Tiden för att svara på förfrågan har gått ut.", "filled": "Tack, men tjänsten är redan tillsatt.",
        "cancelled": "Orkestern har dragit tillbaka förfrågan.",
        "bookingCancelled": "Orkestern har avbokat dig: du är inte längre bokad för dessa datum.",
        "withdrawn": "Orkestern har noterat att du har lämnat återbud. Tack för att du hörde av dig.", "unknown": "Länken är inte giltig. Kontrollera att du fick med hela länken.",
        "suspended": "Orkestern är inte tillgänglig i StageSub just nu. Kontakta orkestern direkt.",
        "answeredYes": "Du har redan tackat ja till förfrågan.", "answeredNo": "Du har redan tackat nej till förfrågan.",
        "timedOut": "Tiden för att svara på förfrågan har gått ut.",
    ]

    /// The orchestra a token belongs to, or an answer page saying why there is none.
    static func resolve(_ token: String, request: Request, state: ServerState) throws -> Result<(OrchestraGateway, String), APIError> {
        let language = HTML.language(of: request)
        guard let dot = token.firstIndex(of: "."), token.count < 200,
              let orchestra = try state.appliance.registry.orchestra(slug: String(token[..<dot])) else {
            return .failure(APIError(.notFound, words(language)["unknown"]!))
        }
        guard orchestra.status == .active else { return .failure(APIError(.forbidden, words(language)["suspended"]!)) }
        return .success((try state.gateway(orchestra), language))
    }

    static func show(_ request: Request, _ scope: Scope, notice: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let token = try scope.string("token")
        let gateway: OrchestraGateway
        switch try resolve(token, request: request, state: scope.state) {
        case .failure(let error): return HTML.errorPage(status: error.status, message: error.message, language: HTML.language(of: request))
        case .success(let found): gateway = found.0
        }
        guard let view = try gateway.answerView(token: token) else {
            let language = HTML.language(of: request)
            return HTML.errorPage(status: .notFound, message: words(language)["unknown"]!, language: language)
        }
        return render(view, files: try gateway.answerFiles(token: token), token: token, now: scope.now, notice: notice, status: status)
    }

    static func render(_ view: AnswerView, files: [StoredFile], token: String, now: Date, notice: String?, status: HTTPResponse.Status) -> Response {
        let w = words(view.language)
        let e = HTML.escape
        var dates = HTML.day(view.startDate, language: view.language)
        if let end = view.endDate, end != view.startDate { dates += " – " + HTML.day(end, language: view.language) }
        var details = "<dl><dt>\(w["project"]!)</dt><dd>\(e(view.projectName))</dd>"
            + "<dt>\(w["position"]!)</dt><dd>\(e(view.instrumentName)), \(e(view.positionName))</dd>"
            + "<dt>\(w["dates"]!)</dt><dd>\(e(dates)) (\(w["week"]!) \(view.weekNumber))</dd>"
        if let rehearsals = view.rehearsalSchedule, !rehearsals.isEmpty { details += "<dt>\(w["rehearsals"]!)</dt><dd>\(e(rehearsals))</dd>" }
        if let concerts = view.concertInfo, !concerts.isEmpty { details += "<dt>\(w["concerts"]!)</dt><dd>\(e(concerts))</dd>" }
        let path = "/r/\(e(token))"
        if !files.isEmpty {
            details += "<dt>\(view.language == "en" ? "Files" : "Filer")</dt><dd>"
                + files.map { "<a href=\"\(path)/files/\($0.id)\">\(e($0.fileName))</a>" }.joined(separator: "<br>") + "</dd>"
        }
        details += "</dl>"
        var state: String
        switch view.status {
        case .pending where view.deadlineAt <= now:
            state = "<p class=error>\(w["expired"]!)</p>"
        case .pending:
            state = """
                <p>\(w["deadline"]!): <strong>\(e(HTML.dateTime(view.deadlineAt, timeZone: view.timeZone, language: view.language)))</strong></p>
                <form method=post action="\(path)"><input type=hidden name=answer value=accept><button class=accept>\(w["accept"]!)</button></form>
                <form method=post action="\(path)"><input type=hidden name=answer value=decline><button class=decline>\(w["decline"]!)</button></form>
                """
        case .accepted:
            state = "<p class=ok>\(notice == "accepted" ? w["accepted"]! : w["answeredYes"]!)</p><p>\(w["acceptedInfo"]!)</p>"
                + "<p><a href=\"\(path)/calendar.ics\">\(w["calendar"]!)</a></p>"
        case .declined:
            state = "<p>\(notice == "declined" ? w["declined"]! : w["answeredNo"]!)</p>"
        case .timedOut:
            state = "<p class=error>\(w["timedOut"]!)</p>"
        case .cancelled where view.bookingCancelled:
            state = "<p>\(w["bookingCancelled"]!)</p>"
        case .cancelled:
            state = "<p>\(view.needStatus == .filled || notice == "filled" ? w["filled"]! : w["cancelled"]!)</p>"
        case .withdrawn:
            state = "<p>\(w["withdrawn"]!)</p>"
        }
        let body = """
            <div class=card><p class=note>\(e(view.orchestraName))</p><h1>\(w["title"]!)</h1>
            <p>\(w["hello"]!) \(e(view.musicianName)), \(e(view.orchestraName)) \(w["asks"]!):</p>\(details)</div>
            <div class=card>\(state)</div>
            """
        return HTML.page(title: "\(w["title"]!) — \(view.orchestraName)", language: view.language, body: body, status: status)
    }

    /// Accept or decline: one transaction in the engine; a second POST only shows the answer already given.
    static func answer(_ request: Request, _ scope: Scope) async throws -> Response {
        let token = try scope.string("token")
        let data = try await JSON.body(request, limit: 4096)
        let choice = HTML.form(data)["answer"]
        guard choice == "accept" || choice == "decline" else {
            return HTML.errorPage(status: .badRequest, message: "answer must be accept or decline", language: HTML.language(of: request))
        }
        let gateway: OrchestraGateway
        switch try resolve(token, request: request, state: scope.state) {
        case .failure(let error): return HTML.errorPage(status: error.status, message: error.message, language: HTML.language(of: request))
        case .success(let found): gateway = found.0
        }
        let outcome = try gateway.answer(token: token, accept: choice == "accept", now: scope.now)
        switch outcome {
        case .accepted: return try show(request, scope, notice: "accepted")
        case .declined: return try show(request, scope, notice: "declined")
        case .positionFilled: return try show(request, scope, notice: "filled", status: .conflict)
        case .expired: return try show(request, scope, status: .gone)
        case .closed: return try show(request, scope, status: .conflict)
        case .unknownToken: return try show(request, scope)
        }
    }

    /// A file sent with the request (or, after accepting, with the confirmation).
    static func file(_ request: Request, _ scope: Scope) throws -> Response {
        let token = try scope.string("token"), id = try scope.id()
        guard case .success(let (gateway, _)) = try resolve(token, request: request, state: scope.state),
              try gateway.answerFiles(token: token).contains(where: { $0.id == id }) else {
            throw APIError(.notFound, "no such file for this link")
        }
        let contents = try gateway.file(id)
        return FileResponse.make(contents.file, data: contents.data)
    }

    /// The project as a calendar file, for a musician who accepted.
    static func calendar(_ request: Request, _ scope: Scope) throws -> Response {
        let token = try scope.string("token")
        guard case .success(let (gateway, language)) = try resolve(token, request: request, state: scope.state),
              let view = try gateway.answerView(token: token), view.status == .accepted else {
            throw APIError(.notFound, "no calendar for this link")
        }
        _ = language
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"stagesub-\(view.requestId).ics\""],
                        body: .init(byteBuffer: ByteBuffer(string: ics(view, now: scope.now))))
    }

    /// An all-day event over the project's days (RFC 5545, CRLF lines, escaped text).
    static func ics(_ view: AnswerView, now: Date) -> String {
        func text(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
                .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
        }
        let start = view.startDate.replacingOccurrences(of: "-", with: "")
        let last = CalendarDay(iso: view.endDate ?? view.startDate) ?? CalendarDay(iso: view.startDate)!
        let end = last.adding(days: 1).description.replacingOccurrences(of: "-", with: "")
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        var description = "\(view.instrumentName), \(view.positionName)"
        if let rehearsals = view.rehearsalSchedule { description += "\n" + rehearsals }
        if let concerts = view.concertInfo { description += "\n" + concerts }
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//StageSub//Substitutes//EN", "CALSCALE:GREGORIAN", "BEGIN:VEVENT",
            "UID:request-\(view.requestId)@stagesub", "DTSTAMP:\(stamp)", "DTSTART;VALUE=DATE:\(start)", "DTEND;VALUE=DATE:\(end)",
            "SUMMARY:\(text("\(view.orchestraName): \(view.projectName)"))", "DESCRIPTION:\(text(description))",
            "END:VEVENT", "END:VCALENDAR",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
