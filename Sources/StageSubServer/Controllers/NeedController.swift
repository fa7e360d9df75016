import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct NeedInput: APIInput {
    var positionId: Int64, quantity: Int, rankingListId: Int64?, customListId: Int64?, strategy: RequestStrategy
    var maxRecipients: Int?, responseTimeHours: Int?, requireLocalResidence: Bool?
    static var annotations: [String: [SchemaNote]] { NeedChange.annotations }
}

struct NeedChange: APIInput {
    var quantity: Int?, rankingListId: Int64?, customListId: Int64?, strategy: RequestStrategy?
    var maxRecipients: Int?, responseTimeHours: Int?, requireLocalResidence: Bool?
    /// The bounds Core enforces (`DispatchPlanner.validate`), from the same constants.
    static let annotations: [String: [SchemaNote]] = [
        "quantity": [.range(DispatchPlanner.quantityRange)], "maxRecipients": [.range(DispatchPlanner.recipientsRange)],
        "responseTimeHours": [.range(DispatchPlanner.responseHoursRange)],
    ]
}

struct BookInput: APIInput {
    var musicianId: Int64
}

/// Who sending would ask now, the queue, and everyone passed over with the reason.
struct PlanView: APIContent {
    struct Person: Encodable { let musicianId: Int64; let name: String; var conflictProjectId: Int64? = nil }
    struct Passed: Encodable { let musicianId: Int64; let name: String; let reason: String; let detail: Int64? }
    let needId: Int64
    let ask: [Person]
    let queue: [Person]
    let passed: [Passed]
    let accepted: Int
    let pending: Int
    let hold: String?
    let escalation: Escalation?

    /// An escalating need's step now, and when the next begins.
    struct Escalation: Encodable {
        let step: Int
        let steps: String
        let strategy: String
        let width: Int
        let responseTimeHours: Int
        let nextStepAt: Date?
    }

    static let componentName: String? = "Plan"
    static let example = PlanView(
        needId: 1, ask: [Person(musicianId: 1, name: "Anna Ek", conflictProjectId: 5)], queue: [Person(musicianId: 2, name: "Bo Ek")],
        passed: [Passed(musicianId: 3, name: "Cia Ek", reason: "busy in an overlapping project", detail: 4)], accepted: 0, pending: 1,
        hold: "awaiting answers",
        escalation: Escalation(step: 1, steps: "sequential 24h, parallel×3 12h", strategy: "sequential", width: 1, responseTimeHours: 24,
                               nextStepAt: Date(timeIntervalSince1970: 1_800_000_000)))
}

extension PlanView {
    init(needId: Int64, plan: DispatchPlan, names: [Int64: String]) {
        func name(_ id: Int64) -> String { names[id] ?? "musician \(id)" }
        self.needId = needId
        ask = plan.ask.map { Person(musicianId: $0, name: name($0), conflictProjectId: plan.conflictWarnings[$0]) }
        queue = plan.queue.map { Person(musicianId: $0, name: name($0)) }
        passed = plan.passed.map { entry in
            let (reason, detail): (String, Int64?) = switch entry.reason {
            case .notOnRoster: ("not on the roster", nil)
            case .archived: ("archived", nil)
            case .inactive: ("inactive", nil)
            case .notQualified: ("not qualified for the position", nil)
            case .notLocalResident: ("not a local resident", nil)
            case .alreadyAsked(let need, let status): ("already asked in this project (\(status.rawValue))", need)
            case .blackout(let blackout): ("unavailable: blackout \(blackout.start) – \(blackout.end)", blackout.id)
            case .conflict(let project): ("busy in an overlapping project", project)
            case .betterRankedElsewhere(let need): ("ranked better on another need's list", need)
            case .waiting: ("waiting for a free slot", nil)
            }
            return Passed(musicianId: entry.musicianId, name: name(entry.musicianId), reason: reason, detail: detail)
        }
        accepted = plan.accepted
        pending = plan.pending
        escalation = plan.escalation.map { position in
            Escalation(step: position.index + 1, steps: position.step.text, strategy: position.step.strategy.rawValue, width: position.step.width,
                       responseTimeHours: position.step.responseTimeHours, nextStepAt: position.nextBeginsAt)
        }
        hold = plan.hold.map { hold in
            switch hold {
            case .paused: "paused"
            case .cancelled: "cancelled"
            case .filled: "filled"
            case .awaitingAnswers: "awaiting answers"
            case .allSlotsPending: "every slot has a pending request"
            case .listExhausted: "the list has nobody left to ask"
            }
        }
    }

    static func of(_ gateway: OrchestraGateway, need: Int64, plan: DispatchPlan) throws -> PlanView {
        let ids = plan.ask + plan.queue + plan.passed.map(\.musicianId)
        return PlanView(needId: need, plan: plan, names: try gateway.musicianNames(ids))
    }
}

/// The requests one send wrote.
struct SentView: APIContent {
    let needId: Int64
    let sent: [Sent]
    struct Sent: Encodable { let requestId: Int64; let musicianId: Int64 }
    init(needId: Int64, _ result: DispatchResult) {
        self.needId = needId
        sent = result.sent.map { Sent(requestId: $0.requestId, musicianId: $0.musicianId) }
    }

    init(needId: Int64, sent: [Sent]) {
        self.needId = needId
        self.sent = sent
    }

    static let componentName: String? = "Sent"
    static let example = SentView(needId: 1, sent: [Sent(requestId: 2, musicianId: 3)])
}

/// One need and its requests: edit, preview, send, pause, resume, cancel, book directly, withdrawals.
struct NeedController {
    var routes: [APIRoute] {
        let user = RouteAccess.user
        let pauseAndResume = [(true, "pause", "Ask nobody new (pending requests stay)."),
                              (false, "resume", "Resume a paused need (asks the next at once).")].map { paused, verb, summary in
            APIRoute(method: .post, path: "/api/v1/needs/{id}/\(verb)", summary: summary, access: user,
                     output: ProjectNeed.self, errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.setNeedPaused(paused, need: id, now: scope.now)
                return try gateway.need(id)
            }
        }
        return pauseAndResume + [
            // Needs
            APIRoute(method: .get, path: "/api/v1/needs/{id}", summary: "One need.", access: user, output: ProjectNeed.self) { _, _, scope in
                try scope.gateway.need(try scope.id())
            },
            APIRoute(method: .patch, path: "/api/v1/needs/{id}", summary: "Change a need; once it has requests only the quantity may change.",
                     access: user, input: NeedChange.self, output: ProjectNeed.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                var need = try gateway.need(id)
                if let v = input.quantity { need.quantity = v }
                if let v = input.rankingListId { need.rankingListId = v; need.customRankingListId = nil }
                if let v = input.customListId { need.customRankingListId = v; need.rankingListId = nil }
                if let v = input.strategy { need.strategy = v }
                if input.maxRecipients != nil { need.maxRecipients = input.maxRecipients }
                if let v = input.responseTimeHours { need.responseTimeHours = v }
                if let v = input.requireLocalResidence { need.requireLocalResidence = v }
                _ = try gateway.updateNeed(need, now: scope.now)
                return try gateway.need(id)
            },
            APIRoute(method: .get, path: "/api/v1/needs/{id}/preview", summary: "Who sending would ask now, the queue, and why others are passed over.",
                     access: user, output: PlanView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try PlanView.of(gateway, need: id, plan: try gateway.preview(need: id, now: scope.now))
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/send", summary: "Send exactly what preview shows.", access: user,
                     output: SentView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let result = try gateway.send(need: id, now: scope.now)
                scope.log("sent need \(id): \(result.sent.count) requests")
                return SentView(needId: id, result)
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/cancel", summary: "Cancel a need; pending musicians are told.", access: user,
                     output: ProjectNeed.self, errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.cancelNeed(id, now: scope.now)
                return try gateway.need(id)
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/book", summary: "Book a musician directly (no request; confirmation sent).",
                     access: user, input: BookInput.self, output: ProjectNeed.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.bookDirectly(need: id, musician: input.musicianId, now: scope.now)
                return try gateway.need(id)
            },
            APIRoute(method: .get, path: "/api/v1/needs/{id}/requests", summary: "The requests of a need, newest first.", access: user,
                     output: [RequestView].self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.requestViews(need: id)
            },
            // Requests
            APIRoute(method: .get, path: "/api/v1/requests/{id}", summary: "One request.", access: user, output: RequestView.self) { _, _, scope in
                try scope.gateway.request(try scope.id())
            },
            APIRoute(method: .post, path: "/api/v1/requests/{id}/withdrawal", summary: "Record that a booked musician withdrew: the need reopens and the next is asked.",
                     access: user, output: SentView.self, errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let request = try gateway.request(id)
                let result = try gateway.recordWithdrawal(request: id, now: scope.now)
                scope.log("withdrawal recorded for request \(id)")
                return SentView(needId: request.needId, result)
            },
        ]
    }
}
