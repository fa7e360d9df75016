import Foundation
import GRDB
import StageSubCore

/// Escalating needs move to their next step with the clock: the due-work pass finds the ones whose
/// step has come, records it, and re-plans their projects (so a wider step asks more musicians at once).
extension OrchestraGateway {
    /// The escalating needs that have begun asking, with where each stands at `now`.
    func escalatingNeeds(now: Date, in db: Database) throws -> [EscalatingNeed] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT n.id, n.escalationStep, p.startDate FROM projectNeed n JOIN project p ON p.id = n.projectId
            WHERE n.strategy = 'escalating' AND n.status = 'active' AND n.sendingStartedAt IS NOT NULL ORDER BY n.id
            """)
        guard !rows.isEmpty else { return [] }
        let settings = try settings(in: db)
        return rows.compactMap { row in
            guard let start = CalendarDay(iso: row["startDate"]) else { return nil }
            return EscalatingNeed(needId: row["id"], recordedStep: row["escalationStep"],
                                  position: settings.escalationSteps.position(at: now, firstRehearsal: start, zone: settings.zone))
        }
    }

    /// Whether any escalating need's step has come (a read: most passes find none).
    func escalationsDue(now: Date, in db: Database) throws -> Bool {
        !RequestEngine.escalations(try escalatingNeeds(now: now, in: db)).isEmpty
    }

    /// Moves every escalating need whose step has come to that step; returns how many moved and the
    /// projects to re-plan.
    func escalate(now: Date, in db: Database) throws -> (moved: Int, projects: [Int64]) {
        var projects: [Int64] = []
        let moves = RequestEngine.escalations(try escalatingNeeds(now: now, in: db))
        for move in moves {
            try db.execute(sql: "UPDATE projectNeed SET escalationStep = ?, updatedAt = ? WHERE id = ?", arguments: [move.step, now, move.needId])
            if let project = try Int64.fetchOne(db, sql: "SELECT projectId FROM projectNeed WHERE id = ?", arguments: [move.needId]),
               !projects.contains(project) { projects.append(project) }
        }
        return (moves.count, projects)
    }

    /// Notes the step a plan asked under, so the clock moves the need on only from there.
    static func recordEscalation(_ plan: DispatchPlan, need id: Int64, in db: Database) throws {
        guard let position = plan.escalation else { return }
        try db.execute(sql: "UPDATE projectNeed SET escalationStep = max(escalationStep, ?) WHERE id = ?", arguments: [position.index, id])
    }
}
