import StageSubStore

/// A response body that writes its JSON by hand. For the lists people load all day (a roster page is
/// hundreds of musicians), `JSONEncoder` was the largest cost of a request (docs/benchmarks.md). The
/// output is byte for byte what `JSON.encoder` writes for the same value (sorted keys, unescaped
/// slashes), which `PresentationTests` checks against the encoder.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// Writes JSON into bytes: `key` before each member of an object, a value after it; commas come by
/// themselves.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// A member's key (write them in sorted order, as the encoder sorts them); its value comes next.
    mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String?) {
        separate()
        if let value { quoted(value) } else { bytes.append(contentsOf: "null".utf8) }
        needsComma = true
    }

    mutating func integer(_ value: Int64?) {
        separate()
        bytes.append(contentsOf: (value.map { String($0) } ?? "null").utf8)
        needsComma = true
    }

    mutating func integer(_ value: Int) { integer(Int64(value)) }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func quoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escaping: copy it whole.
        let copied = value.utf8.withContiguousStorageIfAvailable { text -> Bool in
            for byte in text where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: text)
            return true
        }
        if copied == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x00..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0f)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in items { item.write(to: &json) }
        json.endArray()
        json.key("limit"); json.integer(limit)
        json.key("offset"); json.integer(offset)
        json.key("total"); json.integer(total)
        json.endObject()
    }
}

extension MusicianView: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("email"); json.string(musician.email)
        json.key("firstName"); json.string(musician.firstName)
        json.key("id"); json.integer(musician.id ?? 0)
        json.key("isActive"); json.bool(musician.isActive)
        json.key("isArchived"); json.bool(musician.isArchived)
        json.key("lastName"); json.string(musician.lastName)
        json.key("localResidence"); json.bool(musician.localResidence)
        json.key("notes"); json.string(musician.notes)
        json.key("phone"); json.string(musician.phone)
        if let positionIds {
            json.key("positionIds")
            json.beginArray()
            for id in positionIds { json.integer(id) }
            json.endArray()
        }
        json.key("preferredLanguage"); json.string(musician.preferredLanguage)
        json.endObject()
    }
}
