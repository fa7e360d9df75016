import Foundation

/// The markup of a musician's own page and the "my link" page: every value escaped with `HTML.escape`.
/// Kept apart from `MusicianPageView` so it can become a template without touching the data.
enum MusicianPageMarkup {
    static func page(_ view: MusicianPageView) -> String {
        let e = HTML.escape, w = view.words, p = e(view.path)
        func cards(_ list: [MusicianPageView.RequestCard], answering: Bool) -> String {
            guard !list.isEmpty else { return "<p class=note>\(w["none"]!)</p>" }
            return list.map { card in
                var html = "<div class=item><h3>\(e(card.project))</h3><p>\(e(card.position))<br>\(e(card.dates))</p>"
                if !card.details.isEmpty {
                    html += "<dl>" + card.details.map { "<dt>\(e($0.label))</dt><dd>\(e($0.text))</dd>" }.joined() + "</dl>"
                }
                html += "<p class=note>\(e(card.state))</p>"
                if answering {
                    for (answer, css) in [("accept", "accept"), ("decline", "decline")] {
                        html += "<form method=post action=\"\(p)/answer\"><input type=hidden name=request value=\"\(card.requestId)\">"
                            + "<input type=hidden name=answer value=\(answer)><button class=\(css)>\(w[answer]!)</button></form>"
                    }
                }
                return html + "</div>"
            }.joined()
        }
        func errorFor(_ form: String) -> String {
            guard let error = view.error, error.form == form else { return "" }
            return "<p class=error>\(e(error.message))</p>"
        }
        let kept = { (field: String) in e(view.kept[field] ?? "") }
        let blackouts = view.blackouts.isEmpty ? "<p class=note>\(w["none"]!)</p>" : "<table>" + view.blackouts.map { row in
            "<tr><td>\(e(row.dates))</td><td>\(e(row.note))</td><td><form method=post action=\"\(p)/blackouts/\(row.id)/delete\">"
                + "<button class=decline>\(w["remove"]!)</button></form></td></tr>"
        }.joined() + "</table>"
        let languages = [("sv", "Svenska"), ("en", "English")].map { code, name in
            "<option value=\(code)\(view.language == code ? " selected" : "")>\(name)</option>"
        }.joined()
        return """
            <div class=card><p class=note>\(e(view.orchestraName))</p><h1>\(e(view.greeting))</h1>\
            \(view.notice.map { "<p class=ok>\(e($0))</p>" } ?? "")\(errorFor("answer"))\
            \(view.contact.isEmpty ? "" : "<p class=note>\(w["contact"]!) \(e(view.contact))</p>")</div>
            <div class=card><h2>\(w["open"]!)</h2>\(cards(view.open, answering: true))</div>
            <div class=card><h2>\(w["upcoming"]!)</h2>\(cards(view.upcoming, answering: false))</div>
            <div class=card><h2>\(w["blackouts"]!)</h2><p class=note>\(w["blackoutsInfo"]!)</p>\(blackouts)\(errorFor("blackouts"))
            <form method=post action="\(p)/blackouts"><label>\(w["from"]!)<input type=date name=startDate required value="\(kept("startDate"))"></label>
            <label>\(w["to"]!)<input type=date name=endDate required value="\(kept("endDate"))"></label>
            <label>\(w["note"]!)<input type=text name=note maxlength=200 value="\(kept("note"))"></label><button class=accept>\(w["add"]!)</button></form></div>
            <div class=card><h2>\(w["details"]!)</h2>\(errorFor("details"))<form method=post action="\(p)/details">
            <label>\(w["language"]!)<select name=language>\(languages)</select></label>
            <label>\(w["phone"]!)<input type=text name=phone inputmode=tel autocomplete=tel value="\(e(view.kept["phone"] ?? view.phone))"></label>
            <button class=accept>\(w["save"]!)</button></form></div>
            <div class=card><h2>\(w["calendar"]!)</h2><p class=note>\(w["calendarInfo"]!)</p>\
            \(view.calendarURL.map { "<p>\(w["calendarMade"]!)</p><p><code>\(e($0))</code></p>" } ?? "")
            <form method=post action="\(p)/calendar-link"><button class=decline>\(w["calendarMake"]!)</button></form></div>
            <div class=card><h2>\(w["past"]!)</h2>\(cards(view.past, answering: false))</div>
            <div class=card><p><a href="\(p)/export.json">\(w["export"]!)</a></p>
            <form method=post action="\(p)/revoke"><button class=decline>\(w["revoke"]!)</button></form><p class=note>\(w["revokeInfo"]!)</p></div>
            """
    }

    /// The public "send me my link" page: the same words whether or not the address is known.
    static func linkPage(language: String, sent: Bool) -> String {
        let w = MusicianPageView.words(language)
        return """
            <div class=card><h1>\(w["linkTitle"]!)</h1>\(sent ? "<p class=ok>\(w["linkSent"]!)</p>" : "")<p>\(w["linkInfo"]!)</p>
            <form method=post action="/my-link"><label>\(w["email"]!)<input type=text name=email inputmode=email autocomplete=email required></label>
            <button class=accept>\(w["send"]!)</button></form></div>
            """
    }
}
