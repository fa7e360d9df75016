import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

// MARK: Inputs

struct MusicianInput: APIInput {
    static let fields = ["firstName", "lastName", "email", "phone", "preferredLanguage", "localResidence", "notes", "isActive", "positionIds"]
    var firstName: String?, lastName: String?, email: String?, phone: String?, preferredLanguage: String?
    var localResidence: Bool?, notes: String?, isActive: Bool?, positionIds: [Int64]?
}

struct IdsInput: APIInput {
    static let fields = ["ids"]
    var ids: [Int64]
}

struct ClearInput: APIInput {
    static let fields = ["confirm"]
    var confirm: Bool?
}

struct DescriptionInput: APIInput {
    static let fields = ["description"]
    var description: String
}

struct ProjectInput: APIInput {
    static let fields = ["name", "startDate", "endDate", "rehearsalSchedule", "concertInfo", "notes"]
    var name: String, startDate: String, endDate: String?, rehearsalSchedule: String?, concertInfo: String?, notes: String?
}

struct NeedInput: APIInput {
    static let fields = ["positionId", "quantity", "rankingListId", "customListId", "strategy", "maxRecipients", "responseTimeHours",
                         "requireLocalResidence"]
    var positionId: Int64, quantity: Int, rankingListId: Int64?, customListId: Int64?, strategy: RequestStrategy
    var maxRecipients: Int?, responseTimeHours: Int?, requireLocalResidence: Bool?
}

struct NeedChange: APIInput {
    static let fields = ["quantity", "rankingListId", "customListId", "strategy", "maxRecipients", "responseTimeHours", "requireLocalResidence"]
    var quantity: Int?, rankingListId: Int64?, customListId: Int64?, strategy: RequestStrategy?
    var maxRecipients: Int?, responseTimeHours: Int?, requireLocalResidence: Bool?
}

struct CustomListInput: APIInput {
    static let fields = ["positionId", "name", "musicianIds"]
    var positionId: Int64, name: String, musicianIds: [Int64]
}

struct BookInput: APIInput {
    static let fields = ["musicianId"]
    var musicianId: Int64
}

struct GroupEmailInput: APIInput {
    static let fields = ["subject", "message", "needId"]
    var subject: String, message: String, needId: Int64?
}

struct NameInput: APIInput {
    static let fields = ["name", "nameEn"]
    var name: String, nameEn: String?
}

// MARK: Views

struct MusicianView: Encodable {
    let musician: Musician
    let positionIds: [Int64]?

    enum CodingKeys: String, CodingKey { case id, firstName, lastName, email, phone, preferredLanguage, localResidence, notes, isActive, isArchived, positionIds }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(musician.id, forKey: .id)
        try c.encode(musician.firstName, forKey: .firstName)
        try c.encode(musician.lastName, forKey: .lastName)
        try c.encode(musician.email, forKey: .email)
        try c.encode(musician.phone, forKey: .phone)
        try c.encode(musician.preferredLanguage, forKey: .preferredLanguage)
        try c.encode(musician.localResidence, forKey: .localResidence)
        try c.encode(musician.notes, forKey: .notes)
        try c.encode(musician.isActive, forKey: .isActive)
        try c.encode(musician.isArchived, forKey: .isArchived)
        try c.encodeIfPresent(positionIds, forKey: .positionIds)
    }
}

struct PlanView: Encodable {
    struct Person: Encodable { let musicianId: Int64; let name: String; var conflictProjectId: Int64? = nil }
    struct Passed: Encodable { let musicianId: Int64; let name: String; let reason: String; let detail: Int64? }
    let needId: Int64
    let ask: [Person]
    let queue: [Person]
    let passed: [Passed]
    let accepted: Int
    let pending: Int
    let hold: String?

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
            case .conflict(let project): ("busy in an overlapping project", project)
            case .betterRankedElsewhere(let need): ("ranked better on another need's list", need)
            case .waiting: ("waiting for a free slot", nil)
            }
            return Passed(musicianId: entry.musicianId, name: name(entry.musicianId), reason: reason, detail: detail)
        }
        accepted = plan.accepted
        pending = plan.pending
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

struct SentView: Encodable {
    let needId: Int64
    let sent: [Sent]
    struct Sent: Encodable { let requestId: Int64; let musicianId: Int64 }
    init(needId: Int64, _ result: DispatchResult) {
        self.needId = needId
        sent = result.sent.map { Sent(requestId: $0.requestId, musicianId: $0.musicianId) }
    }
}

struct ProjectDetail: Encodable {
    let project: Project
    let needs: [ProjectNeed]
}

struct InstrumentView: Encodable {
    let instrument: Instrument
    let positions: [Position]
}

// MARK: Routes

extension ServerState {
    static func orchestraRoutes() -> [APIRoute] {
        let user = Access.orchestra(.user), admin = Access.orchestra(.admin)
        let paging: [(name: String, schema: JSONValue, description: String)] = [
            ("limit", Schema.integer, "page size, 1–500 (default 50)"), ("offset", Schema.integer, "items to skip (default 0)"),
        ]
        let musicianBody = Schema.object([
            "firstName?": Schema.string, "lastName?": Schema.string, "email?": Schema.string, "phone?": Schema.nullable(Schema.string),
            "preferredLanguage?": Schema.enumeration(["sv", "en"]), "localResidence?": Schema.boolean, "notes?": Schema.nullable(Schema.string),
            "isActive?": Schema.boolean, "positionIds?": Schema.array(Schema.integer),
        ], additional: false)
        let needBody = Schema.object([
            "positionId": Schema.integer, "quantity": Schema.integer, "rankingListId?": Schema.integer, "customListId?": Schema.integer,
            "strategy": Schema.enumeration(RequestStrategy.allCases.map(\.rawValue)), "maxRecipients?": Schema.nullable(Schema.integer),
            "responseTimeHours?": Schema.integer, "requireLocalResidence?": Schema.boolean,
        ], additional: false)

        let pauseAndResume = [(true, "pause", "Ask nobody new (pending requests stay)."),
                              (false, "resume", "Resume a paused need (asks the next at once).")].map { paused, verb, summary in
            APIRoute(method: .post, path: "/api/v1/needs/{id}/\(verb)", summary: summary, access: user,
                     success: (200, Schema.ref("Need")), errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                _ = try gateway.setNeedPaused(paused, need: id, now: scope.now)
                return JSON.response(try gateway.need(id))
            }
        }
        return pauseAndResume + [
            APIRoute(method: .get, path: "/api/v1/orchestra", summary: "The orchestra the caller works in.", access: user,
                     success: (200, Schema.ref("Orchestra"))) { _, _, scope in
                JSON.response(OrchestraView(try scope.orchestra.unwrap(), summary: nil))
            },
            // Roster
            APIRoute(method: .get, path: "/api/v1/musicians", summary: "Musicians, by name; search matches name, email, phone.",
                     access: user, success: (200, Schema.page(of: "Musician")),
                     queryParameters: paging + [("search", Schema.string, "text to look for"), ("includeArchived", Schema.boolean, "also archived musicians")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                let found = try scope.gateway.musicians(search: query.string("search"), includeArchived: try query.bool("includeArchived"),
                                                        limit: limit, offset: offset)
                return JSON.response(Page(items: found.items.map { MusicianView(musician: $0, positionIds: nil) }, total: found.total,
                                          limit: limit, offset: offset))
            },
            APIRoute(method: .post, path: "/api/v1/musicians", summary: "Add a musician (with the positions they may play).", access: user,
                     requestBody: musicianBody, success: (201, Schema.ref("Musician")), errors: [409]) { request, _, scope in
                let input = try await JSON.decode(MusicianInput.self, from: request)
                guard let first = input.firstName, let last = input.lastName, let email = input.email else {
                    throw APIError(.badRequest, "firstName, lastName and email are required")
                }
                let gateway = try scope.gateway
                var musician = Musician(firstName: first, lastName: last, email: email, phone: input.phone,
                                        preferredLanguage: input.preferredLanguage ?? "sv", localResidence: input.localResidence ?? false,
                                        notes: input.notes, now: scope.now)
                musician.isActive = input.isActive ?? true
                let created = try gateway.createMusician(musician)
                if let positions = input.positionIds { try gateway.setQualifications(musician: created.id!, positions: Set(positions)) }
                return JSON.response(MusicianView(musician: created, positionIds: try gateway.qualifications(musician: created.id!)), status: .created)
            },
            APIRoute(method: .post, path: "/api/v1/musicians/import", summary: "Import musicians from CSV (Excel, Swedish or English headers); dryRun=true only reports.",
                     access: user, requestBody: Schema.string, requestContentType: "text/csv",
                     success: (200, Schema.object(["musicians": Schema.integer, "committed": Schema.boolean,
                                                   "issues": Schema.array(Schema.object(["line": Schema.integer, "message": Schema.string])),
                                                   "ignoredColumns": Schema.array(Schema.string)])),
                     errors: [422], queryParameters: [("dryRun", Schema.boolean, "only check and report")]) { request, _, scope in
                let dryRun = try Query(request: request).bool("dryRun")
                try HTTPMediaType.require(request, "text/csv", hint: "CSV")
                let data = try await JSON.body(request, limit: 5 << 20)
                let report = try scope.gateway.importMusicians(data, dryRun: dryRun, now: scope.now)
                struct Issue: Encodable { let line: Int; let message: String }
                struct Report: Encodable { let musicians: Int; let committed: Bool; let issues: [Issue]; let ignoredColumns: [String] }
                let body = Report(musicians: report.musicians, committed: report.committed,
                                  issues: report.issues.map { Issue(line: $0.line, message: $0.message) }, ignoredColumns: report.ignoredColumns)
                if report.committed { scope.log("imported \(report.musicians) musicians") }
                return JSON.response(body, status: report.issues.isEmpty ? .ok : .unprocessableContent)
            },
            APIRoute(method: .get, path: "/api/v1/musicians/{id}", summary: "One musician with their positions.", access: user,
                     success: (200, Schema.ref("Musician"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return JSON.response(MusicianView(musician: try gateway.musician(id), positionIds: try gateway.qualifications(musician: id)))
            },
            APIRoute(method: .patch, path: "/api/v1/musicians/{id}", summary: "Change a musician (only the fields sent).", access: user,
                     requestBody: musicianBody, success: (200, Schema.ref("Musician")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let input = try await JSON.decode(MusicianInput.self, from: request)
                var musician = try gateway.musician(id)
                if let v = input.firstName { musician.firstName = v }
                if let v = input.lastName { musician.lastName = v }
                if let v = input.email { musician.email = v }
                if input.phone != nil { musician.phone = input.phone!.isEmpty ? nil : input.phone }
                if let v = input.preferredLanguage { musician.preferredLanguage = v }
                if let v = input.localResidence { musician.localResidence = v }
                if let v = input.notes { musician.notes = v }
                if let v = input.isActive { musician.isActive = v }
                try gateway.updateMusician(musician, now: scope.now)
                if let positions = input.positionIds { try gateway.setQualifications(musician: id, positions: Set(positions)) }
                return JSON.response(MusicianView(musician: try gateway.musician(id), positionIds: try gateway.qualifications(musician: id)))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/archive", summary: "Archive a musician (never asked again; history kept).",
                     access: user, success: (200, Schema.ref("Musician"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.setArchived(true, musician: id, now: scope.now)
                return JSON.response(MusicianView(musician: try gateway.musician(id), positionIds: nil))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/restore", summary: "Bring an archived musician back.",
                     access: user, success: (200, Schema.ref("Musician"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.setArchived(false, musician: id, now: scope.now)
                return JSON.response(MusicianView(musician: try gateway.musician(id), positionIds: nil))
            },
            // Instruments, positions, lists
            APIRoute(method: .get, path: "/api/v1/instruments", summary: "Instruments with their positions, in score order.", access: user,
                     success: (200, Schema.array(Schema.ref("Instrument"))), queryParameters: [("includeArchived", Schema.boolean, "also archived ones")]) { request, _, scope in
                let sections = try scope.gateway.instruments(includeArchived: try Query(request: request).bool("includeArchived"))
                return JSON.response(sections.map { InstrumentView(instrument: $0.instrument, positions: $0.positions) })
            },
            APIRoute(method: .post, path: "/api/v1/instruments", summary: "Add an instrument.", access: admin,
                     requestBody: Schema.object(["name": Schema.string, "nameEn?": Schema.string], additional: false),
                     success: (201, Schema.ref("InstrumentRecord")), errors: [409]) { request, _, scope in
                let input = try await JSON.decode(NameInput.self, from: request)
                return JSON.response(try scope.gateway.createInstrument(name: input.name, nameEn: input.nameEn), status: .created)
            },
            APIRoute(method: .put, path: "/api/v1/instruments/order", summary: "Put instruments in this order.", access: admin,
                     requestBody: Schema.object(["ids": Schema.array(Schema.integer)], additional: false), success: (204, nil)) { request, _, scope in
                try scope.gateway.reorderInstruments(try await JSON.decode(IdsInput.self, from: request).ids)
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/positions", summary: "Add a position to an instrument.", access: admin,
                     requestBody: Schema.object(["name": Schema.string, "nameEn?": Schema.string], additional: false),
                     success: (201, Schema.ref("Position")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let input = try await JSON.decode(NameInput.self, from: request)
                return JSON.response(try gateway.createPosition(instrument: id, name: input.name, nameEn: input.nameEn), status: .created)
            },
            APIRoute(method: .put, path: "/api/v1/instruments/{id}/positions/order", summary: "Put an instrument's positions in this order.",
                     access: admin, requestBody: Schema.object(["ids": Schema.array(Schema.integer)], additional: false), success: (204, nil)) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.reorderPositions(instrument: id, try await JSON.decode(IdsInput.self, from: request).ids)
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/archive", summary: "Archive an instrument.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setInstrumentArchived(true, instrument: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/restore", summary: "Restore an archived instrument.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setInstrumentArchived(false, instrument: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/positions/{id}/archive", summary: "Archive a position (no new needs on it).", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setPositionArchived(true, position: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/positions/{id}/restore", summary: "Restore an archived position.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setPositionArchived(false, position: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/positions/{id}/lists", summary: "A position's A/B/C ranking lists.", access: user,
                     success: (200, Schema.array(Schema.ref("RankingList")))) { _, _, scope in
                JSON.response(try scope.gateway.rankingLists(position: try scope.id()))
            },
            APIRoute(method: .get, path: "/api/v1/lists/{id}", summary: "One ranking list, musicians in rank order.", access: user,
                     success: (200, Schema.ref("RankingList"))) { _, _, scope in
                JSON.response(try scope.gateway.rankingList(try scope.id()))
            },
            APIRoute(method: .put, path: "/api/v1/lists/{id}", summary: "Set a ranking list: these musicians in this order (reorder, add, remove).",
                     access: user, requestBody: Schema.object(["ids": Schema.array(Schema.integer)], additional: false),
                     success: (200, Schema.ref("RankingList"))) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.rankingList(id)
                try gateway.setRanking(list: id, musicians: try await JSON.decode(IdsInput.self, from: request).ids)
                return JSON.response(try gateway.rankingList(id))
            },
            APIRoute(method: .patch, path: "/api/v1/lists/{id}", summary: "Describe a ranking list (what it is for); empty removes the description.",
                     access: user, requestBody: Schema.object(["description": Schema.string], additional: false),
                     success: (200, Schema.ref("RankingList"))) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.describeList(id, description: try await JSON.decode(DescriptionInput.self, from: request).description)
                return JSON.response(try gateway.rankingList(id))
            },
            APIRoute(method: .post, path: "/api/v1/lists/{id}/musicians", summary: "Add musicians at the end of a list, in this order (qualified for its position).",
                     access: user, requestBody: Schema.object(["ids": Schema.array(Schema.integer)], additional: false),
                     success: (200, Schema.ref("RankingList"))) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.addToList(id, musicians: try await JSON.decode(IdsInput.self, from: request).ids)
                return JSON.response(try gateway.rankingList(id))
            },
            APIRoute(method: .delete, path: "/api/v1/lists/{id}/musicians/{musicianId}", summary: "Take a musician off a list; the ranks below close up.",
                     access: user, success: (200, Schema.ref("RankingList"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.removeFromList(id, musician: try scope.id("musicianId"))
                return JSON.response(try gateway.rankingList(id))
            },
            APIRoute(method: .put, path: "/api/v1/lists/{id}/order", summary: "Reorder a list: every musician on it, once, in the new order.",
                     access: user, requestBody: Schema.object(["ids": Schema.array(Schema.integer)], additional: false),
                     success: (200, Schema.ref("RankingList"))) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.reorderList(id, order: try await JSON.decode(IdsInput.self, from: request).ids)
                return JSON.response(try gateway.rankingList(id))
            },
            APIRoute(method: .post, path: "/api/v1/lists/{id}/clear", summary: "Empty a list (confirm: true); refused while a need still asks from it.",
                     access: user, requestBody: Schema.object(["confirm": Schema.boolean], additional: false),
                     success: (200, Schema.ref("RankingList")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                guard try await JSON.decode(ClearInput.self, from: request).confirm == true else {
                    throw APIError.badField("confirm", "must be true: clearing takes every musician off the list")
                }
                try gateway.clearList(id)
                scope.log("cleared ranking list \(id)")
                return JSON.response(try gateway.rankingList(id))
            },
            // Projects
            APIRoute(method: .get, path: "/api/v1/projects", summary: "Projects, latest start first.", access: user,
                     success: (200, Schema.page(of: "Project")),
                     queryParameters: paging + [("includeArchived", Schema.boolean, "also archived projects")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                return JSON.response(try scope.gateway.projects(includeArchived: try query.bool("includeArchived"), limit: limit, offset: offset))
            },
            APIRoute(method: .post, path: "/api/v1/projects", summary: "Create a project.", access: user,
                     requestBody: Schema.object(["name": Schema.string, "startDate": Schema.date, "endDate?": Schema.nullable(Schema.date),
                                                 "rehearsalSchedule?": Schema.string, "concertInfo?": Schema.string, "notes?": Schema.string], additional: false),
                     success: (201, Schema.ref("Project"))) { request, _, scope in
                let input = try await JSON.decode(ProjectInput.self, from: request)
                let project = try scope.gateway.createProject(name: input.name, startDate: input.startDate, endDate: input.endDate,
                                                              rehearsalSchedule: input.rehearsalSchedule, concertInfo: input.concertInfo,
                                                              notes: input.notes, now: scope.now)
                return JSON.response(project, status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}", summary: "A project with its needs.", access: user,
                     success: (200, Schema.object(["project": Schema.ref("Project"), "needs": Schema.array(Schema.ref("Need"))]))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return JSON.response(ProjectDetail(project: try gateway.project(id), needs: try gateway.needs(project: id)))
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/needs", summary: "Add a need: position, quantity, list, strategy.", access: user,
                     requestBody: needBody, success: (201, Schema.ref("Need")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                let input = try await JSON.decode(NeedInput.self, from: request)
                let need = try gateway.createNeed(project: id, position: input.positionId, quantity: input.quantity,
                                                  rankingList: input.rankingListId, customList: input.customListId, strategy: input.strategy,
                                                  maxRecipients: input.maxRecipients, responseTimeHours: input.responseTimeHours ?? 24,
                                                  requireLocalResidence: input.requireLocalResidence ?? false, now: scope.now)
                return JSON.response(need, status: .created)
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/custom-lists", summary: "A list for this project only, in this order.", access: user,
                     requestBody: Schema.object(["positionId": Schema.integer, "name": Schema.string, "musicianIds": Schema.array(Schema.integer)], additional: false),
                     success: (201, Schema.object(["id": Schema.integer]))) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                let input = try await JSON.decode(CustomListInput.self, from: request)
                let list = try gateway.createCustomList(project: id, position: input.positionId, name: input.name, musicians: input.musicianIds)
                return JSON.response(["id": list], status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/preview", summary: "Who every open need would ask now, and why the others not.",
                     access: user, success: (200, Schema.array(Schema.ref("Plan")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return JSON.response(try gateway.previewProject(project: id).map { try PlanView.of(gateway, need: $0.needId, plan: $0.plan) })
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/send", summary: "Send every open need of the project: exactly what preview shows.",
                     access: user, success: (200, Schema.array(Schema.ref("Sent")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let done = try gateway.sendProject(project: id, now: scope.now)
                scope.log("sent project \(id): \(done.reduce(0) { $0 + $1.result.sent.count }) requests")
                return JSON.response(done.map { SentView(needId: $0.needId, $0.result) })
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/requests", summary: "Every request of the project, newest first.", access: user,
                     success: (200, Schema.array(Schema.ref("Request")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                return JSON.response(try gateway.requestViews(project: id))
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/group-email", summary: "Write to every musician booked for the project (or one need).",
                     access: user, requestBody: Schema.object(["subject": Schema.string, "message": Schema.string, "needId?": Schema.integer], additional: false),
                     success: (201, Schema.object(["id": Schema.integer, "recipientCount": Schema.integer])), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                let input = try await JSON.decode(GroupEmailInput.self, from: request)
                let sent = try gateway.sendGroupEmail(project: id, need: input.needId, subject: input.subject, message: input.message, now: scope.now)
                return JSON.response(sent, status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/files", summary: "Files of the project (without their bytes).", access: user,
                     success: (200, Schema.array(Schema.ref("File")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                return JSON.response(try gateway.files(project: id))
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/files", summary: "Attach a file (the body is the file) sent with requests or confirmations.",
                     access: user, requestBody: .object([("type", .string("string")), ("format", .string("binary"))]),
                     requestContentType: "application/octet-stream", success: (201, Schema.ref("File")),
                     queryParameters: [("name", Schema.string, "file name"), ("sendWith", Schema.enumeration(["request", "confirmation"]), "when it goes out"),
                                       ("needId", Schema.integer, "only with this need's messages")]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.project(id)
                let query = Query(request: request)
                guard let name = query.string("name"), !name.isEmpty else { throw APIError.badField("name", "is required") }
                guard let sendWith = FileSendWith(rawValue: query.string("sendWith") ?? "") else {
                    throw APIError.badField("sendWith", "must be request or confirmation")
                }
                var owner = FileOwner.project(id)
                if let raw = query.string("needId") {
                    guard let need = Int64(raw), try gateway.need(need).projectId == id else { throw APIError.badField("needId", "is not a need of this project") }
                    owner = .need(need)
                }
                let data = try await JSON.body(request, limit: OrchestraGateway.maxFileBytes + 1)
                let type = request.headers[.contentType] ?? "application/octet-stream"
                return JSON.response(try gateway.attachFile(data, name: name, mimeType: type, to: owner, sendWith: sendWith, now: scope.now),
                                     status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/files/{id}", summary: "Download a file.", access: user, produces: "application/octet-stream") { _, _, scope in
                let contents = try scope.gateway.file(try scope.id())
                return FileResponse.make(contents.file, data: contents.data)
            },
            APIRoute(method: .delete, path: "/api/v1/files/{id}", summary: "Delete a file.", access: user, success: (204, nil)) { _, _, scope in
                try scope.gateway.deleteFile(try scope.id())
                return Response(status: .noContent)
            },
            // Needs
            APIRoute(method: .get, path: "/api/v1/needs/{id}", summary: "One need.", access: user, success: (200, Schema.ref("Need"))) { _, _, scope in
                JSON.response(try scope.gateway.need(try scope.id()))
            },
            APIRoute(method: .patch, path: "/api/v1/needs/{id}", summary: "Change a need; once it has requests only the quantity may change.",
                     access: user, requestBody: Schema.object(["quantity?": Schema.integer, "rankingListId?": Schema.integer, "customListId?": Schema.integer,
                                                               "strategy?": Schema.enumeration(RequestStrategy.allCases.map(\.rawValue)),
                                                               "maxRecipients?": Schema.nullable(Schema.integer), "responseTimeHours?": Schema.integer,
                                                               "requireLocalResidence?": Schema.boolean], additional: false),
                     success: (200, Schema.ref("Need")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let input = try await JSON.decode(NeedChange.self, from: request)
                var need = try gateway.need(id)
                if let v = input.quantity { need.quantity = v }
                if let v = input.rankingListId { need.rankingListId = v; need.customRankingListId = nil }
                if let v = input.customListId { need.customRankingListId = v; need.rankingListId = nil }
                if let v = input.strategy { need.strategy = v }
                if input.maxRecipients != nil { need.maxRecipients = input.maxRecipients }
                if let v = input.responseTimeHours { need.responseTimeHours = v }
                if let v = input.requireLocalResidence { need.requireLocalResidence = v }
                _ = try gateway.updateNeed(need, now: scope.now)
                return JSON.response(try gateway.need(id))
            },
            APIRoute(method: .get, path: "/api/v1/needs/{id}/preview", summary: "Who sending would ask now, the queue, and why others are passed over.",
                     access: user, success: (200, Schema.ref("Plan"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                return JSON.response(try PlanView.of(gateway, need: id, plan: try gateway.preview(need: id)))
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/send", summary: "Send exactly what preview shows.", access: user,
                     success: (200, Schema.ref("Sent"))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                let result = try gateway.send(need: id, now: scope.now)
                scope.log("sent need \(id): \(result.sent.count) requests")
                return JSON.response(SentView(needId: id, result))
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/cancel", summary: "Cancel a need; pending musicians are told.", access: user,
                     success: (200, Schema.ref("Need")), errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                try gateway.cancelNeed(id, now: scope.now)
                return JSON.response(try gateway.need(id))
            },
            APIRoute(method: .post, path: "/api/v1/needs/{id}/book", summary: "Book a musician directly (no request; confirmation sent).",
                     access: user, requestBody: Schema.object(["musicianId": Schema.integer], additional: false),
                     success: (200, Schema.ref("Need")), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                let input = try await JSON.decode(BookInput.self, from: request)
                _ = try gateway.musician(input.musicianId)
                try gateway.bookDirectly(need: id, musician: input.musicianId, now: scope.now)
                return JSON.response(try gateway.need(id))
            },
            APIRoute(method: .get, path: "/api/v1/needs/{id}/requests", summary: "The requests of a need, newest first.", access: user,
                     success: (200, Schema.array(Schema.ref("Request")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                _ = try gateway.need(id)
                return JSON.response(try gateway.requestViews(need: id))
            },
            // Requests
            APIRoute(method: .get, path: "/api/v1/requests/{id}", summary: "One request.", access: user, success: (200, Schema.ref("Request"))) { _, _, scope in
                JSON.response(try scope.gateway.request(try scope.id()))
            },
            APIRoute(method: .post, path: "/api/v1/requests/{id}/withdrawal", summary: "Record that a booked musician withdrew: the need reopens and the next is asked.",
                     access: user, success: (200, Schema.ref("Sent")), errors: [409]) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let request = try gateway.request(id)
                let result = try gateway.recordWithdrawal(request: id, now: scope.now)
                scope.log("withdrawal recorded for request \(id)")
                return JSON.response(SentView(needId: request.needId, result))
            },
            // Outbox, statistics, settings
            APIRoute(method: .get, path: "/api/v1/outbox", summary: "Messages the engine wrote (the outbox), newest first.", access: user,
                     success: (200, Schema.page(of: "Message")),
                     queryParameters: paging + [("status", Schema.enumeration(["queued", "sent", "failed"]), "only these")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                let status = query.string("status")
                if let status, !["queued", "sent", "failed"].contains(status) { throw APIError.badField("status", "must be queued, sent or failed") }
                return JSON.response(try scope.gateway.outbox(status: status, limit: limit, offset: offset))
            },
            APIRoute(method: .post, path: "/api/v1/outbox/{id}/retry", summary: "Queue a failed message again, to go at the next delivery pass.",
                     access: user, success: (204, nil), errors: [404]) { _, _, scope in
                let id = try scope.id()
                try scope.gateway.retryMessage(id, now: scope.now)
                scope.log("queued message \(id) again")
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/audit", summary: "Every change made in the orchestra, newest first: who, what, which record, when, from where.",
                     access: admin, success: (200, Schema.page(of: "AuditEntry")),
                     queryParameters: paging + [("actor", Schema.string, "username or API key name"),
                                                ("action", Schema.string, "part of the action, e.g. needs or DELETE"),
                                                ("from", Schema.date, "from this day (UTC)"), ("until", Schema.date, "before this day (UTC)")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                func day(_ name: String) throws -> Date? {
                    guard let text = query.string(name) else { return nil }
                    guard let day = CalendarDay(iso: text) else { throw APIError.badField(name, "must be a date YYYY-MM-DD") }
                    return Date(timeIntervalSince1970: TimeInterval(day.ordinal) * 86_400)
                }
                let filter = AuditFilter(actorName: query.string("actor"), action: query.string("action"), from: try day("from"), until: try day("until"))
                return JSON.response(try scope.gateway.auditLog(filter, limit: limit, offset: offset))
            },
            APIRoute(method: .get, path: "/api/v1/statistics", summary: "Needs open and filled, time to fill, answers per musician.", access: user,
                     success: (200, Schema.ref("Statistics"))) { _, _, scope in
                JSON.response(try scope.gateway.statistics())
            },
            APIRoute(method: .get, path: "/api/v1/settings", summary: "The orchestra's settings.", access: user,
                     success: (200, Schema.map(Schema.string))) { _, _, scope in
                // How email leaves the appliance is the admins' business: users and API keys see none of it.
                var values = try scope.gateway.settings().publicValues
                if scope.principal?.role != .admin && scope.principal?.role != .superadmin {
                    for key in OrchestraSettings.transportKeys { values.removeValue(forKey: key) }
                }
                return JSON.response(values)
            },
            APIRoute(method: .patch, path: "/api/v1/settings", summary: "Change settings (an object of key: value strings).", access: admin,
                     requestBody: Schema.map(Schema.string), success: (200, Schema.map(Schema.string))) { request, _, scope in
                let gateway = try scope.gateway
                let changes = try await JSON.decodeStringMap(from: request)
                try gateway.setSettings(changes)
                scope.log("changed settings \(changes.keys.sorted().joined(separator: ", "))")
                return JSON.response(try gateway.settings().publicValues)
            },
        ]
    }
}

extension Optional {
    func unwrap() throws -> Wrapped {
        guard let value = self else { throw APIError(.forbidden, "this route works inside an orchestra") }
        return value
    }
}
