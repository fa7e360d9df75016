import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Hand-built markup, kept only for the one page that has not moved onto the templates yet: the readable
/// GDPR export (`PrivacyController`); and the form reader of the API's form posts (musician's page, provider
/// callbacks). Every other page is a template in Resources/templates, escaped by the template engine.
extension HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f4f0;color:#1d1d1f;line-height:1.45}
        main{max-width:36rem;margin:0 auto;padding:1.25rem}
        h1{font-size:1.45rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin-top:1.5rem}
        .card{background:#fff;border-radius:12px;padding:1rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:1rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .9rem;margin:0}dt{color:#666}dd{margin:0}
        button,input[type=submit]{font-size:1.05rem;padding:.8rem 1.2rem;border-radius:10px;border:0;cursor:pointer;width:100%;margin:.35rem 0}
        .accept{background:#1f7a3a;color:#fff}.decline{background:#e4e2dc;color:#1d1d1f}
        input[type=text],input[type=password]{font-size:1rem;padding:.6rem;width:100%;box-sizing:border-box;border:1px solid #bbb;border-radius:8px;margin:.2rem 0 .8rem}
        .note{color:#555;font-size:.92rem}.error{color:#a4161a;font-weight:600}.ok{color:#1f7a3a;font-weight:600}
        table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
        a{color:#0b5cad}
        """

    static func page(title: String, language: String, body: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let html = """
            <!doctype html><html lang="\(language)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">\
            <title>\(escape(title))</title><style>\(style)</style></head><body><main>\(body)</main></body></html>
            """
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.init("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func errorPage(status: HTTPResponse.Status, message: String, language: String) -> Response {
        let title = language == "en" ? "Something is not right" : "Något stämmer inte"
        return page(title: title, language: language,
                    body: "<div class=card><h1>\(escape(title))</h1><p>\(escape(message))</p><p class=note>\(status.code)</p></div>",
                    status: status)
    }

    /// Fields of an `application/x-www-form-urlencoded` body.
    static func form(_ data: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let key = parts.first, !key.isEmpty { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
