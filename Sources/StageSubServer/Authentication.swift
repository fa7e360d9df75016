import Foundation
import Hummingbird
import HTTPTypes
import StageSubCore
import StageSubStore

/// Turns a request's cookie or bearer key into a principal, checks the route's access rule and CSRF, and
/// hands out the one orchestra gateway the principal may use.
enum Authentication {
    static let sessionCookie = "stagesub_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The CSRF token of a session: derived from the session token, so it needs no storage and dies with it.
    static func csrfToken(sessionToken: String) -> String {
        String(Appliance.secretHash("csrf:" + sessionToken).prefix(40))
    }

    static func sessionToken(_ request: Request) -> String? {
        guard let token = request.cookies[sessionCookie]?.value, !token.isEmpty, token.count < 200 else { return nil }
        return token
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// The principal behind a request, if any (bearer key first, then session cookie).
    static func principal(_ request: Request, state: ServerState) throws -> (Principal, sessionToken: String?)? {
        if let key = bearer(request) {
            guard let principal = try state.appliance.authenticate(apiKey: key) else {
                throw APIError(.unauthorized, "the API key is unknown or revoked", headers: [.wwwAuthenticate: "Bearer"])
            }
            return (principal, nil)
        }
        if let token = sessionToken(request), let principal = try state.appliance.authenticate(sessionToken: token) {
            return (principal, token)
        }
        return nil
    }

    static func scope(for route: APIRoute, request: Request, context: AppRequestContext, state: ServerState) async throws -> Scope {
        let parameters = context.coreContext.parameters
        if route.access == .anonymous {
            let found = try? principal(request, state: state)
            return Scope(state: state, principal: found?.0, orchestra: nil, gatewayIfAny: nil, parameters: parameters)
        }
        guard let (principal, token) = try principal(request, state: state) else {
            throw APIError(.unauthorized, "log in first (POST /api/v1/login) or send an API key as Authorization: Bearer")
        }
        // A browser session may only change things with the CSRF token it was given at login.
        if let token, ![.get, .head, .options].contains(request.method) {
            guard let sent = request.headers[csrfHeader], sent == csrfToken(sessionToken: token) else {
                throw APIError(.forbidden, "missing or wrong X-CSRF-Token header (it comes with the login response and GET /api/v1/session)")
            }
        }
        return try authorise(principal, for: route.access, parameters: parameters, state: state, language: nil)
    }

    /// The scope a principal gets for a route's access rule, or a 403 saying why not (in the page's
    /// language for pages; the API answers in English).
    static func authorise(_ principal: Principal, for access: Access, parameters: Parameters, state: ServerState,
                          language: Language?) throws -> Scope {
        let words = language?.words
        switch access {
        case .anonymous, .authenticated:
            return Scope(state: state, principal: principal, orchestra: principal.orchestra,
                         gatewayIfAny: nil, parameters: parameters)
        case .superadmin:
            guard principal.role == .superadmin else { throw APIError(.forbidden, words?[.onlySuperadmin] ?? "only a superadmin may do this") }
            return Scope(state: state, principal: principal, orchestra: nil, gatewayIfAny: nil, parameters: parameters)
        case .orchestra(let minimum):
            guard let orchestra = principal.orchestra else {
                throw APIError(.forbidden, "a superadmin acts inside an orchestra after entering it (POST /api/v1/admin/orchestras/{slug}/enter)")
            }
            let allowed: Bool
            switch (minimum, principal.role) {
            case (.user, _): allowed = true
            case (.admin, .admin), (.admin, .superadmin): allowed = principal.user != nil
            case (.superadmin, .superadmin): allowed = true
            default: allowed = false
            }
            guard allowed else { throw APIError(.forbidden, words?[.onlyAdmin] ?? "only an admin of the orchestra may do this") }
            return Scope(state: state, principal: principal, orchestra: orchestra, gatewayIfAny: try state.gateway(orchestra),
                         parameters: parameters)
        }
    }

    /// The session cookie, as the browser should keep it.
    static func cookie(_ token: String, expires: Date?, secure: Bool) -> String {
        var parts = ["\(sessionCookie)=\(token)", "Path=/", "HttpOnly", "SameSite=Lax"]
        if let expires { parts.append("Max-Age=\(max(0, Int(expires.timeIntervalSinceNow)))") } else { parts.append("Max-Age=0") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}

/// Failed logins, per account and per client address, kept in memory (a restart forgets them, which
/// only ever helps a legitimate user).
/// - An account (however its name was typed: spaces, case, or its email) that failed `perAccount` times
///   is refused until `window` has passed since its last failure.
/// - An address that failed `perAddress` times is slowed, never refused: every further attempt from it
///   waits a little longer (up to `maximumSlowdown`). Behind a proxy all users share one address, so a
///   refusal there would let anyone lock every account of the appliance out with made-up names.
final class LoginThrottle: Sendable {
    static let perAccount = 5
    static let perAddress = 20
    static let window: TimeInterval = 15 * 60
    static let maximumSlowdown: Duration = .seconds(5)

    enum Decision: Equatable {
        case proceed(after: Duration)
        case refuse(wait: TimeInterval)
    }

    private let failures = Mutex<[String: [Date]]>([:])
    let clock: any WallClock
    /// How much longer each failure beyond the address limit makes the next attempt wait.
    let slowdownStep: Duration

    init(clock: any WallClock, slowdownStep: Duration = .milliseconds(500)) {
        self.clock = clock
        self.slowdownStep = slowdownStep
    }

    /// Whether an attempt for this account (its resolved key) from this address may go ahead, and after
    /// how long.
    func check(account: String, address: String?) -> Decision {
        let now = clock.now()
        return failures.withLock { table in
            func recent(_ key: String) -> [Date] {
                let kept = (table[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
                table[key] = kept.isEmpty ? nil : kept
                return kept
            }
            let accountFailures = recent("account:" + account)
            if accountFailures.count >= Self.perAccount, let last = accountFailures.last {
                return .refuse(wait: Self.window - now.timeIntervalSince(last))
            }
            let over = recent("address:" + (address ?? "unknown")).count - Self.perAddress + 1
            guard over > 0 else { return .proceed(after: .zero) }
            return .proceed(after: min(Self.maximumSlowdown, slowdownStep * over))
        }
    }

    func recordFailure(account: String, address: String?) {
        let now = clock.now()
        failures.withLock { table in
            for key in ["account:" + account, "address:" + (address ?? "unknown")] { table[key, default: []].append(now) }
        }
    }

    func recordSuccess(account: String) {
        _ = failures.withLock { $0.removeValue(forKey: "account:" + account) }
    }
}
