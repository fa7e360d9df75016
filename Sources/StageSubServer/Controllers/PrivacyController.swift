import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// Everything held about a musician, as JSON (for the musician, a machine, or a request under GDPR).
struct ExportView: APIContent {
    struct Request: APIContent {
        let requestId: Int64, project: String, startDate: String, endDate: String?, position: String, status: String
        let sentAt: Date, deadlineAt: Date, respondedAt: Date?, withdrawnAt: Date?

        static let annotations: [String: [SchemaNote]] = ["startDate": [.date], "endDate": [.date]]
        static let example = Request(requestId: 1, project: "Mahler 5", startDate: "2026-03-01", endDate: "2026-03-04", position: "Violin 1, Tutti",
                                     status: "accepted", sentAt: Date(), deadlineAt: Date(), respondedAt: Date(), withdrawnAt: Date())
    }
    struct Message: Encodable { let type: String, channel: String, recipient: String, subject: String, body: String, status: String, createdAt: Date }
    struct Ranking: Encodable { let list: String; let rank: Int }
    let orchestra: String
    let exportedAt: Date
    let musician: MusicianView
    let erasedAt: Date?
    let createdAt: Date
    let positions: [String]
    let rankings: [Ranking]
    let blackouts: [BlackoutView]
    let requests: [Request]
    let messages: [Message]
    let links: [LinkView]

    static let componentName: String? = "MusicianExport"
    static var example: ExportView {
        get throws {
            ExportView(orchestra: "Alpha", exportedAt: Date(), musician: try .example, erasedAt: Date(), createdAt: Date(), positions: ["Violin 1, Tutti"],
                       rankings: [Ranking(list: "Violin 1, Tutti (A)", rank: 1)], blackouts: [try .example],
                       requests: [.example],
                       messages: [Message(type: "request", channel: "email", recipient: "anna@example.org", subject: "Förfrågan", body: "…",
                                          status: "sent", createdAt: Date())],
                       links: [try .example])
        }
    }
}

extension ExportView {
    init(_ export: MusicianExport) {
        orchestra = export.orchestraName
        exportedAt = export.exportedAt
        musician = MusicianView(musician: export.musician, positionIds: nil)
        erasedAt = export.musician.erasedAt
        createdAt = export.musician.createdAt
        positions = export.positions
        rankings = export.rankings.map { Ranking(list: $0.list, rank: $0.rank) }
        blackouts = export.blackouts.map(BlackoutView.init)
        requests = export.requests.map {
            Request(requestId: $0.requestId, project: $0.projectName, startDate: $0.startDate, endDate: $0.endDate,
                    position: "\($0.instrumentName), \($0.positionName)", status: $0.status.rawValue, sentAt: $0.sentAt,
                    deadlineAt: $0.deadlineAt, respondedAt: $0.respondedAt, withdrawnAt: $0.withdrawnAt)
        }
        messages = export.messages.map { Message(type: $0.type, channel: $0.channel, recipient: $0.recipient, subject: $0.subject, body: $0.body,
                                                 status: $0.status, createdAt: $0.createdAt) }
        links = export.links.map(LinkView.init)
    }

    /// The same as a readable page (the `export` template; every value escaped by the template engine).
    func page(language: Language) -> Response {
        let w = language.words, m = musician.musician
        let time = { (date: Date) in date.formatted(.iso8601) }
        func rows(_ list: [[String]]) -> [[String: Any]] { list.map { ["cells": $0] } }
        let facts: [(Word, String)] = [(.email, m.email), (.phone, m.phone ?? ""), (.language, m.preferredLanguage), (.notes, m.notes ?? ""),
                                        (.localResidence, m.localResidence ? w[.yes] : w[.no]), (.activeMusician, m.isActive ? w[.yes] : w[.no]),
                                        (.created, time(createdAt)), (.exportedAt, time(exportedAt))]
        let sections: [(Word, [[String]])] = [
            (.positionsPlayed, positions.map { [$0] } + rankings.map { [$0.list, "#\($0.rank)"] }),
            (.mpBlackouts, blackouts.map { ["\($0.startDate) – \($0.endDate)", $0.note ?? ""] }),
            (.requests, requests.map { [$0.project, $0.startDate, $0.position, $0.status, time($0.sentAt)] }),
            (.messagesHeld, messages.map { [time($0.createdAt), $0.channel, $0.subject, $0.status] }),
            (.linksHeld, links.map { [$0.purpose.rawValue, time($0.createdAt), $0.revokedAt == nil ? "" : w[.revoked]] }),
        ]
        return AnswerPages.page(language.rawValue, title: "\(w[.exportTitle]) — \(m.fullName)", template: "export", status: .ok, [
            "orchestra": orchestra, "name": m.fullName,
            "facts": facts.map { ["label": w[$0.0], "value": $0.1] },
            "sections": sections.map { ["title": w[$0.0], "rows": rows($0.1)] as [String: Any] },
        ])
    }
}

/// GDPR: an admin exports everything held about a musician, or erases them (their requests stay,
/// anonymised, so statistics keep their totals; the audit log records who did it).
struct PrivacyController {
    var routes: [APIRoute] {
        let admin = RouteAccess.admin
        return [
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/export", summary: "Everything held about a musician (admins; links in message bodies redacted).",
                     access: admin, output: ExportView.self) { _, _, scope in
                ExportView(try scope.gateway.export(musician: try scope.id(), now: scope.now))
            },
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/export.html", summary: "The same export as a readable page (admins).",
                     access: admin, produces: "text/html") { _, _, scope in
                let view = ExportView(try scope.gateway.export(musician: try scope.id(), now: scope.now))
                return view.page(language: Language(scope.principal?.user?.preferredLanguage))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/erase",
                     summary: "Erase a musician's personal data (admins; body {\"confirm\": true}). Their requests stay, anonymised; a pending one is withdrawn and the next is asked.",
                     access: admin, input: ConfirmInput.self, output: MusicianView.self, errors: [409]) { input, _, _, scope in
                guard input.confirm == true else {
                    throw APIError(.badRequest, "confirm: send {\"confirm\": true} to erase this musician; it cannot be undone")
                }
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.erase(musician: id, now: scope.now)
                return MusicianView(musician: try gateway.musician(id), positionIds: nil)
            },
        ]
    }
}
