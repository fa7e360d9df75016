import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct ProjectInput: APIInput {
    var name: String, startDate: String, endDate: String?, rehearsalSchedule: String?, concertInfo: String?, notes: String?, location: String?
    static let annotations: [String: [SchemaNote]] = ["startDate": [.date], "endDate": [.date]]
}

struct ProjectDetail: APIContent {
    let project: Project
    let needs: [ProjectNeed]
    static var example: ProjectDetail { get throws { ProjectDetail(project: try .example, needs: [try .example]) } }
}

struct CustomListInput: APIInput {
    var positionId: Int64, name: String, musicianIds: [Int64]
}

struct GroupEmailInput: APIInput {
    var subject: String, message: String, needId: Int64?
}

/// The id of what was just made.
struct CreatedId: APIContent {
    let id: Int64
    static let example = CreatedId(id: 1)
}

/// Concert projects: their needs and custom lists, the project-wide preview and send, requests, group email and files.
struct ProjectController {
    var routes: [APIRoute] {
        let user = RouteAccess.user, paging = RouteAccess.paging
        return [
            // Projects
            APIRoute(method: .get, path: "/api/v1/projects", summary: "Projects, latest start first.", access: user,
                     output: Page<Project>.self,
                     queryParameters: paging + [("includeArchived", Schema.boolean, "also archived projects")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                return try scope.gateway.projects(includeArchived: try query.bool("includeArchived"), limit: limit, offset: offset)
            },
            APIRoute(method: .post, path: "/api/v1/projects", summary: "Create a project.", access: user,
                     input: ProjectInput.self, status: .created, output: Project.self) { input, _, _, scope in
                try scope.gateway.createProject(name: input.name, startDate: input.startDate, endDate: input.endDate,
                                                rehearsalSchedule: input.rehearsalSchedule, concertInfo: input.concertInfo,
                                                notes: input.notes, location: input.location, now: scope.now)
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}", summary: "A project with its needs.", access: user,
                     output: ProjectDetail.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return ProjectDetail(project: try gateway.project(id), needs: try gateway.needs(project: id))
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/needs", summary: "Add a need: position, quantity, list, strategy.", access: user,
                     input: NeedInput.self, status: .created, output: ProjectNeed.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.createNeed(project: id, position: input.positionId, quantity: input.quantity,
                                              rankingList: input.rankingListId, customList: input.customListId, strategy: input.strategy,
                                              maxRecipients: input.maxRecipients, responseTimeHours: input.responseTimeHours ?? 24,
                                              requireLocalResidence: input.requireLocalResidence ?? false, now: scope.now)
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/custom-lists", summary: "A list for this project only, in this order.", access: user,
                     input: CustomListInput.self, status: .created, output: CreatedId.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return CreatedId(id: try gateway.createCustomList(project: id, position: input.positionId, name: input.name, musicians: input.musicianIds))
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/preview", summary: "Who every open need would ask now, and why the others not.",
                     access: user, output: [PlanView].self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.previewProject(project: id, now: scope.now).map { try PlanView.of(gateway, need: $0.needId, plan: $0.plan) }
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/send", summary: "Send every open need of the project: exactly what preview shows.",
                     access: user, output: [SentView].self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id(), now = scope.now
                let done = try await Blocking.run { try gateway.sendProject(project: id, now: now) }
                scope.log("sent project \(id): \(done.reduce(0) { $0 + $1.result.sent.count }) requests")
                return done.map { SentView(needId: $0.needId, $0.result) }
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/requests", summary: "Every request of the project, newest first.", access: user,
                     output: [RequestView].self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.requestViews(project: id)
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/group-email", summary: "Write to every musician booked for the project (or one need).",
                     access: user, input: GroupEmailInput.self, status: .created, output: GroupEmail.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id(), now = scope.now
                return try await Blocking.run {
                    try gateway.sendGroupEmail(project: id, need: input.needId, subject: input.subject, message: input.message, now: now)
                }
            },
            APIRoute(method: .get, path: "/api/v1/projects/{id}/files", summary: "Files of the project (without their bytes).", access: user,
                     output: [StoredFile].self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.files(project: id)
            },
            APIRoute(method: .post, path: "/api/v1/projects/{id}/files", summary: "Attach a file (the body is the file) sent with requests or confirmations.",
                     access: user, requestBody: .literal(.object([("type", .string("string")), ("format", .string("binary"))])),
                     requestContentType: "application/octet-stream", status: .created, reply: StoredFile.self,
                     queryParameters: [("name", Schema.string, "file name"), ("sendWith", Schema.enumeration(FileSendWith.schemaValues), "when it goes out"),
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
                return JSONReply(body: try gateway.attachFile(data, name: name, mimeType: type, to: owner, sendWith: sendWith, now: scope.now),
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
