import Foundation

/// An `Encoder` that writes no JSON but records its shape: every key a value's `encode(to:)` writes,
/// with the schema of what it writes there (`SchemaBook.schema(of:value:)`), required when written with
/// `encode` and optional when written with `encodeIfPresent`. A type with a custom `encode(to:)` is
/// recorded as that code writes it, so the document describes what is sent, not what is stored.
struct SchemaEncoder: Encoder {
    let book: SchemaBook
    let recording: Recording
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        recording.isObject = true
        return KeyedEncodingContainer(KeyedSchemaRecorder<Key>(book: book, recording: recording, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedSchemaRecorder(book: book, recording: recording, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleSchemaRecorder(book: book, recording: recording, codingPath: codingPath)
    }
}

private struct KeyedSchemaRecorder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let book: SchemaBook
    let recording: Recording
    var codingPath: [any CodingKey]

    private func put<T: Encodable>(_ value: T?, _ key: Key, required: Bool) {
        recording.property(key.stringValue, .schema(book.schema(of: T.self, value: value)), required: required)
    }

    mutating func encodeNil(forKey key: Key) throws {
        recording.property(key.stringValue, .schema(Schema.null), required: true)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(value, key, required: true) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(value, key, required: true) }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { put(value, key, required: false) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { put(value, key, required: false) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = Recording()
        recording.property(key.stringValue, .nested(nested), required: true)
        return SchemaEncoder(book: book, recording: nested, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = Recording()
        recording.property(key.stringValue, .nested(nested), required: true)
        return UnkeyedSchemaRecorder(book: book, recording: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let nested = Recording()
        recording.property("super", .nested(nested), required: true)
        return SchemaEncoder(book: book, recording: nested, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let nested = Recording()
        recording.property(key.stringValue, .nested(nested), required: true)
        return SchemaEncoder(book: book, recording: nested, codingPath: codingPath + [key])
    }
}

/// An array: its items' schema is the first item's (the API's arrays hold one type).
private struct UnkeyedSchemaRecorder: UnkeyedEncodingContainer {
    let book: SchemaBook
    let recording: Recording
    var codingPath: [any CodingKey]
    var count = 0

    init(book: SchemaBook, recording: Recording, codingPath: [any CodingKey]) {
        self.book = book
        self.recording = recording
        self.codingPath = codingPath
        if recording.items == nil { recording.items = Recording() }
    }

    private mutating func item<T: Encodable>(_ value: T) {
        count += 1
        guard let items = recording.items, items.value == nil, !items.isObject, items.items == nil else { return }
        items.value = book.schema(of: T.self, value: value)
    }

    mutating func encodeNil() throws { count += 1 }
    mutating func encode(_ value: Bool) throws { item(value) }
    mutating func encode(_ value: String) throws { item(value) }
    mutating func encode(_ value: Double) throws { item(value) }
    mutating func encode(_ value: Float) throws { item(value) }
    mutating func encode(_ value: Int) throws { item(value) }
    mutating func encode(_ value: Int8) throws { item(value) }
    mutating func encode(_ value: Int16) throws { item(value) }
    mutating func encode(_ value: Int32) throws { item(value) }
    mutating func encode(_ value: Int64) throws { item(value) }
    mutating func encode(_ value: UInt) throws { item(value) }
    mutating func encode(_ value: UInt8) throws { item(value) }
    mutating func encode(_ value: UInt16) throws { item(value) }
    mutating func encode(_ value: UInt32) throws { item(value) }
    mutating func encode(_ value: UInt64) throws { item(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { item(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        count += 1
        return SchemaEncoder(book: book, recording: recording.items ?? Recording(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        count += 1
        return UnkeyedSchemaRecorder(book: book, recording: recording.items ?? Recording(), codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { SchemaEncoder(book: book, recording: Recording(), codingPath: codingPath) }
}

private struct SingleSchemaRecorder: SingleValueEncodingContainer {
    let book: SchemaBook
    let recording: Recording
    var codingPath: [any CodingKey]

    private func set<T: Encodable>(_ value: T) {
        if recording.value == nil { recording.value = book.schema(of: T.self, value: value) }
    }

    mutating func encodeNil() throws { recording.nullable = true }
    mutating func encode(_ value: Bool) throws { set(value) }
    mutating func encode(_ value: String) throws { set(value) }
    mutating func encode(_ value: Double) throws { set(value) }
    mutating func encode(_ value: Float) throws { set(value) }
    mutating func encode(_ value: Int) throws { set(value) }
    mutating func encode(_ value: Int8) throws { set(value) }
    mutating func encode(_ value: Int16) throws { set(value) }
    mutating func encode(_ value: Int32) throws { set(value) }
    mutating func encode(_ value: Int64) throws { set(value) }
    mutating func encode(_ value: UInt) throws { set(value) }
    mutating func encode(_ value: UInt8) throws { set(value) }
    mutating func encode(_ value: UInt16) throws { set(value) }
    mutating func encode(_ value: UInt32) throws { set(value) }
    mutating func encode(_ value: UInt64) throws { set(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(value) }
}
