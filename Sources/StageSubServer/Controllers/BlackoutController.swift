import Foundation
import Hummingbird
import HTTPTypes
import StageSubCore
import StageSubStore

struct BlackoutInput: APIInput {
    static let fields = ["startDate", "endDate", "note"]
    var startDate: String?, endDate: String?, note: String?
}

struct BlackoutView: Encodable {
    let id: Int64
    let musicianId: Int64
    let startDate: String
    let endDate: String
    let note: String?
    let createdAt: Date

    init(_ blackout: MusicianBlackout) {
        id = blackout.id ?? 0
        musicianId = blackout.musicianId
        startDate = blackout.startDate
        endDate = blackout.endDate
        note = blackout.note
        createdAt = blackout.createdAt
    }

    static let schema = Schema.object(["id": Schema.integer, "musicianId": Schema.integer, "startDate": Schema.date, "endDate": Schema.date,
                                       "note?": Schema.nullable(Schema.string), "createdAt": Schema.dateTime])
}

/// A musician's blackout dates, kept by staff (the musician keeps them on their own page).
struct BlackoutController {
    var routes: [APIRoute] {
        let user = RouteAccess.user
        let body = Schema.object(["startDate?": Schema.date, "endDate?": Schema.date, "note?": Schema.nullable(Schema.string)], additional: false)
        return [
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/blackouts", summary: "A musician's blackout dates, earliest first.",
                     access: user, success: (200, Schema.array(Schema.ref("Blackout")))) { _, _, scope in
                JSON.response(try scope.gateway.blackouts(musician: try scope.id()).map(BlackoutView.init))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/blackouts",
                     summary: "Add blackout dates (startDate, endDate YYYY-MM-DD, both included; an optional one-line note). The engine passes the musician over for any project on those days.",
                     access: user, requestBody: body, success: (201, Schema.ref("Blackout")), errors: [409]) { request, _, scope in
                let input = try await JSON.decode(BlackoutInput.self, from: request)
                guard let start = input.startDate, let end = input.endDate else { throw APIError(.badRequest, "startDate and endDate are required") }
                let made = try scope.gateway.addBlackout(musician: try scope.id(), startDate: start, endDate: end, note: input.note, now: scope.now)
                return JSON.response(BlackoutView(made), status: .created)
            },
            APIRoute(method: .patch, path: "/api/v1/musicians/{id}/blackouts/{blackoutId}", summary: "Change blackout dates (only the fields sent).",
                     access: user, requestBody: body, success: (200, Schema.ref("Blackout"))) { request, _, scope in
                let input = try await JSON.decode(BlackoutInput.self, from: request)
                let changed = try scope.gateway.updateBlackout(try scope.id("blackoutId"), musician: try scope.id(), startDate: input.startDate,
                                                               endDate: input.endDate, note: input.note)
                return JSON.response(BlackoutView(changed))
            },
            APIRoute(method: .delete, path: "/api/v1/musicians/{id}/blackouts/{blackoutId}", summary: "Remove blackout dates.",
                     access: user, success: (204, nil)) { _, _, scope in
                try scope.gateway.deleteBlackout(try scope.id("blackoutId"), musician: try scope.id())
                return Response(status: .noContent)
            },
        ]
    }
}
