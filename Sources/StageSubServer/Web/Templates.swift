import Foundation
import Hummingbird
import HTTPTypes
import Mustache
import NIOCore
import StageSubResources

/// The templates, parsed once when the server starts: one library per language, with the interface's
/// words (`{{t.key}}`) already in the text. A page renders only its data; the hundreds of fixed words a
/// long table repeats in every row (`data-label="{{t.musician}}"`) cost nothing per request. Each word is
/// escaped by the template engine itself, rendering it through a one-tag template, so the words meet the
/// same escaping as data. A template that does not parse stops the server at start-up (and fails the
/// template tests), never a page.
enum Templates {
    static let libraries: [Language: MustacheLibrary] = {
        // The content type every template names (below) is known to the engine once, before any is parsed.
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        return Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, library($0)) })
    }()

    private static func library(_ language: Language) -> MustacheLibrary {
        var library = MustacheLibrary()
        let escape = wordTemplate
        for (name, text) in StageSubAssets.templates {
            // Every template, partials and layouts included, starts in the escaping below: the engine resets a
            // partial to its own HTML escaping, so each one sets it again.
            let source = "{{% CONTENT_TYPE: \(HTMLEscaping.name) }}" + withWords(text, language, escape: escape)
            do { try library.register(source, named: name) } catch {
                fatalError("template \(name) does not parse: \(error)")
            }
        }
        return library
    }

    /// `text` with every `{{t.key}}` the word table has replaced by that word, escaped for HTML by the engine.
    /// A key the table lacks stays a tag (it renders empty; the template test names it).
    static func withWords(_ text: String, _ language: Language, escape: MustacheTemplate = wordTemplate) -> String {
        let table = language.table
        return text.replacing(/\{\{t\.([A-Za-z0-9]+)\}\}/) { match in
            table[String(match.1)].map { escape.render(["word": $0]) } ?? String(match.0)
        }
    }

    /// One tag, rendered with a word: the engine's own HTML escaping of it.
    static var wordTemplate: MustacheTemplate {
        do { return try MustacheTemplate(string: "{{word}}") } catch { fatalError("the word template does not parse: \(error)") }
    }

    static func html(_ name: String, _ view: [String: Any], language: Language) -> String {
        libraries[language]?.render(view, withTemplate: name) ?? "template \(name) is missing"
    }

    static func render(_ name: String, _ view: [String: Any], language: Language, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html(name, view, language: language))))
    }

    /// Pages load only their own stylesheet and script; forms post only here; no framing.
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .init("Content-Security-Policy")!: "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ]
}

/// The HTML escaping the template engine applies to every `{{variable}}`: the same five characters as
/// swift-mustache's own HTML content type (`<`, `>`, `&`, `"`, `'`), and the same replacements. Written by
/// hand because the library's walks a value Character by Character (grapheme breaking) with a dictionary
/// lookup for each, about a fifth of a long page's rendering (docs/benchmarks.md); this scans UTF-8 bytes
/// and hands back a value without any of the five (most names, dates and numbers) untouched. The engine
/// still decides what is escaped; `TemplateTests` checks that both escape alike.
struct HTMLEscaping: MustacheContentType {
    static let name = "STAGESUBHTML"

    func escapeText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: Self.isSpecial) else { return nil }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + 32)
            out.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
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

// The values the views hand the engine are mostly strings and integers. Without these, the engine renders one
// through three failed protocol casts and `String(describing:)` (a fourth and fifth cast); with them, through
// the one cast it tries first. The rendered text is the same (`WebPagesTests.valuesRenderAsText`): a string is itself, an integer
// its decimal digits, and neither is ever the engine's "null".
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { false }
}

extension Int: @retroactive MustacheCustomRenderable {
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}

extension Int64: @retroactive MustacheCustomRenderable {
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}
