import Foundation
import GRDB
import StageSubCore

extension OrchestraGateway {
    /// Figures for the whole orchestra (the arithmetic is `OrchestraStatistics`, in Core); musicians with
    /// at least one request, most asked first.
    public func statistics() throws(StoreError) -> OrchestraStatistics {
        try read { db in
            let requests = try Row.fetchAll(db, sql: "SELECT needId, musicianId, status, sentAt, respondedAt, bookedDirectly FROM request").map {
                StatisticsRequest(needId: $0["needId"], musicianId: $0["musicianId"], status: $0["status"], sentAt: $0["sentAt"],
                                  respondedAt: $0["respondedAt"], bookedDirectly: $0["bookedDirectly"])
            }
            let needs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM projectNeed").map {
                ($0["id"] as Int64, $0["status"] as NeedStatus)
            })
            let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT id, firstName || ' ' || lastName AS name FROM musician WHERE id IN (SELECT musicianId FROM request)
                """).map { ($0["id"] as Int64, $0["name"] as String) })
            return OrchestraStatistics(requests: requests, needStatuses: needs, names: names)
        }
    }
}
