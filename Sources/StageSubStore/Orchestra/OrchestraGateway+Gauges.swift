import Foundation
import GRDB

/// The few counts a monitoring scrape reads from each orchestra: cheap (one indexed count each), so
/// `/metrics` can ask every orchestra on every scrape.
public struct OrchestraGauges: Sendable, Equatable {
    public var musicians: Int
    public var openNeeds: Int
    public var pendingRequests: Int
    public var outboxDepth: Int
}

extension OrchestraGateway {
    /// Active musicians, needs still being filled, requests waiting for an answer, messages waiting to go.
    public func gauges() throws(StoreError) -> OrchestraGauges {
        try read { db in
            OrchestraGauges(
                musicians: try Int.fetchOne(db, sql: "SELECT count(*) FROM musician WHERE isActive AND NOT isArchived") ?? 0,
                openNeeds: try Int.fetchOne(db, sql: "SELECT count(*) FROM projectNeed WHERE status = 'active'") ?? 0,
                pendingRequests: try Int.fetchOne(db, sql: "SELECT count(*) FROM request WHERE status = 'pending'") ?? 0,
                outboxDepth: try Int.fetchOne(db, sql: "SELECT count(*) FROM communicationLog WHERE status = 'queued'") ?? 0)
        }
    }
}
