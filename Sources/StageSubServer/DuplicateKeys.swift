import Foundation

/// Finds a key that appears twice in one JSON object. Written by hand because neither Foundation's
/// JSONSerialization nor JSONDecoder reports it (both keep one of the values silently), and a request
/// whose meaning depends on which one won must be refused. Only called on bodies JSONSerialization has
/// already accepted, so this scanner may assume well-formed JSON.
enum DuplicateKeys {
    /// The first repeated key (with its path, e.g. `quantity` or `items[0].id`), or nil.
    static func first(in data: Data) -> String? {
        var scanner = Scanner(bytes: [UInt8](data))
        return scanner.value(path: "")
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Scans one value; returns the first duplicate key inside it.
        mutating func value(path: String) -> String? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var seen = Set<String>()
                while true {
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    let key = string()
                    let keyPath = path.isEmpty ? key : "\(path).\(key)"
                    if !seen.insert(key).inserted { return keyPath }
                    skipSpace()
                    index += 1  // the colon
                    if let found = value(path: keyPath) { return found }
                }
            case UInt8(ascii: "["):
                index += 1
                var position = 0
                while true {
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; position += 1; continue }
                    if let found = value(path: "\(path)[\(position)]") { return found }
                }
            case UInt8(ascii: "\""):
                _ = string()
                return nil
            default:
                // A number, true, false or null: up to the next delimiter.
                while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
                return nil
            }
        }

        /// A string token, decoded (escapes resolved through JSONSerialization for exactness).
        mutating func string() -> String {
            let start = index
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
            let token = Data(bytes[start..<min(index, bytes.count)])
            return (try? JSONSerialization.jsonObject(with: token, options: .fragmentsAllowed) as? String) ?? String(decoding: token, as: UTF8.self)
        }
    }
}
