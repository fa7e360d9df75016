import Foundation
import StageSubCore
import StageSubStore

/// The OpenAPI 3.1 document, made from the same route table as the router; its schemas are recorded
/// from the types the routes read and answer with (`APIContent`, `APIInput`, `SchemaBook`).
enum OpenAPI {
    static let document: Data = (try? JSON.encoder.encode(build(ServerState.routes).document)) ?? Data()

    static let statusText: [Int: String] = [
        200: "OK", 201: "Created", 204: "No content", 303: "Redirect", 400: "Malformed input: the message names the field",
        401: "Not logged in, or wrong credentials", 403: "Not allowed for this role, missing CSRF token, or suspended",
        404: "Not found (also: belongs to another orchestra)", 409: "The current state does not allow it",
        410: "Expired", 413: "Body too large", 415: "Wrong content type", 422: "Rejected rows, by line", 429: "Too many failed logins",
        503: "Being restored or busy; try again",
    ]

    /// The document, and what the schema book could not describe (a test wants none).
    static func build(_ routes: [APIRoute]) -> (document: JSONValue, problems: [String]) {
        let book = SchemaBook()
        let errorSchema = book.schema(of: JSON.ErrorBody.self)
        var paths: [(String, [(String, JSONValue)])] = []
        for route in routes {
            var operation: [(String, JSONValue)] = [
                ("summary", .string(route.summary)),
                ("operationId", .string(route.method.rawValue.lowercased() + route.path.replacingOccurrences(of: "{", with: "by_")
                    .replacingOccurrences(of: "}", with: "").split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).joined(separator: "_"))),
                ("x-access", .string(route.access.label)),
            ]
            var parameters = route.pathParameters.map { name in
                JSONValue.object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                                  ("schema", name == "slug" || name == "token" || name == "file" ? Schema.string : Schema.integer)])
            }
            parameters += route.queryParameters.map { parameter in
                JSONValue.object([("name", .string(parameter.name)), ("in", .string("query")), ("required", .bool(false)),
                                  ("description", .string(parameter.description)), ("schema", parameter.schema)])
            }
            if !parameters.isEmpty { operation.append(("parameters", .array(parameters))) }
            if let body = route.requestBody {
                operation.append(("requestBody", .object([("required", .bool(true)),
                    ("content", .object([(route.requestContentType, .object([("schema", body.describe(book))]))]))])))
            } else if route.requestContentType != "application/json" {
                operation.append(("requestBody", .object([("required", .bool(true)),
                    ("content", .object([(route.requestContentType, .object([("schema", Schema.object([:]))]))]))])))
            }
            var responses: [(String, JSONValue)] = []
            for status in route.statuses {
                var response: [(String, JSONValue)] = [("description", .string(statusText[status] ?? "\(status)"))]
                if status == route.success.status, status != 204, status != 303 {
                    let schema = route.success.schema?.describe(book) ?? Schema.string
                    response.append(("content", .object([(route.produces, .object([("schema", schema)]))])))
                } else if let report = route.reportSchemas[status] {
                    response.append(("content", .object([("application/json", .object([("schema", report.describe(book))]))])))
                } else if status >= 400, route.produces == "application/json" || route.path.hasPrefix("/api/") {
                    response.append(("content", .object([("application/json", .object([("schema", errorSchema)]))])))
                }
                responses.append((String(status), .object(response)))
            }
            operation.append(("responses", .object(responses)))
            if case .anonymous = route.access {} else {
                operation.append(("security", .array([.object([("session", .array([]))]), .object([("apiKey", .array([]))])])))
            }
            if let index = paths.firstIndex(where: { $0.0 == route.path }) {
                paths[index].1.append((route.method.rawValue.lowercased(), .object(operation)))
            } else {
                paths.append((route.path, [(route.method.rawValue.lowercased(), .object(operation))]))
            }
        }
        let document = JSONValue.object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("StageSub")), ("version", .string(StageSubVersion.current)),
                              ("description", .string("Substitute musicians for orchestras. Log in with POST /api/v1/login (cookie session; "
                                + "send X-CSRF-Token on changes) or send an orchestra API key as Authorization: Bearer. "
                                + "Every orchestra route works in the caller's own orchestra only."))])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([
                    ("session", .object([("type", .string("apiKey")), ("in", .string("cookie")), ("name", .string(Authentication.sessionCookie))])),
                    ("apiKey", .object([("type", .string("http")), ("scheme", .string("bearer"))])),
                ])),
                ("schemas", .object(book.components.sorted { $0.0 < $1.0 })),
            ])),
        ])
        return (document, book.problems)
    }
}
