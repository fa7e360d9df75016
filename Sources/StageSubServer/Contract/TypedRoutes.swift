import Foundation
import Hummingbird
import HTTPTypes

/// A JSON answer whose status or headers the handler chooses (a login's cookie, an import's 422).
struct JSONReply<Body: APIContent>: Sendable {
    var body: Body
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]

    var response: Response {
        var response = JSON.response(body, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// What a typed route reads: the body's field list and schema, recorded once from the input type when
/// the route table is made.
struct InputContract: Sendable {
    let fields: [String]

    init<Input: APIInput>(_ type: Input.Type) {
        fields = SchemaBook().inputFields(of: Input.self)
    }
}

/// Routes made from types: the handler takes the decoded `Input` and returns the `Output` that is encoded
/// as the answer, and the document describes the same two types. What a handler returns is what the
/// document says by construction; only the recording of the type could be wrong, and the tests check
/// every response against the document all the same.
extension APIRoute {
    /// A JSON answer without a request body.
    init<Output: APIContent>(method: HTTPRequest.Method, path: String, summary: String, access: Access, status: HTTPResponse.Status = .ok,
                             output: Output.Type, errors: [Int] = [],
                             queryParameters: [(name: String, schema: JSONValue, description: String)] = [],
                             handler: @escaping @Sendable (Request, AppRequestContext, Scope) async throws -> Output) {
        self.init(method: method, path: path, summary: summary, access: access, success: (Int(status.code), .of(Output.self)),
                  errors: errors, queryParameters: queryParameters) { request, context, scope in
            JSON.response(try await handler(request, context, scope), status: status)
        }
    }

    /// A JSON answer to a JSON request body.
    init<Input: APIInput, Output: APIContent>(method: HTTPRequest.Method, path: String, summary: String, access: Access, input: Input.Type,
                                              status: HTTPResponse.Status = .ok, output: Output.Type, errors: [Int] = [],
                                              handler: @escaping @Sendable (Input, Request, AppRequestContext, Scope) async throws -> Output) {
        let contract = InputContract(Input.self)
        self.init(method: method, path: path, summary: summary, access: access, requestBody: .input(Input.self),
                  success: (Int(status.code), .of(Output.self)), errors: errors) { request, context, scope in
            let input = try await JSON.decode(Input.self, from: request, fields: contract.fields)
            return JSON.response(try await handler(input, request, context, scope), status: status)
        }
    }

    /// A JSON request body and an answer without one (204).
    init<Input: APIInput>(method: HTTPRequest.Method, path: String, summary: String, access: Access, input: Input.Type,
                          status: HTTPResponse.Status = .noContent, errors: [Int] = [],
                          handler: @escaping @Sendable (Input, Request, AppRequestContext, Scope) async throws -> Response) {
        let contract = InputContract(Input.self)
        self.init(method: method, path: path, summary: summary, access: access, requestBody: .input(Input.self),
                  success: (Int(status.code), nil), errors: errors) { request, context, scope in
            try await handler(try await JSON.decode(Input.self, from: request, fields: contract.fields), request, context, scope)
        }
    }

    /// A JSON answer whose status or headers the handler sets; `status` is the one documented as success,
    /// and every other status it may choose must be in `errors` (with its schema in `reportSchemas`).
    init<Output: APIContent>(method: HTTPRequest.Method, path: String, summary: String, access: Access, requestBody: BodySchema? = nil,
                             requestContentType: String = "application/json", status: HTTPResponse.Status = .ok, reply: Output.Type,
                             errors: [Int] = [], reportSchemas: [Int: BodySchema] = [:],
                             queryParameters: [(name: String, schema: JSONValue, description: String)] = [],
                             handler: @escaping @Sendable (Request, AppRequestContext, Scope) async throws -> JSONReply<Output>) {
        self.init(method: method, path: path, summary: summary, access: access, requestBody: requestBody, requestContentType: requestContentType,
                  success: (Int(status.code), .of(Output.self)), errors: errors, reportSchemas: reportSchemas,
                  queryParameters: queryParameters) { request, context, scope in
            try await handler(request, context, scope).response
        }
    }

    /// A JSON request body and an answer whose status or headers the handler sets.
    init<Input: APIInput, Output: APIContent>(method: HTTPRequest.Method, path: String, summary: String, access: Access, input: Input.Type,
                                              status: HTTPResponse.Status = .ok, reply: Output.Type, errors: [Int] = [],
                                              handler: @escaping @Sendable (Input, Request, AppRequestContext, Scope) async throws -> JSONReply<Output>) {
        let contract = InputContract(Input.self)
        self.init(method: method, path: path, summary: summary, access: access, requestBody: .input(Input.self),
                  success: (Int(status.code), .of(Output.self)), errors: errors) { request, context, scope in
            try await handler(try await JSON.decode(Input.self, from: request, fields: contract.fields), request, context, scope).response
        }
    }
}
