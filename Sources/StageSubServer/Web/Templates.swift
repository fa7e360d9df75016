import Foundation
import Hummingbird
import HTTPTypes
import Mustache
import NIOCore
import StageSubResources

/// The templates, parsed once when the server starts. A template that does not parse stops the server at
/// start-up (and fails the template tests), never a page.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in StageSubAssets.templates {
            do { try library.register(text, named: name) } catch { fatalError("template \(name) does not parse: \(error)") }
        }
        return library
    }()

    static func html(_ name: String, _ view: [String: Any]) -> String {
        library.render(view, withTemplate: name) ?? "template \(name) is missing"
    }

    static func render(_ name: String, _ view: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html(name, view))))
    }

    /// Pages load only their own stylesheet and script; forms post only here; no framing.
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .init("Content-Security-Policy")!: "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ]
}

/// `/static/app.css` and `/static/app.js`. Their URLs carry a version made from their content, so a
/// browser may keep them for a day and still gets a new one after an upgrade.
enum StaticFiles {
    static let version: String = {
        var hash: UInt64 = 1469598103934665603  // FNV-1a over every file: changes when any does
        for name in StageSubAssets.staticFiles.keys.sorted() {
            for byte in StageSubAssets.staticFiles[name]! { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        }
        return String(hash % 0xFFFF_FFFF, radix: 36)
    }()

    static func response(_ name: String) -> Response? {
        guard let bytes = StageSubAssets.staticFiles[name] else { return nil }
        let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
