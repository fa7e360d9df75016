import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct ProjectInput: APIInput {
    static let fields = ["name", "startDate", "endDate", "rehearsalSchedule", "concertInfo", "notes", "location"]
    var name: String, startDate: String, endDate: String?, rehearsalSchedule: String?, concertInfo: String?, notes: String?, location: String?
}

struct ProjectDetail: Encodable {
    let project: Project
    let needs: [ProjectNeed]
}

struct CustomListInput: APIInput {
    static let fields = ["positionId", "name", "musicianIds"]
    var positionId: Int64, name: String, musicianIds: [Int64]
}

struct GroupEmailInput: APIInput {
    static let fields = ["subject", "message", "needId"]
    var subject: String, message: String, needId: Int64?
}

/// Concert projects: their needs and custom lists, the project-wide preview and send, requests, group email and files.
struct ProjectController {
    var routes: [APIRoute] {
        let user = RouteAccess.user, paging = RouteAccess.paging
        let needBody = Schema.object([
            "positionId": Schema.integer, "quantity": Schema.integer, "rankingListId?": Schema.integer, "customListId?": Schema.integer,
            "strategy": Schema.enumeration(RequestStrategy.allCases.map(\.rawValue)), "maxRecipients?": Schema.nullable(Schema.integer),
            "responseTimeHours?": Schema.integer, "requireLocalResidence?": Schema.boolean,
        ], additional: false)

        return [
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
                                                 "rehearsalSchedule?": Schema.string, "concertInfo?": Schema.string, "notes?": Schema.string,
                                                 "location?": Schema.string], additional: false),
                     success: (201, Schema.ref("Project"))) { request, _, scope in
                let input = try await JSON.decode(ProjectInput.self, from: request)
                let project = try scope.gateway.createProject(name: input.name, startDate: input.startDate, endDate: input.endDate,
                                                              rehearsalSchedule: input.rehearsalSchedule, concertInfo: input.concertInfo,
                                                              notes: input.notes, location: input.location, now: scope.now)
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
                let input = try await JSON.decode(CustomListInput.self, from: request)
                let list = try gateway.createCustomList(project: id, position: input.positionId, name: input.name, musicians: input.musicianIds)
                return JSON.response(["id": list], status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/preview", summary: "Who every open need would ask now, and why the others not.",
                     access: user, success: (200, Schema.array(Schema.ref("Plan")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return JSON.response(try gateway.previewProject(project: id, now: scope.now).map { try PlanView.of(gateway, need: $0.needId, plan: $0.plan) })
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
                return JSON.response(try gateway.requestViews(project: id))
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/group-email", summary: "Write to every musician booked for the project (or one need).",
                     access: user, requestBody: Schema.object(["subject": Schema.string, "message": Schema.string, "needId?": Schema.integer], additional: false),
                     success: (201, Schema.object(["id": Schema.integer, "recipientCount": Schema.integer])), errors: [409]) { request, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                let input = try await JSON.decode(GroupEmailInput.self, from: request)
                let sent = try gateway.sendGroupEmail(project: id, need: input.needId, subject: input.subject, message: input.message, now: scope.now)
                return JSON.response(sent, status: .created)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/files", summary: "Files of the project (without their bytes).", access: user,
                     success: (200, Schema.array(Schema.ref("File")))) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
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
        ]
    }
}
