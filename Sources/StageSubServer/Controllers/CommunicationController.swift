import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

/// The outbox, statistics, settings and the audit log.
struct CommunicationController {
    /// A settings change: any of the settings, each a string, with the rule `OrchestraSettings.set` holds it to
    /// (a choice as an enum, the others in words); another key is refused.
    static let settingsChange: JSONValue = {
        let properties = OrchestraSettings.keys.map { key -> (String, JSONValue) in
            switch OrchestraSettings.rule(of: key) {
            case .oneOf(let values)?: return (key, Schema.enumeration(values))
            case let rule?: return (key, .object([("type", .string("string")), ("description", .string(rule.english))]))
            case nil: return (key, Schema.string)
            }
        }
        return .object([("type", .string("object")), ("properties", .object(properties)), ("additionalProperties", .bool(false))])
    }()

    var routes: [APIRoute] {
        let user = RouteAccess.user, admin = RouteAccess.admin, paging = RouteAccess.paging
        return [
            // Outbox, statistics, settings
            APIRoute(method: .get, path: "/api/v1/outbox", summary: "Messages the engine wrote (the outbox), newest first.", access: user,
                     output: Page<OutboxMessage>.self,
                     queryParameters: paging + [("status", Schema.enumeration(["queued", "sent", "failed"]), "only these")]) { request, _, scope in
                let query = Query(request: request)
                let (limit, offset) = try query.page()
                let status = query.string("status")
                if let status, !["queued", "sent", "failed"].contains(status) { throw APIError.badField("status", "must be queued, sent or failed") }
                return try scope.gateway.outbox(status: status, limit: limit, offset: offset)
            },
            APIRoute(method: .post, path: "/api/v1/outbox/{id}/retry", summary: "Queue a failed message again, to go at the next delivery pass.",
                     access: user, success: (204, nil), errors: [404]) { _, _, scope in
                let id = try scope.id()
                try scope.gateway.retryMessage(id, now: scope.now)
                scope.log("queued message \(id) again")
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/audit", summary: "Every change made in the orchestra, newest first: who, what, which record, when, from where.",
                     access: admin, output: Page<AuditEntry>.self,
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
                return try scope.gateway.auditLog(filter, limit: limit, offset: offset)
            },
            APIRoute(method: .get, path: "/api/v1/statistics", summary: "Needs open and filled, time to fill, answers per musician.", access: user,
                     output: OrchestraStatistics.self) { _, _, scope in
                try scope.gateway.statistics()
            },
            APIRoute(method: .get, path: "/api/v1/settings", summary: "The orchestra's settings.", access: user,
                     output: [String: String].self) { _, _, scope in
                // How email leaves the appliance is the admins' business: users and API keys see none of it.
                var values = try scope.gateway.settings().publicValues
                if scope.principal?.role != .admin && scope.principal?.role != .superadmin {
                    for key in OrchestraSettings.transportKeys { values.removeValue(forKey: key) }
                }
                return values
            },
            APIRoute(method: .patch, path: "/api/v1/settings", summary: "Change settings (an object of key: value strings).", access: admin,
                     requestBody: .literal(Self.settingsChange), reply: [String: String].self) { request, _, scope in
                let gateway = try scope.gateway
                let changes = try await JSON.decodeStringMap(from: request)
                try gateway.setSettings(changes)
                scope.log("changed settings \(changes.keys.sorted().joined(separator: ", "))")
                return JSONReply(body: try gateway.settings().publicValues)
            },
        ]
    }
}
