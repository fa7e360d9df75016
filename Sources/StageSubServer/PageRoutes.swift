import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOPosix
import StageSubCore
import StageSubStore

/// Routes that are not JSON but belong to the API document: musicians' answer pages, health and metrics.
/// (The staff interface's pages are `WebPages`; they are for people and not in the document.)
/// They are in the same table as the API, so the OpenAPI document lists them too.
/// `/healthz`'s answer.
struct Liveness: APIContent {
    let status: String
    static let example = Liveness(status: "ok")
}

extension ServerState {
    static let loginCSRFCookie = "stagesub_login_csrf"

    static func pageRoutes() -> [APIRoute] {
        let html = "text/html"
        return [
            APIRoute(method: .get, path: "/healthz", summary: "Liveness: the process is up and the registry is readable.",
                     access: .anonymous, reply: Liveness.self, errors: [503], reportSchemas: [503: .of(Liveness.self)]) { _, _, scope in
                scope.state.appliance.registry.isReadable()
                    ? JSONReply(body: Liveness(status: "ok"))
                    : JSONReply(body: Liveness(status: "registry unreadable"), status: .serviceUnavailable)
            },
            APIRoute(method: .get, path: "/metrics", summary: "Prometheus metrics (text exposition format); per-orchestra series. "
                     + "With --metrics-token-file, only for `Authorization: Bearer <token>`.", access: .anonymous,
                     errors: [401], produces: "text/plain") { request, _, scope in
                let state = scope.state
                try state.checkMetricsToken(request)
                // Opens each orchestra for its gauges (off the event loop), so count the open ones after.
                let orchestras = try await Blocking.run { state.sampleOrchestras() }
                let text = state.metrics.render(now: scope.now, openDatabases: state.pool.openSlugs.count,
                                                orchestras: orchestras, appliance: state.sampleAppliance())
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            },
            APIRoute(method: .get, path: "/r/{token}", summary: "A musician's answer page (changes nothing).", access: .anonymous,
                     errors: [403, 404], produces: html) { request, _, scope in
                try AnswerPages.show(request, scope)
            },
            APIRoute(method: .head, path: "/r/{token}", summary: "Like GET, without the page (changes nothing).", access: .anonymous,
                     errors: [403, 404], produces: html) { request, _, scope in
                try AnswerPages.show(request, scope).headResponse
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
            // Checking a password is tens of milliseconds of Argon2id: done on NIO's pool for blocking work, so
            // the event loop this request runs on keeps serving its other connections meanwhile.
            let userAgent = request.headers[.userAgent]
            session = try await Blocking.run { [appliance] in
                try appliance.login(username, password: password, clientAddress: address, userAgent: userAgent)
            }
        } catch let error as StoreError {
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
}
