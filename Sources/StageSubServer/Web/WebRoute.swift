import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// One page (or form target) of the staff interface. Pages are for people: they authenticate by the
/// session cookie only, send someone who is not logged in to the login page, check the form's CSRF token on
/// every POST, and answer every error with a page in the user's language. They are not in the OpenAPI
/// document, which describes the JSON API for integrations.
struct PageRoute: Sendable {
    let method: HTTPRequest.Method
    /// `/musicians/{id}`.
    let path: String
    let access: Access
    let handler: @Sendable (WebPage) async throws -> Response

    init(_ method: HTTPRequest.Method, _ path: String, _ access: Access, handler: @escaping @Sendable (WebPage) async throws -> Response) {
        self.method = method
        self.path = path
        self.access = access
        self.handler = handler
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    func register(on router: Router<AppRequestContext>, state: ServerState) {
        let hummingbirdPath = path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }
            .joined(separator: "/")
        let routerPath = RouterPath(hummingbirdPath.isEmpty ? "/" : hummingbirdPath)
        let route = self
        router.on(routerPath, method: method) { request, context in
            try await route.answer(request, context, state: state)
        }
        // HEAD answers as GET would, without the body.
        if method == .get {
            router.on(routerPath, method: .head) { request, context in
                try await route.answer(request, context, state: state).headResponse
            }
        }
    }

    /// The page's answer: the login page when it needs one; a successful POST recorded in the audit log.
    func answer(_ request: Request, _ context: AppRequestContext, state: ServerState) async throws -> Response {
        let page: WebPage
        do {
            page = try await WebPage.open(self, request: request, context: context, state: state)
        } catch let redirect as LoginRequired {
            return HTML.redirect(redirect.location)
        }
        let response = try await handler(page)
        if method == .post {
            state.audit(action: "POST \(path)", parameters: pathParameters, scope: page.scope, request: request, context: context, response: response)
        }
        return response
    }
}

/// Thrown when a page needs a login: the page's router answers with a redirect to the login page, which
/// brings the person back afterwards.
struct LoginRequired: Error {
    let location: String
}

/// What a page handler works with: the request, who is asking, in which orchestra and language, the
/// submitted form, and how to answer (render a template, redirect after a POST).
struct WebPage: Sendable {
    let request: Request
    let context: AppRequestContext
    let scope: Scope
    let sessionToken: String?
    let language: Language
    let form: WebForm

    var state: ServerState { scope.state }
    var words: Words { language.words }
    var user: User? { scope.principal?.user }
    var isAdmin: Bool { user.map { $0.role == .admin || $0.role == .superadmin } ?? false }
    var gateway: OrchestraGateway { get throws { try scope.gateway } }
    var now: Date { scope.now }
    var csrf: String { sessionToken.map { Authentication.csrfToken(sessionToken: $0) } ?? "" }

    func id(_ name: String = "id") throws -> Int64 { try scope.id(name) }

    /// A query parameter, trimmed; nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces),
              !value.isEmpty else { return nil }
        return value
    }

    static func open(_ route: PageRoute, request: Request, context: AppRequestContext, state: ServerState) async throws -> WebPage {
        let parameters = context.coreContext.parameters
        let token = Authentication.sessionToken(request)
        let principal = try token.flatMap { try state.appliance.authenticate(sessionToken: $0) }
        let form = request.method == .post ? try await WebForm.read(request) : WebForm()
        let language = Language.of(principal?.user, request: request)
        if route.access == .anonymous {
            let scope = Scope(state: state, principal: principal, orchestra: principal?.orchestra, gatewayIfAny: nil, parameters: parameters)
            return WebPage(request: request, context: context, scope: scope, sessionToken: principal == nil ? nil : token,
                           language: language, form: form)
        }
        guard let principal, let token else {
            if request.method == .get || request.method == .head {
                throw LoginRequired(location: "/login?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/"))
            }
            throw LoginRequired(location: "/login")
        }
        if request.method == .post {
            guard let sent = form["csrf"], sent == Authentication.csrfToken(sessionToken: token) else {
                throw APIError(.forbidden, language.words[.formExpired])
            }
        }
        if case .orchestra = route.access, principal.orchestra == nil, principal.role == .superadmin {
            throw LoginRequired(location: "/admin")
        }
        let scope = try Authentication.authorise(principal, for: route.access, parameters: parameters, state: state, language: language)
        return WebPage(request: request, context: context, scope: scope, sessionToken: token, language: language, form: form)
    }

    /// A page from a template, inside the layout: the person's name, the navigation, the demo banner and a
    /// notice left by the redirect that brought them here.
    func render(_ template: String, title: String, section: NavSection? = nil, status: HTTPResponse.Status = .ok,
                _ values: [String: Any] = [:]) -> Response {
        var view = values
        view["lang"] = language.rawValue
        view["title"] = title
        view["t"] = language.table
        view["csrf"] = csrf
        view["path"] = request.uri.path
        view["assetVersion"] = StaticFiles.version
        if let user {
            var me: [String: Any] = ["name": user.username, "role": words.role(user.role)]
            if let orchestra = scope.principal?.orchestra { me["orchestraName"] = orchestra.name }
            me["nav"] = NavSection.visible(to: user, inOrchestra: scope.principal?.orchestra != nil).map { item -> [String: Any] in
                ["href": item.href, "label": words[item.label], "current": item == section]
            }
            view["me"] = me
        }
        if let demoClock = state.demoClock {
            let offset = demoClock.offsetSeconds
            view["demo"] = ["now": Format.dateTime(now, timeZone: timeZone, language: language), "moved": offset > 0,
                            "offset": Format.duration(hours: offset / 3600, language: language),
                            "canMove": user.map { $0.role == .admin || $0.role == .superadmin } ?? false] as [String: Any]
        }
        if let done = query("done").flatMap(Word.init(rawValue:)), done.isNotice { view["flash"] = words[done] }
        return Templates.render(template, view, language: language, status: status)
    }

    /// After a POST: back to a page (303), with a notice the next page shows.
    func redirect(_ location: String, notice: Word? = nil) -> Response {
        guard let notice else { return HTML.redirect(location) }
        // The notice goes into the query, before any `#fragment` (a browser never sends what follows `#`).
        let parts = location.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]), fragment = parts.count > 1 ? "#" + parts[1] : ""
        return HTML.redirect(path + (path.contains("?") ? "&" : "?") + "done=" + notice.rawValue + fragment)
    }

    /// The orchestra's time zone (Stockholm when none is set or outside an orchestra).
    var timeZone: String {
        (try? scope.gatewayIfAny?.settings().timeZone) ?? nil ?? OrchestraSettings.defaultTimeZone
    }
}

/// The submitted form: URL-encoded or multipart (uploads), with repeated fields (checkboxes) kept.
struct WebForm: Sendable {
    struct Upload: Sendable {
        let filename: String
        let contentType: String
        let data: Data
    }

    var values: [String: [String]] = [:]
    var uploads: [String: Upload] = [:]

    /// The first value of a field as sent (nil when absent).
    subscript(_ name: String) -> String? { values[name]?.first }

    /// The field trimmed; nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { values[name] ?? [] }
    func ids(_ name: String) -> [Int64] { all(name).compactMap { Int64($0) }.filter { $0 > 0 } }
    func checked(_ name: String) -> Bool { self[name].map { $0 == "on" || $0 == "true" || $0 == "1" } ?? false }

    /// Uploads may be large (a CSV, a score); anything else is small.
    static let uploadLimit = 20 << 20
    static let formLimit = 1 << 20

    static func read(_ request: Request) async throws -> WebForm {
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = parameter("boundary", of: type) else { throw APIError(.badRequest, "the upload has no multipart boundary") }
            return try multipart(try await JSON.body(request, limit: uploadLimit), boundary: boundary)
        }
        return urlEncoded(try await JSON.body(request, limit: formLimit))
    }

    static func urlEncoded(_ data: Data) -> WebForm {
        var form = WebForm()
        for pair in String(decoding: data, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first, !key.isEmpty else { continue }
            form.values[key, default: []].append(parts.count > 1 ? parts[1] : "")
        }
        return form
    }

    static func multipart(_ data: Data, boundary: String) throws -> WebForm {
        var form = WebForm()
        for part in try MultipartBody.parts(data, boundary: boundary) {
            guard let name = part.name else { continue }
            if let filename = part.filename {
                guard !filename.isEmpty || !part.body.isEmpty else { continue }  // a file field left empty
                form.uploads[name] = Upload(filename: filename, contentType: part.contentType ?? "application/octet-stream", data: part.body)
            } else {
                form.values[name, default: []].append(String(decoding: part.body, as: UTF8.self))
            }
        }
        return form
    }

    /// `boundary` in `multipart/form-data; boundary="abc"`.
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}

/// Field errors of a form, shown beside the fields when the form comes back with what was typed.
struct FieldErrors {
    private(set) var messages: [String: String] = [:]
    var isEmpty: Bool { messages.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        if messages[field] == nil { messages[field] = message }
    }

    /// For the template: `errors.email`.
    var view: [String: String] { messages }
}

/// The sections of the staff interface's navigation.
enum NavSection: String, CaseIterable, Sendable {
    case dashboard, musicians, projects, lists, instruments, communication, settings

    var href: String {
        switch self {
        case .dashboard: return "/"
        case .communication: return "/outbox"
        default: return "/" + rawValue
        }
    }

    var label: Word {
        switch self {
        case .dashboard: return .navDashboard
        case .musicians: return .navMusicians
        case .projects: return .navProjects
        case .lists: return .navLists
        case .instruments: return .navInstruments
        case .communication: return .navCommunication
        case .settings: return .navSettings
        }
    }

    static func visible(to user: User, inOrchestra: Bool) -> [NavSection] {
        guard inOrchestra else { return [] }
        let admin = user.role == .admin || user.role == .superadmin
        return allCases.filter { $0 != .settings || admin }
    }
}
