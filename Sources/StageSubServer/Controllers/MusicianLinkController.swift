import Foundation
import Hummingbird
import StageSubStore

/// A musician's page or calendar link, without its token.
struct LinkView: APIContent {
    let id: Int64
    let purpose: MusicianLink.Purpose
    let createdAt: Date
    let expiresAt: Date?
    let revokedAt: Date?

    static let componentName: String? = "MusicianLink"
    static var example: LinkView { get throws { LinkView(try SchemaBook.example()) } }
}

extension LinkView {
    init(_ link: MusicianLink) {
        id = link.id ?? 0
        purpose = link.purpose
        createdAt = link.createdAt
        expiresAt = link.expiresAt
        revokedAt = link.revokedAt
    }
}

/// Whether the page link's email was queued (at most one per 10 minutes).
struct LinkSent: APIContent {
    let queued: Bool
    static let example = LinkSent(queued: true)
}

/// How many links were stopped.
struct LinksRevoked: APIContent {
    let revoked: Int
    static let example = LinksRevoked(revoked: 2)
}

/// Staff's side of musicians' own links: which exist (never the tokens), send one by email, stop them all.
struct MusicianLinkController {
    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/links", summary: "A musician's page and calendar links, newest first (never their tokens).",
                     access: RouteAccess.user, output: [LinkView].self) { _, _, scope in
                try scope.gateway.links(musician: try scope.id()).map(LinkView.init)
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/links/send",
                     summary: "Email the musician a new link to their page (at most one such email per 10 minutes; the token goes only into the email).",
                     access: RouteAccess.user, output: LinkSent.self) { _, _, scope in
                LinkSent(queued: try scope.gateway.sendPageLink(musician: try scope.id(), now: scope.now))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/links/revoke", summary: "Stop every link of a musician at once (admins).",
                     access: RouteAccess.admin, output: LinksRevoked.self) { _, _, scope in
                LinksRevoked(revoked: try scope.gateway.revokeLinks(musician: try scope.id(), now: scope.now))
            },
        ]
    }
}
