import Foundation
import Hummingbird
import StageSubStore

struct LinkView: Encodable {
    let id: Int64
    let purpose: String
    let createdAt: Date
    let expiresAt: Date?
    let revokedAt: Date?

    init(_ link: MusicianLink) {
        id = link.id ?? 0
        purpose = link.purpose.rawValue
        createdAt = link.createdAt
        expiresAt = link.expiresAt
        revokedAt = link.revokedAt
    }

    static let schema = Schema.object(["id": Schema.integer, "purpose": Schema.enumeration(MusicianLink.Purpose.allCases.map(\.rawValue)),
                                       "createdAt": Schema.dateTime, "expiresAt?": Schema.nullable(Schema.dateTime),
                                       "revokedAt?": Schema.nullable(Schema.dateTime)])
}

/// Staff's side of musicians' own links: which exist (never the tokens), send one by email, stop them all.
struct MusicianLinkController {
    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/links", summary: "A musician's page and calendar links, newest first (never their tokens).",
                     access: RouteAccess.user, success: (200, Schema.array(Schema.ref("MusicianLink")))) { _, _, scope in
                JSON.response(try scope.gateway.links(musician: try scope.id()).map(LinkView.init))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/links/send",
                     summary: "Email the musician a new link to their page (at most one such email per 10 minutes; the token goes only into the email).",
                     access: RouteAccess.user, success: (200, Schema.object(["queued": Schema.boolean]))) { _, _, scope in
                JSON.response(["queued": try scope.gateway.sendPageLink(musician: try scope.id(), now: scope.now)])
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/links/revoke", summary: "Stop every link of a musician at once (admins).",
                     access: RouteAccess.admin, success: (200, Schema.object(["revoked": Schema.integer]))) { _, _, scope in
                JSON.response(["revoked": try scope.gateway.revokeLinks(musician: try scope.id(), now: scope.now)])
            },
        ]
    }
}
