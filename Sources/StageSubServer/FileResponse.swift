import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubStore

/// An uploaded file as the browser gets it: always a download, never a page of this origin. Its stored
/// type is believed only for a few harmless kinds; anything else (HTML, SVG, scripts) is plain bytes.
enum FileResponse {
    /// Types served as themselves: scores, parts and pictures.
    static let allowedTypes: Set<String> = [
        "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
        "application/vnd.recordare.musicxml+xml", "application/vnd.recordare.musicxml", "application/vnd.recordare.musicxml+zip",
    ]

    static func make(_ file: StoredFile, data: Data) -> Response {
        let type = HTTPMediaType.essence(file.mimeType)
        let served = allowedTypes.contains(type) ? type : "application/octet-stream"
        return Response(status: .ok, headers: [
            .contentType: served,
            .contentDisposition: disposition(file.fileName),
            .init("Content-Security-Policy")!: "sandbox; default-src 'none'",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `attachment` with an ASCII fallback name and the real one percent-encoded (RFC 6266, RFC 5987).
    static func disposition(_ name: String) -> String {
        let fallback = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && !"\"\\;".unicodeScalars.contains($0) ? Character($0) : "_" })
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

/// Media types compared as RFC 9110 says: the type and subtype, case-insensitive, without parameters.
enum HTTPMediaType {
    static func essence(_ value: String?) -> String {
        (value ?? "").split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// Refuses a body whose type is not exactly `expected` (`application/jsonp` is not JSON).
    static func require(_ request: Request, _ expected: String, hint: String) throws {
        guard essence(request.headers[.contentType]) == expected else {
            throw APIError(.unsupportedMediaType, "send the body as \(hint) with Content-Type: \(expected)")
        }
    }
}
