import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// Routes that are not JSON: the login page, the home page, musicians' answer pages, health and metrics.
/// They are in the same table as the API, so the OpenAPI document lists them too.
extension ServerState {
    static let loginCSRFCookie = "stagesub_login_csrf"

    static func pageRoutes() -> [APIRoute] {
        let html = "text/html"
        return [
            APIRoute(method: .get, path: "/healthz", summary: "Liveness: the process is up and the registry is readable.",
                     access: .anonymous, success: (200, Schema.object(["status": Schema.string])), errors: [503]) { _, _, scope in
                scope.state.appliance.registry.isReadable()
                    ? JSON.response(["status": "ok"])
                    : JSON.response(["status": "registry unreadable"], status: .serviceUnavailable)
            },
            APIRoute(method: .get, path: "/metrics", summary: "Prometheus metrics (text exposition format); per-orchestra series. "
                     + "With --metrics-token-file, only for `Authorization: Bearer <token>`.", access: .anonymous,
                     errors: [401], produces: "text/plain") { request, _, scope in
                let state = scope.state
                try state.checkMetricsToken(request)
                let orchestras = state.sampleOrchestras()  // opens each orchestra, so count the open ones after
                let text = state.metrics.render(now: scope.now, openDatabases: state.pool.openSlugs.count,
                                                orchestras: orchestras, appliance: state.sampleAppliance())
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            },
            APIRoute(method: .get, path: "/login", summary: "The login page.", access: .anonymous, produces: html) { request, _, scope in
                scope.state.loginPage(language: HTML.language(of: request), error: nil, status: .ok)
            },
            APIRoute(method: .post, path: "/login", summary: "Log in from the login page (form: username, password, csrf).",
                     access: .anonymous, requestContentType: "application/x-www-form-urlencoded", success: (303, nil),
                     errors: [400, 401, 403, 429], produces: html) { request, context, scope in
                try await scope.state.formLogin(request, context: context)
            },
            APIRoute(method: .post, path: "/logout", summary: "Log out from a page (form: csrf).", access: .anonymous,
                     requestContentType: "application/x-www-form-urlencoded", success: (303, nil), errors: [403], produces: html) { request, _, scope in
                let form = HTML.form(try await JSON.body(request, limit: 4096))
                if let token = Authentication.sessionToken(request), let principal = try scope.state.appliance.authenticate(sessionToken: token) {
                    guard form["csrf"] == Authentication.csrfToken(sessionToken: token) else {
                        throw APIError(.forbidden, "the form has expired; reload the page")
                    }
                    try scope.state.appliance.logout(principal)
                }
                return HTML.redirect("/login", headers: [.setCookie: Authentication.cookie("", expires: nil, secure: scope.state.configuration.secureCookies)])
            },
            APIRoute(method: .get, path: "/", summary: "Home: who is logged in, the orchestra's projects and its latest messages.",
                     access: .anonymous, success: (200, nil), errors: [303], produces: html) { request, _, scope in
                try scope.state.homePage(request)
            },
            APIRoute(method: .get, path: "/r/{token}", summary: "A musician's answer page (changes nothing).", access: .anonymous,
                     errors: [403, 404], produces: html) { request, _, scope in
                try AnswerPages.show(request, scope)
            },
            APIRoute(method: .head, path: "/r/{token}", summary: "Like GET, without the page (changes nothing).", access: .anonymous,
                     errors: [403, 404], produces: html) { request, _, scope in
                var response = try AnswerPages.show(request, scope)
                response.body = .init()
                return response
            },
            APIRoute(method: .post, path: "/r/{token}", summary: "Accept or decline (form: answer=accept|decline).", access: .anonymous,
                     requestContentType: "application/x-www-form-urlencoded", errors: [400, 403, 404, 409, 410], produces: html) { request, _, scope in
                try await AnswerPages.answer(request, scope)
            },
            APIRoute(method: .get, path: "/r/{token}/files/{id}", summary: "A file sent with the request (or the confirmation, once accepted).",
                     access: .anonymous, errors: [403, 404], produces: "application/octet-stream") { request, _, scope in
                try AnswerPages.file(request, scope)
            },
            APIRoute(method: .get, path: "/r/{token}/calendar.ics", summary: "The booked project as an iCalendar file.",
                     access: .anonymous, errors: [404], produces: "text/calendar") { request, _, scope in
                try AnswerPages.calendar(request, scope)
            },
        ]
    }

    func loginPage(language: String, error: String?, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        let en = language == "en"
        let csrf = Appliance.secretHash(UUID().uuidString + String(UInt64.random(in: 0...UInt64.max)))
        var fields = headers
        fields.append(HTTPField(name: .setCookie, value: "\(Self.loginCSRFCookie)=\(csrf); Path=/login; HttpOnly; SameSite=Strict"
                                + (configuration.secureCookies ? "; Secure" : "")))
        let body = """
            <div class=card><h1>StageSub</h1>\(error.map { "<p class=error>\(HTML.escape($0))</p>" } ?? "")
            <form method=post action="/login"><input type=hidden name=csrf value="\(csrf)">
            <label>\(en ? "Username or email" : "Användarnamn eller e-post")<input type=text name=username autocomplete=username autofocus></label>
            <label>\(en ? "Password" : "Lösenord")<input type=password name=password autocomplete=current-password></label>
            <button class=accept>\(en ? "Log in" : "Logga in")</button></form></div>
            """
        return HTML.page(title: en ? "Log in — StageSub" : "Logga in — StageSub", language: language, body: body, status: status, headers: fields)
    }

    func formLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = HTML.language(of: request)
        let form = HTML.form(try await JSON.body(request, limit: 8192))
        guard let sent = form["csrf"], !sent.isEmpty, sent == request.cookies[Self.loginCSRFCookie]?.value else {
            return loginPage(language: language, error: language == "en" ? "The form had expired; please try again."
                             : "Formuläret hade gått ut; försök igen.", status: .forbidden)
        }
        switch try await attemptLogin(username: form["username"] ?? "", password: form["password"] ?? "", request: request, context: context) {
        case .success(let session):
            return HTML.redirect("/", headers: [.setCookie: Authentication.cookie(session.token, expires: session.expiresAt,
                                                                                  secure: configuration.secureCookies)])
        case .failure(let error):
            return loginPage(language: language, error: error.message, status: error.status, headers: error.headers)
        }
    }

    /// One login attempt, throttled per account (as resolved, however the name was typed) and slowed per
    /// client address.
    func attemptLogin(username: String, password: String, request: Request, context: AppRequestContext) async throws -> Result<NewSession, APIError> {
        let address = clientAddress(request, context)
        let account = throttleKey(username)
        switch throttle.check(account: account, address: address) {
        case .refuse(let wait):
            metrics.recordFailedLogin()
            let minutes = Int((wait / 60).rounded(.up))
            return .failure(APIError(.tooManyRequests, "too many failed logins; try again in \(minutes) minute\(minutes == 1 ? "" : "s")",
                                     headers: [.retryAfter: String(Int(wait.rounded(.up)))]))
        case .proceed(let delay):
            if delay > .zero { try await Task.sleep(for: delay) }
        }
        let session: NewSession
        do {
            session = try appliance.login(username, password: password, clientAddress: address, userAgent: request.headers[.userAgent])
        } catch {
            metrics.recordFailedLogin()
            switch error.code {
            case .unauthorised:
                throttle.recordFailure(account: account, address: address)
                return .failure(APIError(.unauthorized, error.message))
            case .forbidden:
                return .failure(APIError(.forbidden, error.message))
            default:
                throw error
            }
        }
        throttle.recordSuccess(account: account)
        return .success(session)
    }

    /// The key failures of a login name count under: the account it resolves to (by username or email,
    /// spaces and case aside), or the name itself when it is no account.
    func throttleKey(_ typed: String) -> String {
        let name = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        if let user = (try? appliance.registry.user(named: name)) ?? (try? appliance.registry.user(named: name.lowercased())) ?? nil,
           let id = user.id {
            return "user:\(id)"
        }
        return "name:" + name.lowercased()
    }

    /// The client's address: the connection's, or, when the connection comes from a trusted proxy, the last
    /// address that proxy put in `X-Forwarded-For` (what the proxy itself saw).
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String? {
        guard let peer = context.remoteAddress, configuration.trustedProxies.contains(peer),
              let forwarded = request.headers[values: .init("X-Forwarded-For")!].last?.split(separator: ",").last else {
            return context.remoteAddress
        }
        let address = forwarded.trimmingCharacters(in: .whitespaces)
        return address.isEmpty ? context.remoteAddress : address
    }

    func homePage(_ request: Request) throws -> Response {
        guard let token = Authentication.sessionToken(request), let principal = try appliance.authenticate(sessionToken: token),
              let user = principal.user else {
            return HTML.redirect("/login")
        }
        let language = user.preferredLanguage == "en" ? "en" : HTML.language(of: request)
        let e = HTML.escape
        var body = "<div class=card><p class=note>\(e(user.username)) · \(e(user.role.rawValue))"
        if let orchestra = principal.orchestra { body += " · \(e(orchestra.name))" }
        body += "</p><form method=post action=\"/logout\"><input type=hidden name=csrf value=\"\(Authentication.csrfToken(sessionToken: token))\">"
            + "<button class=decline>\(language == "en" ? "Log out" : "Logga ut")</button></form>"
            + "<p class=note>JSON API: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p></div>"
        if let orchestra = principal.orchestra {
            let gateway = try gateway(orchestra)
            body += "<div class=card><h2>\(language == "en" ? "Projects" : "Projekt")</h2><table>"
            for project in try gateway.projects(includeArchived: false, limit: 20, offset: 0).items {
                let needs = try gateway.needs(project: project.id!)
                let states = needs.map(\.status.rawValue)
                body += "<tr><td>\(e(project.startDate))</td><td>\(e(project.name))</td><td>\(needs.count) · \(e(Set(states).sorted().joined(separator: ", ")))</td></tr>"
            }
            body += "</table></div><div class=card><h2>\(language == "en" ? "Latest messages (outbox)" : "Senaste meddelanden (utkorg)")</h2><table>"
            for message in try gateway.outbox(status: nil, limit: 15, offset: 0).items {
                let state = message.status == .failed ? "<span class=error>\(e(message.status.rawValue))</span>" : e(message.status.rawValue)
                let reason = message.lastError.map { "<br><span class=note>\(e($0))</span>" } ?? ""
                body += "<tr><td>\(e(message.type.rawValue))<br>\(state)\(reason)</td><td>\(e(message.recipient))</td><td>\(linkify(message.body))</td></tr>"
            }
            body += "</table></div>"
        } else if user.role == .superadmin {
            body += "<div class=card><h2>Orchestras</h2><table>"
            for orchestra in try appliance.registry.orchestras() {
                body += "<tr><td>\(e(orchestra.slug))</td><td>\(e(orchestra.name))</td><td>\(e(orchestra.status.rawValue))</td></tr>"
            }
            body += "</table></div>"
        }
        return HTML.page(title: "StageSub", language: language, body: body)
    }

    /// Escapes a message and makes its answer links clickable (the demo's musicians answer from here).
    func linkify(_ text: String) -> String {
        HTML.escape(text).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ", omittingEmptySubsequences: false).map { word in
                word.contains("/r/") && word.hasPrefix("http") ? "<a href=\"\(word)\">\(word)</a>" : String(word)
            }.joined(separator: " ")
        }.joined(separator: "<br>")
    }
}
