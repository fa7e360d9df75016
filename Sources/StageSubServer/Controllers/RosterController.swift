import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct MusicianInput: APIInput {
    var firstName: String?, lastName: String?, email: String?, phone: String?, preferredLanguage: String?
    var localResidence: Bool?, notes: String?, isActive: Bool?, positionIds: [Int64]?
    static let annotations: [String: [SchemaNote]] = ["preferredLanguage": [.oneOf(["sv", "en"])]]
}

/// A musician as the API shows them; hot lists write it with `JSONWriter` (byte for byte the same).
struct MusicianView: APIContent {
    let musician: Musician
    let positionIds: [Int64]?

    enum CodingKeys: String, CodingKey { case id, firstName, lastName, email, phone, preferredLanguage, localResidence, notes, isActive, isArchived, positionIds }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(musician.id ?? 0, forKey: .id)
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

    static let componentName: String? = "Musician"
    static let annotations: [String: [SchemaNote]] = ["preferredLanguage": [.oneOf(["sv", "en"])]]
    static var example: MusicianView {
        get throws {
            var musician = try SchemaBook.example(Musician.self)
            musician.preferredLanguage = "sv"
            return MusicianView(musician: musician, positionIds: [1])
        }
    }
}

/// What an import did or would do, with the rows to fix by line.
struct ImportReportView: APIContent {
    struct Issue: Encodable { let line: Int; let message: String }
    let musicians: Int
    let committed: Bool
    let issues: [Issue]
    let ignoredColumns: [String]

    static let componentName: String? = "ImportReport"
    static let example = ImportReportView(musicians: 1, committed: false, issues: [Issue(line: 2, message: "email: is required")],
                                          ignoredColumns: ["Instrument"])
}

/// The roster: the orchestra itself, its musicians with their positions, and the CSV import.
struct RosterController {
    var routes: [APIRoute] {
        let user = RouteAccess.user, paging = RouteAccess.paging
        return [
            APIRoute(method: .get, path: "/api/v1/orchestra", summary: "The orchestra the caller works in.", access: user,
                     output: OrchestraView.self) { _, _, scope in
                OrchestraView(try scope.orchestra.unwrap(), summary: nil)
            },
            // Roster
            APIRoute(method: .get, path: "/api/v1/musicians", summary: "Musicians, by name; search matches name, email, phone.",
                     access: user, output: Page<MusicianView>.self,
                     queryParameters: paging + [("search", Schema.string, "text to look for"), ("includeArchived", Schema.boolean, "also archived musicians")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                let found = try scope.gateway.musicians(search: query.string("search"), includeArchived: try query.bool("includeArchived"),
                                                        limit: limit, offset: offset)
                return Page(items: found.items.map { MusicianView(musician: $0, positionIds: nil) }, total: found.total,
                            limit: limit, offset: offset)
            },
            APIRoute(method: .post, path: "/api/v1/musicians", summary: "Add a musician (with the positions they may play).", access: user,
                     input: MusicianInput.self, status: .created, output: MusicianView.self, errors: [409]) { input, _, _, scope in
                guard let first = input.firstName, let last = input.lastName, let email = input.email else {
                    throw APIError(.badRequest, "firstName, lastName and email are required")
                }
                let gateway = try scope.gateway
                var musician = Musician(firstName: first, lastName: last, email: email, phone: input.phone,
                                        preferredLanguage: input.preferredLanguage ?? "sv", localResidence: input.localResidence ?? false,
                                        notes: input.notes, now: scope.now)
                musician.isActive = input.isActive ?? true
                let created = try gateway.createMusician(musician, positions: input.positionIds.map(Set.init))
                return MusicianView(musician: created, positionIds: try gateway.qualifications(musician: created.id ?? 0))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/import", summary: "Import musicians from CSV (Excel, Swedish or English headers); dryRun=true only reports.",
                     access: user, requestBody: .literal(Schema.string), requestContentType: "text/csv",
                     reply: ImportReportView.self, errors: [422], reportSchemas: [422: .of(ImportReportView.self)],
                     queryParameters: [("dryRun", Schema.boolean, "only check and report")]) { request, _, scope in
                let dryRun = try Query(request: request).bool("dryRun")
                try HTTPMediaType.require(request, "text/csv", hint: "CSV")
                let data = try await JSON.body(request, limit: 5 << 20)
                let gateway = try scope.gateway, now = scope.now
                let report = try await Blocking.run { try gateway.importMusicians(data, dryRun: dryRun, now: now) }
                let body = ImportReportView(musicians: report.musicians, committed: report.committed,
                                            issues: report.issues.map { .init(line: $0.line, message: $0.message) }, ignoredColumns: report.ignoredColumns)
                if report.committed { scope.log("imported \(report.musicians) musicians") }
                return JSONReply(body: body, status: report.issues.isEmpty ? .ok : .unprocessableContent)
            },
            APIRoute(method: .get, path: "/api/v1/musicians/{id}", summary: "One musician with their positions.", access: user,
                     output: MusicianView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return MusicianView(musician: try gateway.musician(id), positionIds: try gateway.qualifications(musician: id))
            },
            APIRoute(method: .patch, path: "/api/v1/musicians/{id}", summary: "Change a musician (only the fields sent).", access: user,
                     input: MusicianInput.self, output: MusicianView.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                var musician = try gateway.musician(id)
                if let v = input.firstName { musician.firstName = v }
                if let v = input.lastName { musician.lastName = v }
                if let v = input.email { musician.email = v }
                if input.phone != nil { musician.phone = input.phone!.isEmpty ? nil : input.phone }
                if let v = input.preferredLanguage { musician.preferredLanguage = v }
                if let v = input.localResidence { musician.localResidence = v }
                if let v = input.notes { musician.notes = v }
                if let v = input.isActive { musician.isActive = v }
                try gateway.updateMusician(musician, positions: input.positionIds.map(Set.init), now: scope.now)
                return MusicianView(musician: try gateway.musician(id), positionIds: try gateway.qualifications(musician: id))
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/archive", summary: "Archive a musician (never asked again; history kept).",
                     access: user, output: MusicianView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.setArchived(true, musician: id, now: scope.now)
                return MusicianView(musician: try gateway.musician(id), positionIds: nil)
            },
            APIRoute(method: .post, path: "/api/v1/musicians/{id}/restore", summary: "Bring an archived musician back.",
                     access: user, output: MusicianView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.setArchived(false, musician: id, now: scope.now)
                return MusicianView(musician: try gateway.musician(id), positionIds: nil)
            },
        ]
    }
}
