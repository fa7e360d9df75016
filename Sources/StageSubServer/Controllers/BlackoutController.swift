import Foundation
import Hummingbird
import HTTPTypes
import StageSubCore
import StageSubStore

struct BlackoutInput: APIInput {
    var startDate: String?, endDate: String?, note: String?
    static let annotations: [String: [SchemaNote]] = ["startDate": [.date], "endDate": [.date]]
}

/// Days a musician cannot play, both included.
struct BlackoutView: APIContent {
    let id: Int64
    let musicianId: Int64
    let startDate: String
    let endDate: String
    let note: String?
    let createdAt: Date

    static let componentName: String? = "Blackout"
    static let annotations: [String: [SchemaNote]] = ["startDate": [.date], "endDate": [.date]]
    static var example: BlackoutView {
        get throws {
            var blackout = try SchemaBook.example(MusicianBlackout.self)
            (blackout.startDate, blackout.endDate) = ("2026-03-01", "2026-03-04")
            return BlackoutView(blackout)
        }
    }
}

extension BlackoutView {
    init(_ blackout: MusicianBlackout) {
        id = blackout.id ?? 0
        musicianId = blackout.musicianId
        startDate = blackout.startDate
        endDate = blackout.endDate
        note = blackout.note
        createdAt = blackout.createdAt
    }
}

/// A musician's blackout dates, kept by staff (the musician keeps them on their own page).
struct BlackoutController {
    var routes: [APIRoute] {
        let user = RouteAccess.user
        return [
            APIRoute(method: .get, path: "/api/v1/musicians/{id}/blackouts", summary: "A musician's blackout dates, earliest first.",
                     access: user, output: [BlackoutView].self) { _, _, scope in
                try scope.gateway.blackouts(musician: try scope.id()).map(BlackoutView.init)
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/blackouts",
                     summary: "Add blackout dates (startDate, endDate YYYY-MM-DD, both included; an optional one-line note). The engine passes the musician over for any project on those days.",
                     access: user, input: BlackoutInput.self, status: .created, output: BlackoutView.self, errors: [409]) { input, _, _, scope in
                guard let start = input.startDate, let end = input.endDate else { throw APIError(.badRequest, "startDate and endDate are required") }
                let made = try scope.gateway.addBlackout(musician: try scope.id(), startDate: start, endDate: end, note: input.note, now: scope.now)
                return BlackoutView(made)
            },
            APIRoute(method: .patch, path: "/api/v1/musicians/{id}/blackouts/{blackoutId}", summary: "Change blackout dates (only the fields sent).",
                     access: user, input: BlackoutInput.self, output: BlackoutView.self) { input, _, _, scope in
                let changed = try scope.gateway.updateBlackout(try scope.id("blackoutId"), musician: try scope.id(), startDate: input.startDate,
                                                               endDate: input.endDate, note: input.note)
                return BlackoutView(changed)
            },
            APIRoute(method: .delete, path: "/api/v1/musicians/{id}/blackouts/{blackoutId}", summary: "Remove blackout dates.",
                     access: user, success: (204, nil)) { _, _, scope in
                try scope.gateway.deleteBlackout(try scope.id("blackoutId"), musician: try scope.id())
                return Response(status: .noContent)
            },
        ]
    }
}
