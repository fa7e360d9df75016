import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// A musician's own page, without a password: the link's token is the credential (the orchestra's slug
/// before the dot; its hash only in that orchestra's database). The access log names only the route's
/// pattern (`/m/{token}`), so the token never reaches a log; changes are POST forms that redirect back.
struct MusicianPageController {
    var routes: [APIRoute] {
        let html = "text/html", form = "application/x-www-form-urlencoded"
        func post(_ suffix: String, _ summary: String, success: Int = 303, _ handler: @escaping @Sendable (Request, Scope, OrchestraGateway, String, [String: String]) throws -> Response) -> APIRoute {
            APIRoute(method: .post, path: "/m/{token}\(suffix)", summary: summary, access: .anonymous, requestContentType: form,
                     success: (success, nil), errors: [400, 403, 404, 409], produces: html) { request, _, scope in
                let token = try scope.string("token")
                let fields = HTML.form(try await JSON.body(request, limit: 8192))
                let gateway: OrchestraGateway
                switch try Self.gateway(token, request: request, scope: scope) {
                case .failure(let refusal): return refusal.response
                case .success(let found): gateway = found
                }
                return try handler(request, scope, gateway, token, fields)
            }
        }
        return [
            APIRoute(method: .get, path: "/my-link", summary: "Ask for the link to one's own page (form: email).", access: .anonymous, produces: html) { request, _, _ in
                let language = HTML.language(of: request)
                return MusicianPageMarkup.linkPage(language: language)
            },
            APIRoute(method: .post, path: "/my-link", summary: "Send the page link to this address if a musician has it; the answer is the same either way.",
                     access: .anonymous, requestContentType: form, errors: [400], produces: html) { request, _, scope in
                let language = HTML.language(of: request)
                let email = HTML.form(try await JSON.body(request, limit: 4096))["email"]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard EmailAddress.isHeaderSafe(email) else {
                    return MusicianPageMarkup.linkPage(language: language, error: Language(language).words[.errorEmail], status: .badRequest)
                }
                scope.state.sendPageLinks(to: email, now: scope.now)
                return MusicianPageMarkup.linkPage(language: language, sent: true)
            },
            APIRoute(method: .get, path: "/m/{token}", summary: "A musician's own page: open requests, bookings, history, blackout dates, details.",
                     access: .anonymous, errors: [403, 404], produces: html) { request, _, scope in
                let token = try scope.string("token")
                switch try Self.gateway(token, request: request, scope: scope) {
                case .failure(let refusal): return refusal.response
                case .success(let gateway):
                    let notice = Query(request: request).string("done").flatMap { Word(rawValue: "mp" + $0.prefix(1).uppercased() + $0.dropFirst()) }
                    return try Self.render(gateway, token: token, request: request, scope: scope) { view in
                        view.notice = notice.map { view.words[$0] }
                    }
                }
            },
            APIRoute(method: .get, path: "/c/{token}/calendar.ics", summary: "A musician's private calendar feed (iCalendar): bookings, and cancelled ones as cancelled.",
                     access: .anonymous, errors: [403, 404], produces: "text/calendar") { request, _, scope in
                let token = try scope.string("token")
                switch try Self.gateway(token, request: request, scope: scope) {
                case .failure(let refusal): return refusal.response
                case .success(let gateway):
                    guard let feed = try gateway.calendarFeed(link: token, now: scope.now) else { return try Self.unknown(request) }
                    return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: feed)))
                }
            },
            APIRoute(method: .get, path: "/m/{token}/export.json", summary: "Everything the orchestra holds about the musician, for them to keep.",
                     access: .anonymous, success: (200, .of(ExportView.self)), errors: [403, 404], produces: "application/json") { request, _, scope in
                let token = try scope.string("token")
                // A download answers in JSON, also when the link does not work (as its document says).
                let refused = { (status: HTTPResponse.Status) in
                    JSON.error(status, MusicianPageView.words(HTML.language(of: request))[status == .forbidden ? .answerSuspended : .mpUnknown])
                }
                switch try Self.gateway(token, request: request, scope: scope) {
                case .failure(let refusal): return refused(refusal.response.status)
                case .success(let gateway):
                    guard let export = try gateway.export(link: token, now: scope.now) else { return refused(.notFound) }
                    var response = JSON.response(ExportView(export))
                    response.headers[.contentDisposition] = "attachment; filename=\"my-data.json\""
                    return response
                }
            },
            post("/answer", "Answer an open request from the page (form: request, answer=accept|decline).") { request, scope, gateway, token, fields in
                guard let id = fields["request"].flatMap(Int64.init), let answer = fields["answer"], ["accept", "decline"].contains(answer) else {
                    return try Self.render(gateway, token: token, request: request, scope: scope, status: .badRequest) { view in
                        view.error = ("answer", "request and answer=accept|decline are required")
                    }
                }
                let outcome = try gateway.answerFromPage(link: token, request: id, accept: answer == "accept", now: scope.now)
                let key: String? = switch outcome {
                case .accepted: "answeredYes"
                case .declined: "answeredNo"
                case .positionFilled: "filled"
                case .expired: "expired"
                case .closed: "closed"
                case .unknownToken: nil
                }
                guard let key else { return try Self.unknown(request) }
                return Self.back(token, done: key)
            },
            post("/details", "Change one's language and phone (form: language, phone).") { request, scope, gateway, token, fields in
                do {
                    try gateway.updateOwnDetails(link: token, language: fields["language"] ?? "", phone: fields["phone"], now: scope.now)
                } catch let error as StoreError where error.code == .invalidInput || error.code == .conflict {
                    return try Self.render(gateway, token: token, request: request, scope: scope, status: error.code == .conflict ? .conflict : .badRequest) { view in
                        view.error = ("details", error.message)
                        view.kept = fields
                    }
                }
                return Self.back(token, done: "saved")
            },
            post("/blackouts", "Add dates one cannot play (form: startDate, endDate, note).") { request, scope, gateway, token, fields in
                guard let musician = try gateway.musician(link: token, purpose: .page, now: scope.now) else { return try Self.unknown(request) }
                do {
                    _ = try gateway.addBlackout(musician: musician.id!, startDate: fields["startDate"] ?? "", endDate: fields["endDate"] ?? "",
                                                note: fields["note"], now: scope.now)
                } catch let error as StoreError where error.code == .invalidInput || error.code == .conflict {
                    return try Self.render(gateway, token: token, request: request, scope: scope, status: .badRequest) { view in
                        view.error = ("blackouts", error.message)
                        view.kept = fields
                    }
                }
                return Self.back(token, done: "saved")
            },
            post("/blackouts/{id}/delete", "Remove dates one cannot play.") { request, scope, gateway, token, _ in
                guard let musician = try gateway.musician(link: token, purpose: .page, now: scope.now) else { return try Self.unknown(request) }
                try gateway.deleteBlackout(try scope.id(), musician: musician.id!)
                return Self.back(token, done: "saved")
            },
            post("/calendar-link", "Make a new private calendar address (the old one stops); shown once.", success: 200) { request, scope, gateway, token, _ in
                guard let musician = try gateway.musician(link: token, purpose: .page, now: scope.now) else { return try Self.unknown(request) }
                let feed = try gateway.issueLink(musician: musician.id!, purpose: .calendar, now: scope.now)
                return try Self.render(gateway, token: token, request: request, scope: scope) { view in
                    view.calendarURL = "\(scope.state.configuration.baseURLForLinks)/c/\(feed)/calendar.ics"
                }
            },
            post("/revoke", "Stop this link at once.", success: 200) { request, scope, gateway, token, _ in
                try gateway.revokeLink(token, now: scope.now)
                let language = HTML.language(of: request)
                return MusicianPageMarkup.linkPage(language: language, revoked: true)
            },
        ]
    }

    /// The orchestra's gateway for a link, or the page that says why there is none.
    static func gateway(_ token: String, request: Request, scope: Scope) throws -> Result<OrchestraGateway, PageRefusal> {
        switch try AnswerPages.resolve(token, request: request, state: scope.state) {
        case .failure(let error):
            let language = HTML.language(of: request)
            return .failure(PageRefusal(response: AnswerPages.notice(
                error.status, error.status == .notFound ? MusicianPageView.words(language)[.mpUnknown] : error.message, language: language)))
        case .success(let (gateway, _)): return .success(gateway)
        }
    }

    static func render(_ gateway: OrchestraGateway, token: String, request: Request, scope: Scope, status: HTTPResponse.Status = .ok,
                       _ adjust: (inout MusicianPageView) -> Void = { _ in }) throws -> Response {
        guard let data = try gateway.musicianPage(link: token, now: scope.now) else { return try unknown(request) }
        var view = MusicianPageView.build(data, path: "/m/\(token)", now: scope.now)
        adjust(&view)
        return MusicianPageMarkup.page(view, status: status)
    }

    static func unknown(_ request: Request) throws -> Response {
        let language = HTML.language(of: request)
        return AnswerPages.notice(.notFound, MusicianPageView.words(language)[.mpUnknown], language: language)
    }

    /// Back to the page after a change (POST-redirect-GET), with what happened.
    static func back(_ token: String, done: String) -> Response { HTML.redirect("/m/\(token)?done=\(done)") }
}

/// A page that answers instead of the musician's page (unknown link, suspended orchestra).
struct PageRefusal: Error { let response: Response }

extension ServerState {
    /// "Send me my link" for every active orchestra where a musician has the address. Failures are the
    /// operator's business (logged without the address); the person sees the same page regardless.
    func sendPageLinks(to email: String, now: Date) {
        for orchestra in (try? appliance.registry.orchestras()) ?? [] where orchestra.status == .active {
            do { try gateway(orchestra).sendPageLink(email: email, now: now) } catch {
                logger.error("page link not sent", metadata: ["orchestra": "\(orchestra.slug)", "error": "\(error)"])
            }
        }
    }
}
