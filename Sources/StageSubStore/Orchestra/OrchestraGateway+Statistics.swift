import Foundation
import GRDB
import StageSubCore

extension OrchestraGateway {
    /// Figures for the whole orchestra (the arithmetic is `OrchestraStatistics`, in Core); musicians with
    /// at least one request, most asked first.
    public func statistics() throws(StoreError) -> OrchestraStatistics {
        try read { db in
            // A request whose dates cannot be read is left out of the figures rather than failing them all.
            let requests = try Row.fetchAll(db, sql: "SELECT needId, musicianId, status, sentAt, respondedAt, bookedDirectly FROM request")
                .compactMap(Self.statisticsRequest)
            let needs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM projectNeed").map {
                ($0["id"] as Int64, $0["status"] as NeedStatus)
            })
            let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT id, firstName || ' ' || lastName AS name FROM musician WHERE id IN (SELECT musicianId FROM request)
                """).map { ($0["id"] as Int64, $0["name"] as String) })
            return OrchestraStatistics(requests: requests, needStatuses: needs, names: names)
        }
    }

    /// A request row as the statistics count it; nil for one whose status or dates cannot be read (left out of
    /// the figures rather than failing them all).
    static func statisticsRequest(_ row: Row) -> StatisticsRequest? {
        // (`try?` would flatten a missing answer time into "unreadable": read both dates in one `do`.)
        guard let status = RequestStatus(rawValue: row["status"]),
              let dates = try? (StoredDate.required(row, "sentAt"), StoredDate.optional(row, "respondedAt")) else { return nil }
        return StatisticsRequest(needId: row["needId"], musicianId: row["musicianId"], status: status, sentAt: dates.0,
                                 respondedAt: dates.1, bookedDirectly: row["bookedDirectly"])
    }
}
