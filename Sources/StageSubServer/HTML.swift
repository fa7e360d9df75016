import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Server-rendered pages: escaped by construction, readable on a phone, no scripts, no CDN.
enum HTML {
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

    /// Swedish unless the browser prefers English.
    static func language(of request: Request) -> String {
        let accept = (request.headers[.acceptLanguage] ?? "").lowercased()
        let sv = accept.range(of: "sv")?.lowerBound
        let en = accept.range(of: "en")?.lowerBound
        if let en, sv.map({ en < $0 }) ?? true { return "en" }
        return "sv"
    }

    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// A date and time in the orchestra's time zone, as people there write it.
    static func dateTime(_ date: Date, timeZone: String, language: String) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Europe/Stockholm")
        formatter.locale = Locale(identifier: language == "en" ? "en_GB" : "sv_SE")
        formatter.dateFormat = language == "en" ? "EEEE d MMMM yyyy, HH:mm" : "EEEE d MMMM yyyy 'kl.' HH:mm"
        return formatter.string(from: date)
    }

    static func day(_ iso: String, language: String) -> String {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd"
        guard let date = parser.date(from: iso) else { return iso }
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: language == "en" ? "en_GB" : "sv_SE")
        formatter.dateFormat = "EEEE d MMMM yyyy"
        return formatter.string(from: date)
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
