import Foundation

extension HTML {
    /// Fields of an `application/x-www-form-urlencoded` body, one value each (the last, when repeated).
    static func form(_ data: Data) -> [String: String] {
        WebForm.urlEncoded(data).values.compactMapValues(\.last)
    }
}
