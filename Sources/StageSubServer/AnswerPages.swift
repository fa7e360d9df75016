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
    static func words(_ language: String) -> Words { Language(language).words }

    /// A page for a musician in their language (no staff navigation: they are not logged in).
    static func page(_ language: String, title: String, template: String, status: HTTPResponse.Status, _ values: [String: Any]) -> Response {
        var view = values
        let language = Language(language)
        view["lang"] = language.rawValue
        view["t"] = language.table
        view["title"] = title
        view["simple"] = true
        view["narrow"] = true
        view["assetVersion"] = StaticFiles.version
        return Templates.render(template, view, language: language, status: status)
    }

    /// An answer page that says only why there is nothing to answer.
    static func notice(_ status: HTTPResponse.Status, _ message: String, language: String) -> Response {
        page(language, title: words(language)[.answerTitle], template: "error", status: status,
             ["heading": words(language)[.answerTitle], "message": message, "code": Int(status.code)])
    }

    /// The orchestra a token belongs to, or an answer page saying why there is none.
    static func resolve(_ token: String, request: Request, state: ServerState) throws -> Result<(OrchestraGateway, String), APIError> {
        let language = HTML.language(of: request)
        guard let dot = token.firstIndex(of: "."), token.count < 200,
              let orchestra = try state.appliance.registry.orchestra(slug: String(token[..<dot])) else {
            return .failure(APIError(.notFound, words(language)[.answerUnknown]))
        }
        guard orchestra.status == .active else { return .failure(APIError(.forbidden, words(language)[.answerSuspended])) }
        return .success((try state.gateway(orchestra), language))
    }

    static func show(_ request: Request, _ scope: Scope, notice: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let token = try scope.string("token")
        let gateway: OrchestraGateway
        switch try resolve(token, request: request, state: scope.state) {
        case .failure(let error): return Self.notice(error.status, error.message, language: HTML.language(of: request))
        case .success(let found): gateway = found.0
        }
        guard let (view, files) = try gateway.answerPage(token: token) else {
            let language = HTML.language(of: request)
            return Self.notice(.notFound, words(language)[.answerUnknown], language: language)
        }
        return render(view, files: files, token: token, now: scope.now, notice: notice, status: status)
    }

    static func render(_ view: AnswerView, files: [StoredFile], token: String, now: Date, notice: String?, status: HTTPResponse.Status) -> Response {
        let w = words(view.language), language = Language(view.language)
        var dates = HTML.day(view.startDate, language: view.language)
        if let end = view.endDate, end != view.startDate { dates += " – " + HTML.day(end, language: view.language) }
        dates += language == .en ? " (week \(view.weekNumber))" : " (vecka \(view.weekNumber))"
        let path = "/r/\(token)"
        var values: [String: Any] = [
            "orchestraName": view.orchestraName, "musicianName": view.musicianName, "projectName": view.projectName,
            "instrumentName": view.instrumentName, "positionName": view.positionName, "dates": dates, "path": path,
            "rehearsals": view.rehearsalSchedule ?? "", "concerts": view.concertInfo ?? "",
            "hasFiles": !files.isEmpty, "files": files.map { ["href": "\(path)/files/\($0.id)", "name": $0.fileName] },
            "pending": false, "accepted": false, "stateText": false, "stateClass": "",
        ]
        func state(_ word: Word, _ css: String = "") { values["stateText"] = w[word]; values["stateClass"] = css }
        switch view.status {
        case .pending where view.deadlineAt <= now: state(.answerExpired, "field-error")
        case .pending:
            values["pending"] = true
            values["deadline"] = HTML.dateTime(view.deadlineAt, timeZone: view.timeZone, language: view.language)
        case .accepted:
            values["accepted"] = true
            state(notice == "accepted" ? .answerAccepted : .answerAnsweredYes, "flash")
        case .declined: state(notice == "declined" ? .answerDeclined : .answerAnsweredNo)
        case .timedOut: state(.answerExpired, "field-error")
        case .cancelled where view.bookingCancelled: state(.answerBookingCancelled)
        case .cancelled: state(view.needStatus == .filled || notice == "filled" ? .answerFilled : .answerCancelled)
        case .withdrawn: state(.answerWithdrawn)
        }
        return page(view.language, title: "\(w[.answerTitle]) — \(view.orchestraName)", template: "answer", status: status, values)
    }

    /// Accept or decline: one transaction in the engine; a second POST only shows the answer already given.
    static func answer(_ request: Request, _ scope: Scope) async throws -> Response {
        let token = try scope.string("token")
        let data = try await JSON.body(request, limit: 4096)
        let choice = WebForm.urlEncoded(data)["answer"]
        guard choice == "accept" || choice == "decline" else {
            let language = HTML.language(of: request)
            return Self.notice(.badRequest, words(language)[.answerBadChoice], language: language)
        }
        let gateway: OrchestraGateway
        switch try resolve(token, request: request, state: scope.state) {
        case .failure(let error): return Self.notice(error.status, error.message, language: HTML.language(of: request))
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
