import Foundation
import StageSubCore
import StageSubStore

/// One email as it goes over SMTP: UTF-8 text (base64, so no line is too long and no line starts with a
/// dot), attachments as a multipart/mixed message, non-ASCII headers as RFC 2047 encoded words.
public struct OutgoingEmail: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var fileName: String
        public var mimeType: String
        public var data: Data

        public init(fileName: String, mimeType: String, data: Data) {
            self.fileName = fileName
            self.mimeType = mimeType
            self.data = data
        }
    }

    public var from: String
    public var fromName: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var body: String
    public var attachments: [Attachment]
    public var date: Date
    /// Without angle brackets, e.g. `42.8f3a…@stagesub`.
    public var messageId: String

    public init(from: String, fromName: String, to: String, replyTo: String? = nil, subject: String, body: String,
                attachments: [Attachment] = [], date: Date, messageId: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.date = date
        self.messageId = messageId
    }

    /// Whether an address can go into a header and an SMTP command as it is.
    public static func isDeliverable(_ address: String) -> Bool { EmailAddress.isHeaderSafe(address) }

    /// The message in RFC 5322 form, CRLF line ends, ready for SMTP's DATA (before dot-stuffing).
    public func rendered() -> String {
        var headers = [
            "From: \(Self.displayName(fromName)) <\(from)>",
            "To: <\(to)>",
        ]
        if let replyTo { headers.append("Reply-To: <\(replyTo)>") }
        headers += [
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageId)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        let text = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
                    Self.base64Lines(Data(body.utf8))].joined(separator: "\r\n")
        guard !attachments.isEmpty else { return (headers + [text]).joined(separator: "\r\n") + "\r\n" }

        let boundary = "stagesub-" + messageId.filter { $0.isLetter || $0.isNumber }
        var parts = ["--\(boundary)\r\n\(text)"]
        for file in attachments {
            // `name=` as an encoded word for old readers, `filename*=` per RFC 2231 for everyone else.
            let name = Self.encodedWord(file.fileName.replacingOccurrences(of: "\"", with: "'"))
            let type = file.mimeType.contains(where: { $0.isWhitespace || $0 == ";" }) ? "application/octet-stream" : file.mimeType
            parts.append("""
                --\(boundary)\r
                Content-Type: \(type);\r
                 name="\(name)"\r
                Content-Disposition: attachment;\(Self.rfc2231("filename", file.fileName))\r
                Content-Transfer-Encoding: base64\r
                \r
                \(Self.base64Lines(file.data))
                """)
        }
        headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined(separator: "\r\n") + "\r\n--\(boundary)--\r\n"
    }

    /// A display name as RFC 5322 wants it: plain words as they are, other ASCII as a quoted string (so
    /// "GSO, kansliet" stays one name, not two addresses), anything else as encoded words.
    static func displayName(_ name: String) -> String {
        let clean = name.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.allSatisfy({ $0.isASCII }), !clean.contains("=?"), clean.utf8.count <= 900 else { return encodedWord(clean) }
        let atext = "!#$%&'*+-/=?^_`{|}~ "
        if !clean.isEmpty, clean.allSatisfy({ $0.isLetter || $0.isNumber || atext.contains($0) }), clean.first != " ", clean.last != " " {
            return clean
        }
        return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A parameter per RFC 2231: ` name*0*=utf-8''…;` continuations of percent-encoded UTF-8, each on its
    /// own folded line, so a long or non-ASCII file name survives every reader.
    static func rfc2231(_ parameter: String, _ value: String) -> String {
        var pieces: [String] = []
        var current = ""
        for character in value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") {
            let encoded = percentEncoded(String(character))
            if current.count + encoded.count > 50 { pieces.append(current); current = "" }
            current += encoded
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces.enumerated().map { index, piece in
            "\r\n \(parameter)*\(index)*=\(index == 0 ? "utf-8''" : "")\(piece)\(index == pieces.count - 1 ? "" : ";")"
        }.joined()
    }

    /// Base64 in lines of 76 characters.
    static func base64Lines(_ data: Data) -> String {
        let encoded = Array(data.base64EncodedString().utf8)
        var lines: [String] = []
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            lines.append(String(decoding: encoded[start..<end], as: UTF8.self))
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// ASCII text as it is; anything else as `=?utf-8?B?…?=` words of whole characters, each short
    /// enough for a header line.
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII && $0 != "=" && $0 != "?" }) && clean.utf8.count <= 900 { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if chunk.utf8.count + character.utf8.count > 39 {
                words.append("=?utf-8?B?\(Data(chunk.utf8).base64EncodedString())?=")
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?utf-8?B?\(Data(chunk.utf8).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
