import Foundation
import MultipartKit
import NIOCore

/// The parts of a `multipart/form-data` body (a form with a file field), read with MultipartKit's parser.
enum MultipartBody {
    struct Part {
        var headers: [(String, String)] = []
        var body = Data()

        /// `name` and `filename` of the part's `Content-Disposition`.
        var name: String? { disposition("name") }
        var filename: String? { disposition("filename") }
        var contentType: String? { header("content-type") }

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }

        func disposition(_ key: String) -> String? {
            guard let value = header("content-disposition") else { return nil }
            for piece in value.split(separator: ";").dropFirst() {
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == key {
                    var text = pair[1]
                    if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
                    // Browsers send a file's path on some systems; only its last component is its name.
                    return key == "filename" ? String(text.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "") : text
                }
            }
            return nil
        }
    }

    static func parts(_ data: Data, boundary: String) throws -> [Part] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        parser.onHeader = { name, value in current.headers.append((name, value)) }
        parser.onBody = { buffer in current.body.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            parts.append(current)
            current = Part()
        }
        do {
            try parser.execute(ByteBuffer(bytes: data))
        } catch {
            throw APIError(.badRequest, "the upload could not be read (malformed multipart body)")
        }
        return parts
    }
}
