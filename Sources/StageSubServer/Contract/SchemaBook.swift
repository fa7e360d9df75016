import Foundation

/// Makes JSON Schemas from Swift types while the OpenAPI document is built: a type's schema is what
/// `SchemaEncoder` records while its example encodes itself (outputs), or what `SchemaDecoder` records
/// while its `init(from:)` runs (inputs). Named types (`APIContent.componentName`) are recorded once into
/// `components` and referred to with `$ref`. Anything it cannot describe goes into `problems`, which a
/// test requires to be empty.
final class SchemaBook {
    private(set) var components: [(String, JSONValue)] = []
    private(set) var problems: [String] = []
    /// The type behind each component, for the tests that encode their examples.
    private(set) var componentTypes: [(name: String, type: any APIContent.Type)] = []
    private var named: [String: ObjectIdentifier] = [:]

    func problem(_ text: String) { problems.append(text) }

    // MARK: Outputs

    /// The schema of an output type; `value`, when given, is what its encoding is recorded from (else the
    /// type's example).
    func schema<T: Encodable>(of type: T.Type, value: T? = nil) -> JSONValue {
        if let primitive = Self.primitive(type) { return primitive }
        if let optional = type as? any OptionalSchema.Type { return optional.nullableSchema(in: self, value: value) }
        if let enumeration = type as? any SchemaEnumeration.Type { return Schema.enumeration(enumeration.schemaValues) }
        if let list = type as? any ListSchema.Type { return list.listSchema(in: self, value: value) }
        if let map = type as? any MapSchema.Type { return map.mapSchema(in: self, value: value) }
        let content = type as? any APIContent.Type
        if let content, let name = content.componentName {
            define(name, content)
            return Schema.ref(name)
        }
        guard let sample = value ?? example(of: content) as? T else {
            problem("\(T.self): no example to record its schema from (make it APIContent)")
            return Schema.object([:])
        }
        return record(sample)
    }

    private func example(of content: (any APIContent.Type)?) -> Any? {
        guard let content else { return nil }
        do { return try content.example } catch {
            problem("\(content): its example cannot be made: \(error)")
            return nil
        }
    }

    /// Records a component once (a type that refers to itself gets the `$ref` while it is recorded).
    private func define(_ name: String, _ content: any APIContent.Type) {
        if let known = named[name] {
            if known != ObjectIdentifier(content) { problem("two types are named \(name) in the document: \(content) and another") }
            return
        }
        named[name] = ObjectIdentifier(content)
        componentTypes.append((name, content))
        func recorded<C: APIContent>(_ type: C.Type) -> JSONValue {
            guard let value = example(of: type) as? C else { return Schema.object([:]) }
            return record(value)
        }
        components.append((name, recorded(content)))
    }

    /// Encodes the value with the recording encoder and applies its type's annotations.
    private func record<T: Encodable>(_ value: T) -> JSONValue {
        let recording = Recording()
        do { try value.encode(to: SchemaEncoder(book: self, recording: recording)) } catch {
            problem("\(T.self): recording its encoding failed: \(error)")
        }
        if let content = T.self as? any APIContent.Type { annotate(recording, with: content.annotations, of: "\(T.self)") }
        return recording.schema(closed: false)
    }

    /// JSON's own types, as `JSON.encoder` writes them (dates as ISO 8601 text).
    static func primitive(_ type: Any.Type) -> JSONValue? {
        switch type {
        case is String.Type: return Schema.string
        case is Bool.Type: return Schema.boolean
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
             is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type: return Schema.integer
        case is Double.Type, is Float.Type: return Schema.number
        case is Date.Type: return Schema.dateTime
        default: return nil
        }
    }

    // MARK: Inputs

    /// The schema of a request body: closed (unknown fields are refused), with its type's annotations.
    func inputSchema<T: APIInput>(of type: T.Type) -> JSONValue {
        let recording = Recording()
        do { _ = try T(from: SchemaDecoder(book: self, recording: recording)) } catch {
            problem("\(T.self): recording its decoding failed: \(error)")
        }
        annotate(recording, with: T.annotations, of: "\(T.self)")
        return recording.schema(closed: true)
    }

    /// The JSON keys a request body may have, in the order `init(from:)` reads them.
    func inputFields<T: APIInput>(of type: T.Type) -> [String] {
        let recording = Recording()
        _ = try? T(from: SchemaDecoder(book: self, recording: recording))
        return recording.properties.map(\.name)
    }

    /// A value of a decodable type with every property set and every optional filled (what the recording
    /// decoder hands `init(from:)`): the example of a type that can be decoded.
    func placeholder<T: Decodable>(_ type: T.Type) throws -> T {
        try input(of: T.self, into: Recording())
    }

    /// Decodes a placeholder of `T` while recording its shape into `recording`.
    func input<T: Decodable>(of type: T.Type, into recording: Recording, at path: [any CodingKey] = []) throws -> T {
        if let value = Self.placeholderPrimitive(T.self) {
            if recording.value == nil { recording.value = Self.primitive(T.self) }
            return value
        }
        let decoder = SchemaDecoder(book: self, recording: recording, codingPath: path)
        decoder.annotations = (T.self as? any APIContent.Type)?.annotations ?? (T.self as? any APIInput.Type)?.annotations ?? [:]
        if let enumeration = T.self as? any SchemaEnumeration.Type {
            recording.value = Schema.enumeration(enumeration.schemaValues)
            decoder.nextString = enumeration.schemaValues.first
        }
        return try T(from: decoder)
    }

    /// A value of each of JSON's own types, for placeholders.
    static func placeholderPrimitive<T>(_ type: T.Type) -> T? {
        let value: Any? = switch type {
        case is String.Type: "text"
        case is Bool.Type: true
        case is Int.Type: 1
        case is Int8.Type: Int8(1)
        case is Int16.Type: Int16(1)
        case is Int32.Type: Int32(1)
        case is Int64.Type: Int64(1)
        case is UInt.Type: UInt(1)
        case is UInt8.Type: UInt8(1)
        case is UInt16.Type: UInt16(1)
        case is UInt32.Type: UInt32(1)
        case is UInt64.Type: UInt64(1)
        case is Double.Type: 1.5
        case is Float.Type: Float(1.5)
        case is Date.Type: Date(timeIntervalSince1970: 1_800_000_000)
        default: nil
        }
        // (Not `value as? T` on nil: that casts to `.some(nil)` when T is an Optional.)
        guard let value else { return nil }
        return value as? T
    }

    // MARK: Annotations

    private func annotate(_ recording: Recording, with annotations: [String: [SchemaNote]], of type: String) {
        for (key, notes) in annotations.sorted(by: { $0.key < $1.key }) {
            guard let index = recording.properties.firstIndex(where: { $0.name == key }) else {
                problem("\(type): an annotation names \(key), which it does not have")
                continue
            }
            for note in notes {
                var property = recording.properties[index]
                switch note {
                case .alwaysSent: property.required = true
                case .date: property.refine { $0.adding([("format", .string("date"))]) }
                case .oneOf(let values): property.refine { $0.adding([("enum", .array(values.map(JSONValue.string)))]) }
                case .range(let range):
                    property.refine { $0.adding([("minimum", .int(range.lowerBound)), ("maximum", .int(range.upperBound))]) }
                case .about(let text): property.describe(text)
                }
                recording.properties[index] = property
            }
        }
    }
}

/// What a recording encoder or decoder saw of one value: an object's properties, an array's items, or
/// a single value.
final class Recording {
    struct Property {
        let name: String
        var content: Content
        var required: Bool
        var description: String? = nil

        enum Content {
            case schema(JSONValue)
            case nested(Recording)
        }

        /// Changes the schema of the value itself (inside `anyOf` with null, and each item of an array).
        mutating func refine(_ change: @escaping (JSONValue) -> JSONValue) {
            switch content {
            case .schema(let schema): content = .schema(schema.refined(change))
            case .nested(let recording): content = .schema(recording.schema(closed: false).refined(change))
            }
        }

        mutating func describe(_ text: String) { description = text }

        func schema(closed: Bool) -> JSONValue {
            let schema: JSONValue
            switch content {
            case .schema(let given): schema = given
            case .nested(let recording): schema = recording.schema(closed: closed)
            }
            guard let description else { return schema }
            return schema.adding([("description", .string(description))])
        }
    }

    var properties: [Property] = []
    var isObject = false
    var items: Recording?
    var value: JSONValue?
    var nullable = false

    func property(_ name: String, _ content: Property.Content, required: Bool) {
        isObject = true
        if let index = properties.firstIndex(where: { $0.name == name }) {
            properties[index] = Property(name: name, content: content, required: required)
        } else {
            properties.append(Property(name: name, content: content, required: required))
        }
    }

    /// As JSON Schema; `closed` adds `additionalProperties: false` to objects (request bodies).
    func schema(closed: Bool) -> JSONValue {
        var schema: JSONValue
        if isObject {
            var pairs: [(String, JSONValue)] = [("type", .string("object")),
                                                 ("properties", .object(properties.map { ($0.name, $0.schema(closed: closed)) }))]
            let required = properties.filter(\.required).map(\.name)
            if !required.isEmpty { pairs.append(("required", .array(required.map(JSONValue.string)))) }
            if closed { pairs.append(("additionalProperties", .bool(false))) }
            schema = .object(pairs)
        } else if let items {
            schema = Schema.array(items.schema(closed: closed))
        } else if let value {
            schema = value
        } else if nullable {
            return Schema.null
        } else {
            schema = .object([])
        }
        return nullable ? Schema.nullable(schema) : schema
    }
}

extension JSONValue {
    /// The object with these members added (or replaced).
    func adding(_ members: [(String, JSONValue)]) -> JSONValue {
        guard case .object(var pairs) = self else { return self }
        for (key, value) in members {
            if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value } else { pairs.append((key, value)) }
        }
        return .object(pairs)
    }

    func member(_ key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Applies a change to the value's own schema: the non-null branch of a nullable one, and the items
    /// of an array.
    func refined(_ change: (JSONValue) -> JSONValue) -> JSONValue {
        if case .array(let options)? = member("anyOf") {
            return adding([("anyOf", .array(options.map { $0 == Schema.null ? $0 : $0.refined(change) }))])
        }
        if member("type") == .string("array"), let items = member("items") {
            return adding([("items", items.refined(change))])
        }
        return change(self)
    }
}

/// `Optional<Wrapped>`: the wrapped type's schema, or null.
protocol OptionalSchema {
    static func nullableSchema(in book: SchemaBook, value: Any?) -> JSONValue
}

extension Optional: OptionalSchema where Wrapped: Encodable {
    static func nullableSchema(in book: SchemaBook, value: Any?) -> JSONValue {
        Schema.nullable(book.schema(of: Wrapped.self, value: value.flatMap { $0 as? Wrapped }))
    }
}

/// Arrays and sets: their element's schema.
protocol ListSchema {
    static func listSchema(in book: SchemaBook, value: Any?) -> JSONValue
}

extension Array: ListSchema where Element: Encodable {
    static func listSchema(in book: SchemaBook, value: Any?) -> JSONValue {
        Schema.array(book.schema(of: Element.self, value: (value as? [Element])?.first))
    }
}

extension Set: ListSchema where Element: Encodable {
    static func listSchema(in book: SchemaBook, value: Any?) -> JSONValue {
        Schema.array(book.schema(of: Element.self, value: (value as? Set<Element>)?.first))
    }
}

/// Dictionaries keyed by text: an object whose every member has the value's schema.
protocol MapSchema {
    static func mapSchema(in book: SchemaBook, value: Any?) -> JSONValue
}

extension Dictionary: MapSchema where Key == String, Value: Encodable {
    static func mapSchema(in book: SchemaBook, value: Any?) -> JSONValue {
        Schema.map(book.schema(of: Value.self, value: (value as? [String: Value])?.values.first))
    }
}
