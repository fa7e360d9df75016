import Foundation
import Hummingbird
import HTTPTypes
import StageSubCore
import StageSubStore

/// Logging in and out, the static files, the demo clock's buttons, a superadmin choosing an orchestra, and
/// the error pages every other page falls back to.
struct SessionPages {
    var pages: [PageRoute] {
        [
            PageRoute(.get, "/login", .anonymous) { page in
                if page.user != nil { return page.redirect(page.scope.principal?.orchestra == nil && page.user?.role == .superadmin ? "/admin" : "/") }
                return Self.loginPage(page, error: nil, username: "", status: .ok)
            },
            PageRoute(.post, "/login", .anonymous) { page in try await Self.login(page) },
            PageRoute(.post, "/logout", .anonymous) { page in
                if let token = page.sessionToken, let principal = page.scope.principal {
                    guard page.form["csrf"] == Authentication.csrfToken(sessionToken: token) else {
                        throw APIError(.forbidden, page.words[.formExpired])
                    }
                    try page.state.appliance.logout(principal)
                }
                return HTML.redirect("/login", headers: [.setCookie: Authentication.cookie("", expires: nil, secure: page.state.configuration.secureCookies)])
            },
            PageRoute(.get, "/static/{file}", .anonymous) { page in
                guard let response = StaticFiles.response(try page.scope.string("file")) else { throw APIError(.notFound, page.words[.errorNotFound]) }
                return response
            },
            PageRoute(.post, "/demo/clock", .authenticated) { page in
                guard page.state.demoClock != nil else { throw APIError(.notFound, page.words[.errorNotFound]) }
                guard page.isAdmin else { throw APIError(.forbidden, page.words[.onlyAdmin]) }
                guard let hours = page.form["hours"].flatMap(Int.init), (1...DemoClockRoutes.maximumHours).contains(hours) else {
                    throw APIError(.badRequest, page.words[.demoBadHours])
                }
                try await page.state.advanceDemoClock(hours: hours)
                page.scope.log("moved the demo clock forward \(hours) h")
                return page.redirect(Self.localPath(page.form["back"]) ?? "/", notice: .doneClockMoved)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/enter", .superadmin) { page in
                guard let principal = page.scope.principal else { throw APIError(.forbidden, page.words[.onlySuperadmin]) }
                _ = try page.state.appliance.enterOrchestra(try page.scope.string("slug"), principal: principal)
                return page.redirect("/")
            },
            PageRoute(.post, "/admin/leave", .superadmin) { page in
                guard let principal = page.scope.principal else { throw APIError(.forbidden, page.words[.onlySuperadmin]) }
                _ = try page.state.appliance.enterOrchestra(nil, principal: principal)
                return page.redirect("/admin")
            },
        ]
    }

    static func loginPage(_ page: WebPage, error: String?, username: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        let csrf = Appliance.secretHash(UUID().uuidString + String(UInt64.random(in: 0...UInt64.max)))
        var view: [String: Any] = ["loginCSRF": csrf, "username": username, "narrow": true,
                                   "otherLanguage": page.language.other.rawValue,
                                   "otherLanguageHref": "/login?lang=\(page.language.other.rawValue)"]
        if let error { view["error"] = error }
        if let next = localPath(page.query("next") ?? page.form["next"]) { view["next"] = next }
        let language = page.query("lang").map { Language($0) } ?? page.language
        let shown = WebPage(request: page.request, context: page.context, scope: page.scope, sessionToken: nil, language: language, form: page.form)
        view["otherLanguage"] = language.other.rawValue
        view["otherLanguageHref"] = "/login?lang=\(language.other.rawValue)"
        var response = shown.render("login", title: language.words[.logIn], status: status, view)
        for field in headers { response.headers.append(field) }
        response.headers.append(HTTPField(name: .setCookie, value: "\(ServerState.loginCSRFCookie)=\(csrf); Path=/login; HttpOnly; SameSite=Strict"
                                          + (page.state.configuration.secureCookies ? "; Secure" : "")))
        return response
    }

    static func login(_ page: WebPage) async throws -> Response {
        let words = page.words
        let username = page.form["username"] ?? ""
        guard let sent = page.form["csrf"], !sent.isEmpty, sent == page.request.cookies[ServerState.loginCSRFCookie]?.value else {
            return loginPage(page, error: words[.formExpired], username: username, status: .forbidden)
        }
        switch try await page.state.attemptLogin(username: username, password: page.form["password"] ?? "", request: page.request, context: page.context) {
        case .success(let session):
            let home = session.principal.role == .superadmin && session.principal.orchestra == nil ? "/admin" : "/"
            return HTML.redirect(localPath(page.form["next"]) ?? home,
                                 headers: [.setCookie: Authentication.cookie(session.token, expires: session.expiresAt, secure: page.state.configuration.secureCookies)])
        case .failure(let error):
            let message: String
            switch error.status {
            case .unauthorized: message = words[.loginFailed]
            case .tooManyRequests: message = words[.loginThrottled]
            case .forbidden: message = words[.loginDisabled]
            default: message = error.message
            }
            return loginPage(page, error: message, username: username, status: error.status, headers: error.headers)
        }
    }

    /// A path on this site to come back to (never another site: `//host` and `/\host` are refused).
    static func localPath(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.hasPrefix("/\\"), value.count < 300,
              !value.contains(where: { $0.isNewline }) else { return nil }
        return value
    }
}

/// Error pages in the person's language: what went wrong, what to do, and for a fault of the appliance the
/// request id the operator finds in the log.
enum ErrorPages {
    static func response(status: HTTPResponse.Status, message: String, problem: StoreProblem? = nil, request: Request, requestId: String,
                         state: ServerState) -> Response {
        let token = Authentication.sessionToken(request)
        let principal = (try? token.flatMap { try state.appliance.authenticate(sessionToken: $0) }) ?? nil
        let language = Language.of(principal?.user, request: request)
        let words = language.words
        let heading: Word, advice: Word?
        switch status.code {
        case 404: (heading, advice) = (.errorNotFoundTitle, .errorNotFoundAdvice)
        case 403: (heading, advice) = (.errorForbiddenTitle, .errorForbiddenAdvice)
        case 409: (heading, advice) = (.errorConflictTitle, .errorConflictAdvice)
        case 401: (heading, advice) = (.errorLoginTitle, nil)
        case 500...: (heading, advice) = (.errorServerTitle, .errorServerAdvice)
        default: (heading, advice) = (.errorBadRequestTitle, nil)
        }
        var view: [String: Any] = ["lang": language.rawValue, "title": words[heading], "t": language.table, "heading": words[heading],
                                   "message": problem.map(words.storeProblem) ?? message, "code": Int(status.code), "assetVersion": StaticFiles.version, "narrow": true]
        if let advice { view["advice"] = words[advice] }
        if status.code >= 500 { view["requestId"] = requestId }
        if let user = principal?.user, let token {
            view["csrf"] = Authentication.csrfToken(sessionToken: token)
            view["me"] = ["name": user.username, "orchestraName": principal?.orchestra?.name ?? "",
                          "nav": NavSection.visible(to: user, inOrchestra: principal?.orchestra != nil).map { ["href": $0.href, "label": words[$0.label]] }]
                as [String: Any]
        }
        return Templates.render("error", view, language: language, status: status)
    }
}
