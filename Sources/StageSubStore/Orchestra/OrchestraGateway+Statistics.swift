import Foundation
import GRDB

/// The orchestra's figures: how its needs stand and how its musicians answer.
public struct OrchestraStatistics: Sendable, Codable {
    public struct MusicianFigures: Sendable, Codable, Equatable {
        public var musicianId: Int64
        public var name: String
        public var requests: Int
        public var accepted: Int
        public var declined: Int
        public var timedOut: Int
        /// accepted ÷ (accepted + declined), as the original system counted it; nil before any answer.
        public var acceptanceRate: Double?
        /// Median time from request to answer, in hours; nil before any answer.
        public var medianResponseHours: Double?
    }

    public var needsOpen: Int
    public var needsFilled: Int
    public var needsPaused: Int
    /// Median hours from a need's first request to its filling acceptance, over filled needs.
    public var medianHoursToFill: Double?
    public var pendingRequests: Int
    public var musicians: [MusicianFigures]
}

extension OrchestraGateway {
    /// Figures for the whole orchestra; musicians with at least one request, most asked first.
    public func statistics() throws(StoreError) -> OrchestraStatistics {
        try read { db in
            let needs = try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM projectNeed GROUP BY status")
            let count = { (status: String) in needs.first { $0["status"] == status }?["n"] as Int? ?? 0 }
            let fillHours = try Double.fetchAll(db, sql: """
                SELECT (julianday(max(r.respondedAt)) - julianday(min(r.sentAt))) * 24 FROM projectNeed n
                JOIN request r ON r.needId = n.id WHERE n.status = 'filled' GROUP BY n.id
                """)
            var figures: [OrchestraStatistics.MusicianFigures] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT m.id, m.firstName || ' ' || m.lastName AS name, count(*) AS requests,
                       sum(r.status = 'accepted') AS accepted, sum(r.status = 'declined') AS declined,
                       sum(r.status = 'timed_out') AS timedOut
                FROM request r JOIN musician m ON m.id = r.musicianId GROUP BY m.id ORDER BY requests DESC, m.id
                """) {
                let id: Int64 = row["id"]
                let accepted: Int = row["accepted"], declined: Int = row["declined"]
                let responses = try Double.fetchAll(db, sql: """
                    SELECT (julianday(respondedAt) - julianday(sentAt)) * 24 FROM request
                    WHERE musicianId = ? AND respondedAt IS NOT NULL AND status IN ('accepted', 'declined')
                    """, arguments: [id])
                figures.append(.init(musicianId: id, name: row["name"], requests: row["requests"], accepted: accepted, declined: declined,
                                     timedOut: row["timedOut"],
                                     acceptanceRate: accepted + declined > 0 ? Double(accepted) / Double(accepted + declined) : nil,
                                     medianResponseHours: Self.median(responses)))
            }
            return OrchestraStatistics(
                needsOpen: count("active"), needsFilled: count("filled"), needsPaused: count("paused"),
                medianHoursToFill: Self.median(fillHours),
                pendingRequests: try Int.fetchOne(db, sql: "SELECT count(*) FROM request WHERE status = 'pending'") ?? 0,
                musicians: figures)
        }
    }

    /// The median, rounded to the hundredth of an hour (SQLite's day fractions are not exact).
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        let value = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return (value * 100).rounded() / 100
    }
}
