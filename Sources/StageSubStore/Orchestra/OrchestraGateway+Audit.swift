import Foundation
import GRDB
import StageSubCore

/// One change made to the orchestra, for the audit log: who, what, which record, when, from where. Never
/// a body, a password or a key: only the route's shape and the ids in its path.
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditLog"
    /// Who made the change.
    public enum ActorKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case user, apiKey = "api_key", superadmin
        /// The appliance itself (the retention rule's erasures).
        case system
    }

    public var id: Int64?
    public var at: Date
    public var actorKind: ActorKind
    /// The user's or key's id in the registry.
    public var actorId: Int64?
    /// Username, or the API key's name.
    public var actorName: String
    /// The method and route, e.g. `POST /api/v1/needs/{id}/send`.
    public var action: String
    /// The ids in the route's path, e.g. `id=12`.
    public var target: String
    public var clientAddress: String?
    public var status: Int

    public init(at: Date, actorKind: ActorKind, actorId: Int64?, actorName: String, action: String, target: String,
                clientAddress: String?, status: Int) {
        self.at = at
        self.actorKind = actorKind
        self.actorId = actorId
        self.actorName = actorName
        self.action = action
        self.target = target
        self.clientAddress = clientAddress
        self.status = status
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What to look for in the audit log.
public struct AuditFilter: Sendable {
    public var actorName: String?
    /// Part of the action (`needs`, `POST`, `/cancel`).
    public var action: String?
    public var from: Date?
    public var until: Date?

    public init(actorName: String? = nil, action: String? = nil, from: Date? = nil, until: Date? = nil) {
        self.actorName = actorName
        self.action = action
        self.from = from
        self.until = until
    }
}

extension OrchestraGateway {
    /// Records one change (the server calls this after every state-changing call that succeeded).
    public func recordAudit(_ entry: AuditEntry) throws(StoreError) {
        var entry = entry
        try write { db in try entry.insert(db) }
    }

    /// The audit log, newest first.
    public func auditLog(_ filter: AuditFilter, limit: Int, offset: Int) throws(StoreError) -> Page<AuditEntry> {
        try read { db in
            var request = AuditEntry.all()
            if let name = filter.actorName, !name.isEmpty { request = request.filter(sql: "actorName = ? COLLATE NOCASE", arguments: [name]) }
            if let action = filter.action, !action.isEmpty { request = request.filter(sql: "instr(action, ?) > 0", arguments: [action]) }
            if let from = filter.from { request = request.filter(sql: "at >= ?", arguments: [from]) }
            if let until = filter.until { request = request.filter(sql: "at < ?", arguments: [until]) }
            let total = try request.fetchCount(db)
            return Page(items: try request.order(sql: "id DESC").limit(limit, offset: offset).fetchAll(db), total: total, limit: limit, offset: offset)
        }
    }
}

extension OrchestraSchema {
    /// Migration 6: the audit log (kept in the orchestra's own file, so backups and restores carry it).
    static func createAuditLog(_ db: Database) throws {
        try db.create(table: "auditLog") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.column("actorKind", .text).notNull().check { ["user", "api_key", "superadmin"].contains($0) }
            t.column("actorId", .integer)
            t.column("actorName", .text).notNull()
            t.column("action", .text).notNull()
            t.column("target", .text).notNull()
            t.column("clientAddress", .text)
            t.column("status", .integer).notNull()
        }
        try db.create(index: "auditLog_by_time", on: "auditLog", columns: ["at"])
    }
}
