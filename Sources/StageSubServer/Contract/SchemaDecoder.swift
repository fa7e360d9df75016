import Foundation

/// A `Decoder` that reads no JSON but records the shape a type's `init(from:)` asks for: each key, its
/// type, required when read with `decode` and optional (and nullable: `JSONDecoder` takes `null` for
/// absent) when read with `decodeIfPresent`. It hands back placeholder values (every optional filled),
/// so a decodable type's example comes from it too.
final class SchemaDecoder: Decoder {
    let book: SchemaBook
    let recording: Recording
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// The text a string enumeration's `init(from:)` gets: its first value.
    var nextString: String?
    /// The annotations of the type being decoded, so placeholders fit them (an allowed value, a day, a bound).
    var annotations: [String: [SchemaNote]] = [:]

    init(book: SchemaBook, recording: Recording, codingPath: [any CodingKey] = []) {
        self.book = book
        self.recording = recording
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        recording.isObject = true
        return KeyedDecodingContainer(KeyedInputRecorder<Key>(book: book, recording: recording, codingPath: codingPath, annotations: annotations))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if recording.items == nil { recording.items = Recording() }
        return UnkeyedInputRecorder(book: book, recording: recording.items ?? Recording(), codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleInputRecorder(decoder: self)
    }
}

private struct KeyedInputRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let book: SchemaBook
    let recording: Recording
    let codingPath: [any CodingKey]
    let annotations: [String: [SchemaNote]]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    private func field<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) throws -> T {
        let nested = Recording()
        nested.nullable = !required
        recording.property(key.stringValue, .nested(nested), required: required)
        let value = try book.input(of: T.self, into: nested, at: codingPath + [key])
        for note in annotations[key.stringValue] ?? [] {
            let fitting: Any? = switch note {
            case .oneOf(let values): values.first
            case .date: "2026-03-01"
            case .range(let range): range.lowerBound
            default: nil
            }
            if let fitting = fitting as? T { return fitting }
        }
        return value
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(type, key, required: true) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(type, key, required: true) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(type, key, required: true) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try field(type, key, required: true) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(type, key, required: true) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try field(type, key, required: true) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try field(type, key, required: true) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try field(type, key, required: true) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(type, key, required: true) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try field(type, key, required: true) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try field(type, key, required: true) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try field(type, key, required: true) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(type, key, required: true) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(type, key, required: true) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try field(type, key, required: true) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try field(type, key, required: false) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try field(type, key, required: false) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try field(type, key, required: false) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let nested = Recording()
        recording.property(key.stringValue, .nested(nested), required: true)
        return try SchemaDecoder(book: book, recording: nested, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let nested = Recording()
        recording.property(key.stringValue, .nested(nested), required: true)
        return try SchemaDecoder(book: book, recording: nested, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { SchemaDecoder(book: book, recording: Recording(), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { SchemaDecoder(book: book, recording: Recording(), codingPath: codingPath + [key]) }
}

/// An array of one placeholder item, whose shape is the items' schema.
private struct UnkeyedInputRecorder: UnkeyedDecodingContainer {
    let book: SchemaBook
    /// The items' recording.
    let recording: Recording
    let codingPath: [any CodingKey]
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(book: SchemaBook, recording: Recording, codingPath: [any CodingKey]) {
        self.book = book
        self.recording = recording
        self.codingPath = codingPath
    }

    private mutating func item<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try book.input(of: T.self, into: recording, at: codingPath)
    }

    mutating func decodeNil() throws -> Bool { false }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try item(type) }
    mutating func decode(_ type: String.Type) throws -> String { try item(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try item(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try item(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try item(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try item(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try item(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try item(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try item(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try item(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try item(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try item(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try item(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try item(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try item(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        currentIndex += 1
        return try SchemaDecoder(book: book, recording: recording, codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        currentIndex += 1
        return try SchemaDecoder(book: book, recording: recording, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { SchemaDecoder(book: book, recording: Recording(), codingPath: codingPath) }
}

private struct SingleInputRecorder: SingleValueDecodingContainer {
    let decoder: SchemaDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    /// `Optional`'s `init(from:)` asks first: the value may be null.
    func decodeNil() -> Bool {
        decoder.recording.nullable = true
        return false
    }

    private func value<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == String.self, let text = decoder.nextString {
            decoder.nextString = nil
            if decoder.recording.value == nil { decoder.recording.value = Schema.string }
            if let text = text as? T { return text }
        }
        return try decoder.book.input(of: T.self, into: decoder.recording, at: codingPath)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    func decode(_ type: String.Type) throws -> String { try value(type) }
    func decode(_ type: Double.Type) throws -> Double { try value(type) }
    func decode(_ type: Float.Type) throws -> Float { try value(type) }
    func decode(_ type: Int.Type) throws -> Int { try value(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }
}
