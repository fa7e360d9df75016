import Foundation
import GRDB
import StageSubCore

/// One need's share of a project-wide send.
public struct NeedDispatch: Sendable {
    public let needId: Int64
    public let result: DispatchResult
}

/// Needs as a whole project sees them: editing within the rules, and asking for every need at once.
extension OrchestraGateway {
    /// A project's needs in score order (instrument, then position, then the order they were made).
    public func needs(project id: Int64) throws(StoreError) -> [ProjectNeed] {
        try read { db in
            try ProjectNeed.fetchAll(db, sql: "SELECT n.* FROM projectNeed n \(Self.scoreOrder)", arguments: [id])
        }
    }

    /// Saves changes to a need (fetch it, change it, pass it back). Until a request goes out every setting
    /// may change and is checked like a new need; afterwards only the quantity, and never below the
    /// musicians already accepted. The engine then settles the need: filled when the accepted meet the
    /// quantity, reopened and asking when it grew, and requests beyond its places withdrawn when it shrank.
    public func updateNeed(_ changed: ProjectNeed, now: Date) throws(StoreError) -> DispatchResult {
        guard let id = changed.id else { throw StoreError(.notFound, "the need has no id; create it first") }
        return try write { db in
            var need = try loadNeed(id, in: db)
            guard need.status != .cancelled else { throw StoreError(.conflict, .needCancelled(id)) }
            guard changed.projectId == need.projectId else { throw StoreError(.invalidInput, "a need cannot move to another project") }
            let state = try needState(need, in: db)
            if let refusal = NeedEditRule.refusal(from: need.settings, to: changed.settings, requests: state.requests.count,
                                                  accepted: state.accepted) {
                throw StoreError(state.hasBegun ? .conflict : .invalidInput, .needEdit(refusal))
            }
            need.settings = changed.settings
            need.updatedAt = now
            guard state.hasBegun else {
                try Self.checkPlacement(of: need, in: db)
                try need.update(db)
                return .nothing
            }
            try need.update(db)
            return try writeAndReplan(RequestEngine.changeQuantity(state, to: need.quantity), need: need, now: now, in: db)
        }
    }

    /// The plans for every open need of a project (active, not paused, filled or cancelled), in score
    /// order: exactly what `sendProject` would do now.
    public func previewProject(project id: Int64, now: Date = Date()) throws(StoreError) -> [NeedPlan] {
        try read { db in try projectPlans(project: id, now: now, in: db) }
    }

    /// Asks for every open need of a project in one transaction, in score order (so with the `simple` list
    /// setting a musician on two lists is asked by the higher instrument and position first).
    public func sendProject(project id: Int64, now: Date) throws(StoreError) -> [NeedDispatch] {
        try write { db in
            let plans = try projectPlans(project: id, now: now, in: db)
            try Self.markSendingStarted(plans.map(\.needId), now: now, in: db)
            return try plans.map { planned in
                NeedDispatch(needId: planned.needId, result: try carryOut(planned.plan, need: planned.needId, now: now, in: db))
            }
        }
    }

    /// The plans of a project's active needs in score order; `onlySent` leaves out the needs nobody has
    /// sent yet (they neither ask nor hold anyone back).
    func projectPlans(project id: Int64, onlySent: Bool = false, now: Date, in db: Database) throws -> [NeedPlan] {
        guard try Project.exists(db, id: id) else { throw StoreError(.notFound, "no project \(id)") }
        let open = try Int64.fetchAll(db, sql: """
            SELECT n.id FROM projectNeed n JOIN position p ON p.id = n.positionId JOIN instrument i ON i.id = p.instrumentId
            WHERE n.projectId = ? AND n.status = 'active' AND (? OR n.sendingStartedAt IS NOT NULL)
            ORDER BY i.displayOrder, p.hierarchyLevel, n.id
            """, arguments: [id, !onlySent])
        guard !open.isEmpty else { return [] }
        let shared = try projectDispatchReads(project: id, in: db)
        return DispatchPlanner.planProject(try open.map { try dispatchInput(need: $0, now: now, shared: shared, in: db) })
    }

    /// A project's needs (one `?` argument) in score order.
    static let scoreOrder = """
        JOIN position p ON p.id = n.positionId JOIN instrument i ON i.id = p.instrumentId
        WHERE n.projectId = ? ORDER BY i.displayOrder, p.hierarchyLevel, n.id
        """

    /// Refuses a need whose project is unknown, whose position is archived, or whose list belongs to
    /// another position or project.
    static func checkPlacement(of need: ProjectNeed, in db: Database) throws {
        guard try Project.exists(db, id: need.projectId) else { throw StoreError(.notFound, "no project \(need.projectId)") }
        try refuseArchivedPosition(need.positionId, in: db)
        let listPosition = need.rankingListId != nil
            ? try Int64.fetchOne(db, sql: "SELECT positionId FROM rankingList WHERE id = ?", arguments: [need.rankingListId])
            : try Int64.fetchOne(db, sql: "SELECT positionId FROM customRankingList WHERE id = ? AND projectId = ?",
                                 arguments: [need.customRankingListId, need.projectId])
        guard listPosition == need.positionId else { throw StoreError(.invalidInput, .listElsewhere) }
    }
}

extension ProjectNeed {
    /// The settings a personnel manager chooses (everything but the need's state).
    public var settings: NeedSettings {
        get {
            NeedSettings(positionId: positionId, quantity: quantity, rankingListId: rankingListId, customRankingListId: customRankingListId,
                         strategy: strategy, maxRecipients: maxRecipients, responseTimeHours: responseTimeHours,
                         requireLocalResidence: requireLocalResidence)
        }
        set {
            positionId = newValue.positionId
            quantity = newValue.quantity
            rankingListId = newValue.rankingListId
            customRankingListId = newValue.customRankingListId
            strategy = newValue.strategy
            maxRecipients = newValue.maxRecipients
            responseTimeHours = newValue.responseTimeHours
            requireLocalResidence = newValue.requireLocalResidence
        }
    }
}
