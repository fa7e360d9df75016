import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes(value))))
    }

    /// The JSON the API sends for a value: hand-written by a `JSONWritable` on hot paths, else `encoder`'s.
    static func bytes(_ value: some Encodable) -> [UInt8] {
        if let writable = value as? any JSONWritable {
            var json = JSONWriter(capacity: 16 * 1024)
            writable.write(to: &json)
            return json.bytes
        }
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Every error's body (`Error` in the document).
    struct ErrorBody: APIContent {
        struct Detail: Encodable { let status: Int; let message: String }
        let error: Detail

        static let componentName: String? = "Error"
        static let example = ErrorBody(error: .init(status: 404, message: "not found"))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        response(ErrorBody(error: .init(status: Int(status.code), message: message)), status: status)
    }

    /// The request's body, at most `limit` bytes (413 beyond).
    static func body(_ request: Request, limit: Int) async throws -> Data {
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "the request body is larger than \(limit / 1024) KiB")
        }
    }

    /// Decodes a JSON body, naming the field and the problem when it does not fit; a field not among
    /// `fields` (what the type reads, `InputContract`) is an error, not silently ignored.
    static func decode<T: APIInput>(_ type: T.Type, from request: Request, fields known: [String], limit: Int = 1 << 20) async throws -> T {
        try HTTPMediaType.require(request, "application/json", hint: "JSON")
        let data = try await body(request, limit: limit)
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object")
        }
        if let twice = DuplicateKeys.first(in: data) { throw APIError.badField(twice, "appears twice in the object") }
        if let huge = hugeNumber(in: fields) { throw APIError.badField(huge, "the number is too large") }
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badField(unknown, "unknown field (known: \(known.joined(separator: ", ")))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(.badRequest, describe(error))
        }
    }

    /// A JSON object of string values (settings).
    static func decodeStringMap(from request: Request) async throws -> [String: String] {
        try HTTPMediaType.require(request, "application/json", hint: "JSON")
        let data = try await body(request, limit: 64 << 10)
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object")
        }
        if let twice = DuplicateKeys.first(in: data) { throw APIError.badField(twice, "appears twice in the object") }
        var result: [String: String] = [:]
        for (key, value) in fields {
            guard let text = value as? String else { throw APIError.badField(key, "must be a string") }
            result[key] = text
        }
        return result
    }

    /// The path of a number no field can hold (beyond a 64-bit integer, or not finite), or nil: the decoder
    /// would only say the body is not valid JSON, without naming the field.
    static func hugeNumber(in value: Any, path: String = "") -> String? {
        switch value {
        case let object as [String: Any]:
            for (key, inner) in object.sorted(by: { $0.key < $1.key }) {
                if let found = hugeNumber(in: inner, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        case let array as [Any]:
            for (index, inner) in array.enumerated() { if let found = hugeNumber(in: inner, path: "\(path)[\(index)]") { return found } }
        case let number as NSNumber where !(number is Bool):
            let double = number.doubleValue
            if !double.isFinite || abs(double) >= 9.2e18 { return path }
        default: break
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let all = keys + (last.map { [$0] } ?? [])
            return all.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath, key)): is required"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)): must not be null"
        case .typeMismatch(let type, let context):
            let name = type == String.self ? "a string" : type == Bool.self ? "true or false"
                : (type == Int.self || type == Int64.self) ? "a whole number" : type == Double.self ? "a number"
                : "\(type)".hasPrefix("Array") ? "a list" : "\(type)".contains("Dictionary") ? "an object" : "a value of another type"
            return "\(path(context.codingPath)): must be \(name)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body does not fit"
        }
    }
}

/// Query parameters with clear errors.
struct Query: Sendable {
    let request: Request

    func string(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.badField(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `limit` (1–500, default 50) and `offset`.
    func page() throws -> (limit: Int, offset: Int) {
        (try int("limit", default: 50, range: 1...500), try int("offset", default: 0, range: 0...10_000_000))
    }

    func bool(_ name: String) throws -> Bool {
        guard let raw = string(name) else { return false }
        switch raw { case "true", "1": return true; case "false", "0": return false
        default: throw APIError.badField(name, "must be true or false") }
    }
}
