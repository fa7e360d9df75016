import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import StageSubStore
@_exported import Synchronization

/// Per-request context: a request id for logs and responses, and the client's address for throttling.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let requestId: String
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestId = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        logger[metadataKey: "request"] = .string(requestId)
    }

    /// JSON bodies are small; CSV imports have their own limit (`APIRoute.maxBody`).
    public var maxUploadSize: Int { 1 << 20 }
}

/// An error a client can act on: a status and a sentence. Never carries SQLite or libsodium text.
struct APIError: Error {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static func badField(_ field: String, _ problem: String) -> APIError { APIError(.badRequest, "\(field): \(problem)") }
    static let notFound = APIError(.notFound, "not found")
}

extension StoreError {
    /// The HTTP face of a store error. Faults of the appliance itself (disk, keys, damage) become a 500
    /// whose message names only the request id; the details go to the log.
    var httpStatus: HTTPResponse.Status? {
        switch code {
        case .invalidInput, .invalidKey: return .badRequest
        case .notFound, .fileMissing: return .notFound
        case .conflict, .fileExists: return .conflict
        case .limitReached: return .forbidden
        case .unauthorised: return .unauthorized
        case .forbidden: return .forbidden
        case .busy: return .serviceUnavailable
        case .wrongKey, .notSealed, .damaged, .io, .database, .notInitialised: return nil
        }
    }
}

/// Outermost: request id, access log, metrics, and one place that turns every error into a clear answer
/// (JSON under /api, HTML elsewhere), 404 into 405 where the path exists with another method.
struct OutermostMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let state: ServerState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = errorResponse(error, request: request, context: context)
        }
        response.headers[.init("X-Request-Id")!] = context.requestId
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[.init("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
        if state.configuration.secureCookies {
            // Only behind TLS (what --secure-cookies says): browsers then never try plain HTTP for a year.
            response.headers[.init("Strict-Transport-Security")!] = "max-age=31536000"
        }
        if let offset = state.demoClock?.offsetSeconds, offset > 0 {
            // Every page and API answer of a moved demo appliance says so, so nobody mistakes its times for real ones.
            response.headers[.init("X-StageSub-Demo-Clock")!] = DemoClockRoutes.headerValue(offset: offset, now: state.clock.now())
        }
        let route = context.endpointPath ?? "unmatched"
        let elapsed = ContinuousClock.now - started
        state.metrics.recordRequest(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: elapsed)
        context.logger.info("\(request.method) \(route) \(response.status.code)",
                            metadata: ["ms": .string(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))])
        return response
    }

    func errorResponse(_ error: any Error, request: Request, context: Context) -> Response {
        var status: HTTPResponse.Status
        var message: String
        var headers: HTTPFields = [:]
        var problem: StoreProblem?
        switch error {
        case let error as APIError:
            (status, message, headers) = (error.status, error.message, error.headers)
        case let error as StoreError:
            if let mapped = error.httpStatus {
                (status, message, problem) = (mapped, error.message, error.problem)
            } else {
                context.logger.error("appliance fault", metadata: ["error": .string(error.message), "cause": .string(error.underlying ?? "")])
                (status, message) = (.internalServerError, "the appliance could not do that (request \(context.requestId)); the operator's log has the details")
            }
        case let error as HTTPError:
            status = error.status
            message = error.body ?? error.status.reasonPhrase
            if status == .notFound, let allowed = state.allowedMethods(for: request.uri.path), !allowed.isEmpty {
                status = .methodNotAllowed
                message = "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))"
                headers[.allow] = allowed.joined(separator: ", ")
            } else if status == .notFound {
                message = "no such page or route: \(request.uri.path)"
            } else if status == .contentTooLarge {
                message = "the request body is too large"
            }
        case let error as any HTTPResponseError where error.status.code < 500:
            (status, message) = (error.status, error.status == .contentTooLarge ? "the request body is too large" : error.status.reasonPhrase)
        default:
            context.logger.error("unexpected error", metadata: ["error": .string(String(describing: error))])
            (status, message) = (.internalServerError, "something went wrong (request \(context.requestId))")
        }
        if request.uri.path.hasPrefix("/api/") {
            var response = JSON.error(status, message)
            for field in headers { response.headers.append(field) }
            return response
        }
        var response = ErrorPages.response(status: status, message: message, problem: problem, request: request, requestId: context.requestId, state: state)
        for field in headers { response.headers.append(field) }
        return response
    }
}
