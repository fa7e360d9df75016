/// How long an SMS is on the air: GSM-7 when every character is in the GSM 03.38 alphabet (160 per
/// single message, 153 per part when split), otherwise UCS-2 (70, or 67 per part, counted in UTF-16
/// units, so an emoji takes two). One `—` or `’` turns a whole message into UCS-2 and can double its cost.
public struct SMSLength: Sendable, Equatable {
    public enum Encoding: String, Sendable, Codable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    public let encoding: Encoding
    /// Septets (GSM-7, an extension character counts two) or UTF-16 units (UCS-2).
    public let units: Int
    /// How many messages the phone network carries; above 1 the text arrives split and joined again.
    public let parts: Int

    public init(_ text: String) {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) { septets += 1 } else if Self.extended.contains(scalar) { septets += 2 } else { gsm = false; break }
        }
        if gsm {
            encoding = .gsm7
            units = septets
            parts = septets <= 160 ? 1 : (septets + 152) / 153
        } else {
            encoding = .ucs2
            units = text.utf16.count
            parts = units <= 70 ? 1 : (units + 66) / 67
        }
    }

    /// `2 parts (UCS-2, 95 units)`, for an admin.
    public var summary: String { "\(parts) part\(parts == 1 ? "" : "s") (\(encoding.rawValue), \(units) \(encoding == .gsm7 ? "characters" : "UTF-16 units"))" }

    // GSM 03.38 basic character set and the characters reached through its escape (two septets each).
    static let basic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars)
    static let extended = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
