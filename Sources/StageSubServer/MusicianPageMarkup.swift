import Foundation

/// A musician's own page and the "my link" page as template values (`musician-page`, `my-link`): every
/// value is escaped by the template engine.
enum MusicianPageMarkup {
    static func values(_ view: MusicianPageView) -> [String: Any] {
        func cards(_ list: [MusicianPageView.RequestCard]) -> [[String: Any]] {
            list.map { card in
                ["requestId": card.requestId, "project": card.project, "position": card.position, "dates": card.dates, "state": card.state,
                 "hasDetails": !card.details.isEmpty, "details": card.details.map { ["label": $0.label, "text": $0.text] }, "path": view.path]
            }
        }
        func error(_ form: String) -> Any { view.error.flatMap { $0.form == form ? $0.message : nil } ?? false }
        return [
            "path": view.path, "orchestraName": view.orchestraName, "greeting": view.greeting,
            "notice": view.notice ?? false as Any, "contact": view.contact.isEmpty ? false : view.contact as Any,
            "answerError": error("answer"), "blackoutsError": error("blackouts"), "detailsError": error("details"),
            "open": cards(view.open), "upcoming": cards(view.upcoming), "past": cards(view.past),
            "hasBlackouts": !view.blackouts.isEmpty,
            "blackouts": view.blackouts.map { ["id": $0.id, "dates": $0.dates, "note": $0.note, "path": view.path] as [String: Any] },
            "keptStart": view.kept["startDate"] ?? "", "keptEnd": view.kept["endDate"] ?? "", "keptNote": view.kept["note"] ?? "",
            "phone": view.kept["phone"] ?? view.phone,
            "languages": [("sv", "Svenska"), ("en", "English")].map { ["value": $0.0, "label": $0.1, "selected": view.language == $0.0] as [String: Any] },
            "calendarURL": view.calendarURL ?? false as Any,
        ]
    }

    static func page(_ view: MusicianPageView, status: HTTPResponse.Status = .ok) -> Response {
        AnswerPages.page(view.language, title: view.title, template: "musician-page", status: status, values(view))
    }

    /// The public "send me my link" page: the same words whether or not the address is known.
    static func linkPage(language: String, sent: Bool = false, revoked: Bool = false, error: String? = nil,
                         status: HTTPResponse.Status = .ok) -> Response {
        AnswerPages.page(language, title: Language(language).words[.mpLinkTitle], template: "my-link", status: status,
                         ["sent": sent, "revoked": revoked, "formError": error ?? false as Any])
    }
}

import Hummingbird
import HTTPTypes
