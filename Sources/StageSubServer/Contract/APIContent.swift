import Foundation

/// A body the JSON API sends. Its schema in `/api/v1/openapi.json` is recorded by encoding `example`
/// with `SchemaEncoder`: the document says what this type's `encode(to:)` writes, the same code that
/// answers a request, so the two cannot drift (a property added to the type is in the document at once).
///
/// Why types that describe themselves, not spec-first with swift-openapi-generator: the routes already
/// answer with these Swift types (views over the Store's records, with custom `encode(to:)` where the
/// record holds more than a client may see), and every handler, page and test uses them. Generated code
/// would bring a second set of types for the same shapes, a mapping layer between the two on every
/// route, and a YAML file to keep in step by hand: the drift would move, not go. Recording the types
/// themselves leaves one description, the one that runs.
protocol APIContent: Encodable, Sendable {
    /// A value to record the schema from. Optional properties may be nil: `encodeIfPresent` still names
    /// the key and its type.
    static var example: Self { get throws }
    /// The name in `components/schemas` (the document refers to it with `$ref`), or nil: written in place.
    static var componentName: String? { get }
    /// What the Swift type cannot say about its properties, by JSON key.
    static var annotations: [String: [SchemaNote]] { get }
}

extension APIContent {
    static var componentName: String? { nil }
    static var annotations: [String: [SchemaNote]] { [:] }
}

extension APIContent where Self: Decodable {
    /// A decodable type's example is made by `SchemaDecoder`: every property set, every optional filled.
    static var example: Self { get throws { try SchemaBook().placeholder(Self.self) } }
}

/// A JSON request body. Its field list (unknown fields are refused) and its schema in the document are
/// recorded from the type's `init(from:)` by `SchemaDecoder`: `decode` makes a field required,
/// `decodeIfPresent` optional (and nullable: the decoder takes `null` for absent).
protocol APIInput: Decodable, Sendable {
    /// What the Swift type cannot say about its fields, by JSON key.
    static var annotations: [String: [SchemaNote]] { get }
}

extension APIInput {
    static var annotations: [String: [SchemaNote]] { [:] }
}

/// What a schema says beyond the Swift type of a property.
enum SchemaNote: Sendable {
    /// A `String` holding a day, `YYYY-MM-DD`.
    case date
    /// A `String` (or each string of an array) takes one of these values.
    case oneOf([String])
    /// An optional written with `encodeIfPresent` that every value the API sends has (a stored record's id).
    case alwaysSent
    /// A whole number the API accepts only within these bounds (it answers 400 naming the field otherwise).
    case range(ClosedRange<Int>)
    /// A description for the document.
    case about(String)
}

/// A string enumeration whose values the schema lists (as `enum`).
protocol SchemaEnumeration {
    static var schemaValues: [String] { get }
}

extension SchemaEnumeration where Self: CaseIterable & RawRepresentable, RawValue == String {
    static var schemaValues: [String] { allCases.map(\.rawValue) }
}

/// Where a route's request or response schema comes from: a type (recorded) or, for what is not JSON
/// made by a type (a CSV upload, the settings map), a schema given as it is.
struct BodySchema: Sendable {
    let describe: @Sendable (SchemaBook) -> JSONValue
    /// The type's example as the API would send it (`JSON.bytes`), for the tests; nil for inputs and literals.
    var exampleJSON: (@Sendable () throws -> [UInt8])? = nil

    static func of<T: APIContent>(_ type: T.Type) -> BodySchema {
        BodySchema(describe: { $0.schema(of: T.self) }, exampleJSON: { JSON.bytes(try T.example) })
    }
    static func input<T: APIInput>(_ type: T.Type) -> BodySchema { BodySchema(describe: { $0.inputSchema(of: T.self) }) }
    static func literal(_ schema: JSONValue) -> BodySchema { BodySchema(describe: { _ in schema }) }
}

// Collections and primitives the API sends as they are.
extension Array: APIContent where Element: APIContent {
    static var example: [Element] { get throws { [try Element.example] } }
}

extension Dictionary: APIContent where Key == String, Value: APIContent {
    static var example: [String: Value] { get throws { ["key": try Value.example] } }
}

extension String: APIContent {
    static var example: String { "text" }
}
