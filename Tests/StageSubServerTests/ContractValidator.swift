import Foundation
@testable import StageSubServer
import Testing

/// Checks a response against the OpenAPI document the server publishes: its status is documented for
/// the route, and its JSON body fits the schema for that status. Objects are closed: a property the
/// schema does not name is drift, so the document and what the routes send cannot part ways unnoticed.
/// (A small JSON Schema subset, exactly what the document uses: $ref, anyOf, type, enum, format,
/// properties, required, additionalProperties, items, minimum, maximum.)
struct ContractValidator: @unchecked Sendable {  // read-only after init
    static let shared = ContractValidator()
    let document: [String: Any]
    let templates: [(method: String, segments: [Substring], path: String)]

    init() {
        document = ((try? JSONSerialization.jsonObject(with: OpenAPI.document)) as? [String: Any]) ?? [:]
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        templates = paths.flatMap { path, operations in operations.keys.map { ($0.uppercased(), path.split(separator: "/"), path) } }
    }

    /// The problems of one response, or none.
    func problems(method: String, uri: String, status: Int, contentType: String?, body: String) -> [String] {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        // The demo clock exists only on a demo appliance, outside the API document.
        guard path.hasPrefix("/api/v1/"), !path.hasPrefix("/api/v1/demo/") else { return [] }
        let segments = path.split(separator: "/")
        // The most specific template: fewest `{…}` segments among those that match.
        let candidates = templates.filter { t in
            t.method == method && t.segments.count == segments.count
                && zip(t.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        guard let template = candidates.min(by: { a, b in a.segments.filter { $0.hasPrefix("{") }.count < b.segments.filter { $0.hasPrefix("{") }.count }) else {
            return status == 404 || status == 405 ? [] : ["\(method) \(path): no such operation in the document"]
        }
        let operation = (document["paths"] as? [String: Any])?[template.path] as? [String: Any]
        let responses = (operation?[method.lowercased()] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
        guard let response = responses[String(status)] as? [String: Any] else {
            // A fault, or a method the path does not have: not the contract (tests that expect one assert it themselves).
            if status == 500 || status == 405 { return [] }
            return ["\(method) \(template.path): status \(status) is not documented (\(responses.keys.sorted().joined(separator: ", ")))"]
        }
        guard let content = response["content"] as? [String: Any], let json = content["application/json"] as? [String: Any],
              let schema = json["schema"] as? [String: Any], (contentType ?? "").hasPrefix("application/json") else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body.utf8), options: .fragmentsAllowed) else {
            return ["\(method) \(template.path) \(status): the body is not JSON"]
        }
        return validate(value, schema, at: "\(method) \(template.path) \(status) body")
    }

    /// The problems of a value against one of the document's component schemas.
    func problems(_ value: Any, component name: String) -> [String] {
        validate(value, ["$ref": "#/components/schemas/\(name)"], at: name)
    }

    func validate(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any] else {
                return ["\(path): unknown schema \(ref)"]
            }
            return validate(value, target, at: path)
        }
        if let options = schema["anyOf"] as? [[String: Any]] {
            return options.contains { validate(value, $0, at: path).isEmpty } ? [] : ["\(path): fits none of its alternatives"]
        }
        if let allowed = schema["enum"] as? [String] {
            guard let text = value as? String, allowed.contains(text) else { return ["\(path): \(value) is not one of \(allowed)"] }
        }
        switch schema["type"] as? String {
        case "string":
            guard let text = value as? String else { return ["\(path): \(value) is not a string"] }
            if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: text) == nil { return ["\(path): \(text) is not a date-time"] }
            if schema["format"] as? String == "date", text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil { return ["\(path): \(text) is not a date"] }
        case "integer":
            guard let number = value as? NSNumber, !(value is String), number.doubleValue == number.doubleValue.rounded() else {
                return ["\(path): \(value) is not an integer"]
            }
            if let minimum = schema["minimum"] as? Int, number.intValue < minimum { return ["\(path): \(number) is below \(minimum)"] }
            if let maximum = schema["maximum"] as? Int, number.intValue > maximum { return ["\(path): \(number) is above \(maximum)"] }
        case "number":
            guard value is NSNumber else { return ["\(path): \(value) is not a number"] }
        case "boolean":
            guard value is Bool || value is NSNumber else { return ["\(path): \(value) is not a boolean"] }
        case "null":
            guard value is NSNull else { return ["\(path): \(value) is not null"] }
        case "array":
            guard let items = value as? [Any] else { return ["\(path): not an array"] }
            guard let itemSchema = schema["items"] as? [String: Any] else { return [] }
            return items.enumerated().flatMap { validate($0.element, itemSchema, at: "\(path)[\($0.offset)]") }
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            var problems: [String] = []
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for required in schema["required"] as? [String] ?? [] where object[required] == nil {
                problems.append("\(path): \(required) is missing")
            }
            let additional = schema["additionalProperties"] as? [String: Any]
            for (key, inner) in object {
                if let propertySchema = properties[key] {
                    problems += validate(inner, propertySchema, at: "\(path).\(key)")
                } else if let additional {
                    problems += validate(inner, additional, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path): \(key) is not in the schema")
                }
            }
            return problems
        default: break
        }
        return []
    }
}
