import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// A backup file in the appliance's backup folder.
struct BackupView: APIContent {
    let orchestra: String, file: String, sizeBytes: Int, createdAt: Date?, schemaVersion: Int?
    static let componentName: String? = "Backup"
    static let example = BackupView(orchestra: "alpha", file: "2026-12-01T020000Z.stagesub-backup", sizeBytes: 1 << 20, createdAt: Date(),
                                    schemaVersion: 12)
}

/// One orchestra database as the appliance finds it.
struct HealthView: APIContent {
    let orchestra: String, status: Orchestra.Status, opens: Bool, quickCheck: String, schemaVersion: Int?, sizeBytes: Int, lastBackup: Date?
    static let componentName: String? = "Health"
    static let example = HealthView(orchestra: "alpha", status: .active, opens: true, quickCheck: "ok", schemaVersion: 12, sizeBytes: 1 << 20,
                                    lastBackup: Date())
}

/// An orchestra just made, with its first admin (and their password when it was generated).
struct CreatedOrchestra: APIContent {
    let orchestra: OrchestraView
    let adminUsername: String
    let generatedPassword: String?
    static var example: CreatedOrchestra { get throws { CreatedOrchestra(orchestra: try .example, adminUsername: "admin", generatedPassword: "secret") } }
}

/// Every active orchestra's statistics, and their sums.
struct StatisticsTotals: APIContent {
    let orchestras: [String: OrchestraStatistics]
    let needsOpen: Int
    let needsFilled: Int
    let pendingRequests: Int
    static var example: StatisticsTotals { get throws { StatisticsTotals(orchestras: ["alpha": try .example], needsOpen: 1, needsFilled: 1, pendingRequests: 1) } }
}

/// What a restore did.
struct RestoreView: APIContent {
    let orchestra: String
    let schemaVersion: Int
    let migrated: Int
    static let example = RestoreView(orchestra: "alpha", schemaVersion: 12, migrated: 0)
}

/// One entry of the appliance's log.
struct LogEntryView: APIContent {
    let timestamp: Date
    let level: String
    let category: String
    let message: String
    let orchestraId: Int64?
    static let example = LogEntryView(timestamp: Date(), level: "info", category: "api", message: "admin entered orchestra alpha", orchestraId: 1)
}

/// The appliance as a superadmin runs it: orchestras, entering one, statistics, health, backups, the log.
struct SuperadminController {
    var routes: [APIRoute] {
        let admin = Access.superadmin
        return [
            APIRoute(method: .get, path: "/api/v1/admin/orchestras", summary: "Every orchestra with schema version, size and user count.",
                     access: admin, output: [OrchestraView].self) { _, _, scope in
                let appliance = scope.state.appliance
                // Summaries open every orchestra's file for its schema and size: off the event loop.
                return try await Blocking.run {
                    let summaries = Dictionary(uniqueKeysWithValues: try appliance.orchestraSummaries().map { ($0.slug, $0) })
                    return try appliance.registry.orchestras().map { OrchestraView($0, summary: summaries[$0.slug]) }
                }
            },
            APIRoute(method: .post, path: "/api/v1/admin/orchestras", summary: "Create an orchestra with its first admin (slug, name, adminEmail required).",
                     access: admin, input: OrchestraInput.self, status: .created, output: CreatedOrchestra.self, errors: [409]) { input, _, _, scope in
                guard let slug = input.slug, let name = input.name, let email = input.adminEmail else {
                    throw APIError(.badRequest, "slug, name and adminEmail are required")
                }
                let appliance = scope.state.appliance
                let created = try await Blocking.run {
                    try appliance.createOrchestra(slug: slug, name: name, adminEmail: email, adminUsername: input.adminUsername,
                                                  adminPassword: input.adminPassword)
                }
                let orchestra = try appliance.updateOrchestra(slug, plan: input.plan, maxMusicians: input.maxMusicians, maxProjects: input.maxProjects,
                                                              contactName: input.contactName, contactEmail: input.contactEmail)
                scope.log("created orchestra \(slug)")
                return CreatedOrchestra(orchestra: OrchestraView(orchestra, summary: nil), adminUsername: created.admin.username,
                                        generatedPassword: created.generatedPassword)
            },
            APIRoute(method: .get, path: "/api/v1/admin/orchestras/{slug}", summary: "One orchestra.", access: admin,
                     output: OrchestraView.self) { _, _, scope in
                let slug = try scope.string("slug")
                let appliance = scope.state.appliance
                let orchestra = try appliance.orchestra(slug)
                return OrchestraView(orchestra, summary: try await Blocking.run { try appliance.orchestraSummaries().first { $0.slug == slug } })
            },
            APIRoute(method: .patch, path: "/api/v1/admin/orchestras/{slug}", summary: "Change name, plan, limits or contact.", access: admin,
                     input: OrchestraInput.self, output: OrchestraView.self) { input, _, _, scope in
                let slug = try scope.string("slug")
                _ = try scope.state.appliance.orchestra(slug)
                if input.slug != nil || input.adminEmail != nil || input.adminUsername != nil || input.adminPassword != nil {
                    throw APIError(.badRequest, "slug and the admin fields cannot be changed here")
                }
                let orchestra = try scope.state.appliance.updateOrchestra(slug, name: input.name, plan: input.plan, maxMusicians: input.maxMusicians,
                                                                          maxProjects: input.maxProjects, contactName: input.contactName,
                                                                          contactEmail: input.contactEmail)
                return OrchestraView(orchestra, summary: nil)
            },
            APIRoute(method: .post, path: "/api/v1/admin/orchestras/{slug}/suspend", summary: "Suspend: its users are logged out, its links say unavailable.",
                     access: admin, output: OrchestraView.self) { _, _, scope in
                let slug = try scope.string("slug")
                try scope.state.appliance.suspendOrchestra(slug)
                return OrchestraView(try scope.state.appliance.orchestra(slug), summary: nil)
            },
            APIRoute(method: .post, path: "/api/v1/admin/orchestras/{slug}/resume", summary: "Make a suspended orchestra active again.",
                     access: admin, output: OrchestraView.self) { _, _, scope in
                let slug = try scope.string("slug")
                try scope.state.appliance.resumeOrchestra(slug)
                return OrchestraView(try scope.state.appliance.orchestra(slug), summary: nil)
            },
            APIRoute(method: .post, path: "/api/v1/admin/orchestras/{slug}/enter", summary: "Act inside this orchestra (recorded in the log).",
                     access: admin, output: OrchestraView.self) { _, _, scope in
                let orchestra = try scope.state.appliance.enterOrchestra(try scope.string("slug"), principal: try scope.principal.unwrap())
                return OrchestraView(try orchestra.unwrap(), summary: nil)
            },
            APIRoute(method: .post, path: "/api/v1/admin/leave", summary: "Stop acting inside an orchestra.", access: admin, success: (204, nil)) { _, _, scope in
                _ = try scope.state.appliance.enterOrchestra(nil, principal: try scope.principal.unwrap())
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/admin/statistics", summary: "Statistics of every active orchestra, and their sum.", access: admin,
                     output: StatisticsTotals.self) { _, _, scope in
                let state = scope.state
                let each = try await Blocking.run {
                    var each: [String: OrchestraStatistics] = [:]
                    for orchestra in try state.appliance.registry.orchestras() where orchestra.status == .active {
                        each[orchestra.slug] = try state.gateway(orchestra).statistics()
                    }
                    return each
                }
                return StatisticsTotals(orchestras: each, needsOpen: each.values.reduce(0) { $0 + $1.needsOpen },
                                        needsFilled: each.values.reduce(0) { $0 + $1.needsFilled },
                                        pendingRequests: each.values.reduce(0) { $0 + $1.pendingRequests })
            },
            APIRoute(method: .get, path: "/api/v1/admin/health", summary: "Each orchestra database: opens, quick check, schema, size, last backup.",
                     access: admin, output: [HealthView].self) { _, _, scope in
                let state = scope.state, appliance = state.appliance
                // A quick check reads every page of every orchestra: seconds on a big appliance, off the loop.
                return try await Blocking.run {
                    let summaries = Dictionary(uniqueKeysWithValues: try appliance.orchestraSummaries().map { ($0.slug, $0) })
                    let backups = try appliance.lastBackups()
                    var views: [HealthView] = []
                    for orchestra in try appliance.registry.orchestras() {
                        let (opens, check) = state.pool.quickCheck(orchestra.slug)
                        let summary = summaries[orchestra.slug]
                        views.append(HealthView(orchestra: orchestra.slug, status: orchestra.status, opens: opens, quickCheck: check,
                                                schemaVersion: summary?.schemaVersion, sizeBytes: summary?.sizeBytes ?? 0,
                                                lastBackup: backups[orchestra.slug]))
                    }
                    return views
                }
            },
            APIRoute(method: .get, path: "/api/v1/admin/backups", summary: "Backups in the appliance's backup folders.", access: admin,
                     output: [BackupView].self) { _, _, scope in
                let appliance = scope.state.appliance
                return try await Blocking.run {
                    var views: [BackupView] = []
                    for orchestra in try appliance.registry.orchestras() {
                        for file in appliance.backupFiles(orchestra.slug).reversed() { views.append(Self.backupView(orchestra.slug, file)) }
                    }
                    return views
                }
            },
            APIRoute(method: .post, path: "/api/v1/admin/orchestras/{slug}/backups", summary: "Back up an orchestra now (while it keeps working).",
                     access: admin, status: .created, output: BackupView.self, errors: [409, 503]) { _, _, scope in
                let slug = try scope.string("slug")
                let appliance = scope.state.appliance
                let result = try await Blocking.run { try appliance.backup(slug, reason: "api") }
                scope.log("backed up \(slug)")
                return Self.backupView(slug, result.file)
            },
            APIRoute(method: .get, path: "/api/v1/admin/backups/{slug}/{file}", summary: "Download a backup file.", access: admin,
                     produces: "application/octet-stream") { _, context, scope in
                let file = try Self.backupFile(scope)
                // Streamed from disk in chunks on NIO's pool for blocking work: a backup of hundreds of megabytes
                // never sits whole in memory, nor holds the event loop while it is read.
                let body = try await FileIO().loadFile(path: file.path, context: context)
                return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                       .contentDisposition: "attachment; filename=\"\(file.lastPathComponent)\""],
                                body: body)
            },
            APIRoute(method: .post, path: "/api/v1/admin/backups/{slug}/{file}/restore",
                     summary: "Restore this backup over its orchestra (verified first; the current one is kept until the swap succeeds).",
                     access: admin, output: RestoreView.self, errors: [409, 503]) { _, _, scope in
                let slug = try scope.string("slug"), file = try Self.backupFile(scope)
                let state = scope.state
                let result = try await state.maintenance.during(slug) {
                    state.pool.release(slug)
                    defer { state.pool.release(slug) }
                    return try state.appliance.restore(file, as: slug)
                }
                scope.log("restored \(slug) from \(file.lastPathComponent)")
                return RestoreView(orchestra: result.slug, schemaVersion: result.manifest.schemaVersion, migrated: result.migrated)
            },
            APIRoute(method: .get, path: "/api/v1/admin/log", summary: "The appliance's latest log entries.", access: admin,
                     output: [LogEntryView].self,
                     queryParameters: [("limit", Schema.integer, "entries, 1–500 (default 100)")]) { request, _, scope in
                let limit = try Query(request: request).int("limit", default: 100, range: 1...500)
                return try scope.state.appliance.registry.recentLog(limit: limit).map {
                    LogEntryView(timestamp: $0.timestamp, level: $0.level, category: $0.category, message: $0.message, orchestraId: $0.orchestraId)
                }
            },
        ]
    }

    static func backupView(_ slug: String, _ file: URL) -> BackupView {
        let manifest = try? Appliance.readManifest(file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        return BackupView(orchestra: slug, file: file.lastPathComponent, sizeBytes: size, createdAt: manifest?.createdAt,
                          schemaVersion: manifest?.schemaVersion)
    }

    /// A backup of the orchestra named in the path, by its file name as listed (never a path of the client's).
    static func backupFile(_ scope: Scope) throws -> URL {
        let slug = try scope.string("slug"), name = try scope.string("file")
        _ = try scope.state.appliance.orchestra(slug)
        guard let file = scope.state.appliance.backupFiles(slug).first(where: { $0.lastPathComponent == name }) else { throw APIError.notFound }
        return file
    }
}
