import Foundation

/// A CSV file the way Excel writes it in Sweden: `;` or `,` separated, UTF-8 with or without a byte-order
/// mark, or Windows-1252; fields in double quotes may hold separators, quotes (doubled) and line breaks.
public struct CSVTable: Sendable, Equatable {
    /// One record and the line of the file it starts on (1-based, the header is line 1).
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    public let header: [String]
    public let records: [Record]
    public let delimiter: Character

    /// Decodes and parses `data`. Throws when there is no header row or a quote is never closed.
    public init(data: Data) throws(CSVError) {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: .windowsCP1252) else {
            throw CSVError(line: 1, message: "the file is neither UTF-8 nor Windows-1252 text")
        }
        try self.init(text: text)
    }

    public init(text: String) throws(CSVError) {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        delimiter = firstLine.filter { $0 == ";" }.count >= firstLine.filter { $0 == "," }.count ? ";" : ","
        var rows = try Self.parse(text, delimiter: delimiter)
        rows.removeAll { $0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let first = rows.first else { throw CSVError(line: 1, message: "the file is empty: it needs a header row") }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        records = Array(rows.dropFirst())
    }

    static func parse(_ text: String, delimiter: Character) throws(CSVError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var chars = Array(text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c == "\r\n" ? "\n" : c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == delimiter {
                fields.append(field)
                field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                field = ""
                line += 1
                recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw CSVError(line: recordLine, message: "a quoted field is never closed") }
        if records.last?.fields == [""] { records.removeLast() }
        return records
    }
}

/// A CSV file that cannot be read at all (as opposed to a row with a bad value).
public struct CSVError: Error, Sendable, Equatable {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
