import StageSubCore
import Testing

@Suite("How many SMS a text takes")
struct SMSLengthTests {
    @Test("GSM-7 and UCS-2, single and in parts", arguments: [
        (String(repeating: "a", count: 160), SMSLength.Encoding.gsm7, 160, 1),
        (String(repeating: "a", count: 161), .gsm7, 161, 2),
        (String(repeating: "å", count: 153 * 2), .gsm7, 306, 2),
        (String(repeating: "€", count: 80), .gsm7, 160, 1),  // an extension character counts two
        (String(repeating: "€", count: 81), .gsm7, 162, 2),
        ("Göteborgs Symfoniker söker cello", .gsm7, 32, 1),
        ("Mahler 5 — vår", .ucs2, 14, 1),
        (String(repeating: "—", count: 70), .ucs2, 70, 1),
        (String(repeating: "—", count: 71), .ucs2, 71, 2),
        (String(repeating: "🎻", count: 35), .ucs2, 70, 1),  // an emoji is two UTF-16 units
        (String(repeating: "🎻", count: 36), .ucs2, 72, 2),
    ])
    func length(text: String, encoding: SMSLength.Encoding, units: Int, parts: Int) {
        let length = SMSLength(text)
        #expect(length.encoding == encoding && length.units == units && length.parts == parts)
    }
}
