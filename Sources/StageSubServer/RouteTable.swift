import Foundation
import Hummingbird
import HTTPTypes
import StageSubStore

/// A JSON value, for the OpenAPI document and for schemas.
indirect enum JSONValue: Encodable, Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case bool(Bool)

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        default: return false
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let pairs):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in pairs { try container.encode(value, forKey: Key(stringValue: key)) }
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .string(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .int(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        case .bool(let value): var c = encoder.singleValueContainer(); try c.encode(value)
        }
    }
}

/// JSON Schema, as small as the API needs.
enum Schema {
    static let string = JSONValue.object([("type", .string("string"))])
    static let integer = JSONValue.object([("type", .string("integer"))])
    static let number = JSONValue.object([("type", .string("number"))])
    static let boolean = JSONValue.object([("type", .string("boolean"))])
    static let dateTime = JSONValue.object([("type", .string("string")), ("format", .string("date-time"))])
    static let date = JSONValue.object([("type", .string("string")), ("format", .string("date"))])

    static let null = JSONValue.object([("type", .string("null"))])

    static func nullable(_ schema: JSONValue) -> JSONValue { .object([("anyOf", .array([schema, null]))]) }
    static func array(_ items: JSONValue) -> JSONValue { .object([("type", .string("array")), ("items", items)]) }
    static func enumeration(_ values: [String]) -> JSONValue { .object([("type", .string("string")), ("enum", .array(values.map(JSONValue.string)))]) }
    static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func map(_ values: JSONValue) -> JSONValue { .object([("type", .string("object")), ("additionalProperties", values)]) }

    /// An object; properties whose name ends in `?` are optional.
    static func object(_ properties: KeyValuePairs<String, JSONValue>, additional: Bool = true) -> JSONValue {
        let required = properties.map(\.key).filter { !$0.hasSuffix("?") }
        var pairs: [(String, JSONValue)] = [("type", .string("object")),
            ("properties", .object(properties.map { (String($0.key.trimmingCharacters(in: ["?"])), $0.value) }))]
        if !required.isEmpty { pairs.append(("required", .array(required.map(JSONValue.string)))) }
        if !additional { pairs.append(("additionalProperties", .bool(false))) }
        return .object(pairs)
    }

}

/// Who may call a route.
enum Access: Sendable, Equatable {
    case anonymous
    /// Anyone logged in (session or API key).
    case authenticated
    /// Inside an orchestra, with at least this role (API keys count as `user`).
    case orchestra(User.Role)
    case superadmin

    var label: String {
        switch self {
        case .anonymous: return "anyone"
        case .authenticated: return "any logged-in user or API key"
        case .orchestra(.user): return "users, admins and API keys of the orchestra (a superadmin who entered it)"
        case .orchestra(_): return "admins of the orchestra (a superadmin who entered it)"
        case .superadmin: return "superadmins"
        }
    }
}

/// What a handler gets besides the request: the state, and the principal and orchestra gateway that the
/// authentication decided. There is no way to get another orchestra's gateway from here.
struct Scope: Sendable {
    let state: ServerState
    let principal: Principal?
    let orchestra: Orchestra?
    let gatewayIfAny: OrchestraGateway?
    let parameters: Parameters

    var gateway: OrchestraGateway {
        get throws {
            guard let gatewayIfAny else { throw APIError(.forbidden, "this route works inside an orchestra") }
            return gatewayIfAny
        }
    }

    var slug: String {
        get throws { guard let orchestra else { throw APIError(.forbidden, "this route works inside an orchestra") }; return orchestra.slug }
    }

    var now: Date { state.clock.now() }

    /// A numeric path parameter; a malformed one is simply not found.
    func id(_ name: String = "id") throws -> Int64 {
        guard let raw = parameters.get(name), let value = Int64(raw), value > 0 else { throw APIError(.notFound, "not found") }
        return value
    }

    func string(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else { throw APIError(.notFound, "not found") }
        return raw
    }

    func log(_ message: String) {
        try? state.appliance.registry.log("info", "api", "\(principal?.actorName ?? "anonymous"): \(message)",
                                          orchestraId: orchestra?.id, userId: principal?.user?.id, at: now)
    }
}

typealias Handler = @Sendable (Request, AppRequestContext, Scope) async throws -> Response

/// One route of the JSON API. The router and the OpenAPI document are both made from the same list, and a
/// test calls every documented route to check that it answers as documented.
struct APIRoute: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI form: `/api/v1/musicians/{id}`.
    let path: String
    let summary: String
    let access: Access
    /// The request body's schema (nil: no JSON body); typed routes take it from their input type.
    var requestBody: BodySchema? = nil
    var requestContentType = "application/json"
    /// Success status and its body's schema (nil: no body described); typed routes take it from their
    /// output type.
    var success: (status: Int, schema: BodySchema?) = (200, nil)
    /// Other statuses this route answers with, besides those every route of its access level has.
    var errors: [Int] = []
    /// Statuses among `errors` whose body is not an `Error` but this (e.g. an import's rejected rows).
    var reportSchemas: [Int: BodySchema] = [:]
    var produces = "application/json"
    var queryParameters: [(name: String, schema: JSONValue, description: String)] = []
    let handler: Handler

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    /// Every status the route may answer with.
    var statuses: [Int] {
        var all = [success.status] + errors
        if requestBody != nil { all += [400, 413, 415] }
        if !queryParameters.isEmpty { all.append(400) }
        switch access {
        case .anonymous: break
        case .authenticated: all += [401]
        case .orchestra: all += [401, 403]
        case .superadmin: all += [401, 403]
        }
        if !pathParameters.isEmpty { all.append(404) }
        if method != .get { if case .anonymous = access {} else { all.append(403) } }
        return Array(Set(all)).sorted()
    }

    func register(on router: Router<AppRequestContext>, state: ServerState) {
        let hummingbirdPath = path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }
            .joined(separator: "/")
        let route = self
        router.on(RouterPath(hummingbirdPath), method: method) { request, context in
            let scope = try await Authentication.scope(for: route, request: request, context: context, state: state)
            let response = try await route.handler(request, context, scope)
            if route.method != .get && route.method != .head { state.audit(route, scope: scope, request: request, context: context, response: response) }
            return response
        }
        // HEAD answers as GET would, without the body (and, like GET, changes nothing), unless the table
        // gives the path a HEAD of its own.
        if method == .get && !state.activeRoutes.contains(where: { $0.method == .head && $0.path == path }) {
            router.on(RouterPath(hummingbirdPath), method: .head) { request, context in
                let scope = try await Authentication.scope(for: route, request: request, context: context, state: state)
                return try await route.handler(request, context, scope).headResponse
            }
        }
    }
}

extension ServerState {
    /// Records a change that succeeded in the orchestra's audit log: who (user, API key, or a superadmin
    /// who entered), the route and the ids in its path, when, from where. Written after the change, in its
    /// own transaction: a crash between the two can lose the entry, never the change.
    func audit(_ route: APIRoute, scope: Scope, request: Request, context: AppRequestContext, response: Response) {
        audit(action: "\(route.method.rawValue) \(route.path)", parameters: route.pathParameters, scope: scope, request: request,
              context: context, response: response)
    }

    func audit(action: String, parameters: [String], scope: Scope, request: Request, context: AppRequestContext, response: Response) {
        guard response.status.code < 400, let gateway = scope.gatewayIfAny, let principal = scope.principal else { return }
        let kind: AuditEntry.ActorKind
        let actorId: Int64?
        switch principal.kind {
        case .user(let user): (kind, actorId) = (user.role == .superadmin ? .superadmin : .user, user.id)
        case .apiKey(let key): (kind, actorId) = (.apiKey, key.id)
        }
        let target = parameters.map { "\($0)=\(scope.parameters.get($0) ?? "")" }.joined(separator: " ")
        let entry = AuditEntry(at: clock.now(), actorKind: kind, actorId: actorId, actorName: principal.actorName,
                               action: action, target: target,
                               clientAddress: clientAddress(request, context), status: Int(response.status.code))
        do { try gateway.recordAudit(entry) } catch {
            context.logger.error("audit entry not written", metadata: ["action": "\(entry.action)", "error": "\(error.message)"])
        }
    }

    /// The methods a path answers to (for 405 and its `Allow` header).
    func allowedMethods(for path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = apiRouteShapes.filter { shape in
            shape.parts.count == parts.count && zip(shape.parts, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        // The router takes a literal segment before a parameter (`/musicians/import`, not `/musicians/{id}`):
        // only the most literal shapes are this path's.
        let literals = { (shape: (method: String, parts: [Substring])) in shape.parts.filter { !$0.hasPrefix("{") }.count }
        let best = matching.map(literals).max() ?? 0
        let methods = matching.filter { literals($0) == best }.map(\.method)
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }

    var apiRouteShapes: [(method: String, parts: [Substring])] {
        activeRoutes.map { ($0.method.rawValue, $0.path.split(separator: "/")) }
            + WebPages.all.flatMap { page in
                [(page.method.rawValue, page.path.split(separator: "/"))] + (page.method == .get ? [("HEAD", page.path.split(separator: "/"))] : [])
            }
    }

    /// Every route of the appliance, pages and API: the router and the OpenAPI document are made from it.
    static let routes: [APIRoute] = pageRoutes() + MusicianPageController().routes + apiRoutes()

    /// The JSON API: one controller per resource group, and the document that describes them.
    static func apiRoutes() -> [APIRoute] {
        AccessController().routes + orchestraRoutes() + SuperadminController().routes + [
            APIRoute(method: .get, path: "/api/v1/openapi.json", summary: "This document.", access: .anonymous,
                     success: (200, .literal(Schema.object(["openapi": Schema.string, "info": Schema.object([:]), "paths": Schema.object([:]),
                                                            "components": Schema.object([:])])))) { _, _, _ in
                Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: OpenAPI.document)))
            },
        ]
    }

    /// The routes this server answers: every route, and on a demo appliance its clock.
    var activeRoutes: [APIRoute] { Self.routes + (demoClock == nil ? [] : Self.demoRoutes()) }
}

extension Response {
    /// This response as the answer to a HEAD: the same status and headers, no body, and the length the body
    /// would have had (RFC 9110, 9.3.2). Set after the body, whose setter writes the length of what it holds.
    var headResponse: Response {
        var response = self
        let length = body.contentLength
        response.body = .init()
        if let length { response.headers[.contentLength] = String(length) }
        return response
    }
}
