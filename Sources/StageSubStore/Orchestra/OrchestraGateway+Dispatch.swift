import CSodium
import Foundation
import GRDB
import StageSubCore

/// What a dispatch did: the requests it created (with their one-time tokens, which exist nowhere else
/// but in the messages) and the plan it carried out.
public struct DispatchResult: Sendable {
    public struct Sent: Sendable {
        public let requestId: Int64
        public let musicianId: Int64
        public let token: String
    }
    public let sent: [Sent]
    public let plan: DispatchPlan?

    static let nothing = DispatchResult(sent: [], plan: nil)
}

/// The engine's operations. Each one loads the state in one transaction, lets `RequestEngine` (Core)
/// decide, and writes the effects in that same transaction.
extension OrchestraGateway {
    /// The plan for a need as it stands at `now`: exactly what `send` would do then (the moment matters
    /// to an escalating need's step; pass the appliance's clock).
    public func preview(need id: Int64, now: Date = Date()) throws(StoreError) -> DispatchPlan {
        try read { db in DispatchPlanner.plan(try dispatchInput(need: id, now: now, in: db)) }
    }

    /// Carries out the plan for a need in one transaction: requests, tokens and messages.
    public func send(need id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try write { db in
            let plan = DispatchPlanner.plan(try dispatchInput(need: id, now: now, in: db))
            try Self.markSendingStarted([id], now: now, in: db)
            return try carryOut(plan, need: id, now: now, in: db)
        }
    }

    /// A musician's answer through their link. One transaction that re-checks the need, so simultaneous
    /// acceptances never exceed its quantity.
    public func answer(token: String, accept: Bool, now: Date) throws(StoreError) -> AnswerOutcome {
        try write { db in
            guard let request = try SubstituteRequest.filter(sql: "tokenHash = ?1 OR reminderTokenHash = ?1", arguments: [Self.hash(token)]).fetchOne(db),
                  let need = try ProjectNeed.fetchOne(db, key: request.needId) else { return .unknownToken }
            let (outcome, effects) = RequestEngine.answer(try needState(need, in: db), request: request.id!, accept: accept, now: now)
            _ = try writeAndReplan(effects, need: need, now: now, in: db)
            return outcome
        }
    }

    /// Due work: reminders whose moment has come and requests whose deadline has passed (then the engine
    /// asks the next). Idempotent: all state is in the database, so running it twice does nothing twice.
    @discardableResult
    public func processDue(now: Date) throws(StoreError) -> (reminders: Int, timeouts: Int) {
        let done = try processDueWork(now: now)
        return (done.reminders, done.timeouts)
    }

    /// What a due-work pass did, and the requests it had to skip because their rows cannot be read.
    public struct DueWork: Sendable, Equatable {
        public var reminders = 0
        public var timeouts = 0
        /// Escalating needs that moved to their next step.
        public var escalations = 0
        public var unreadable: [Int64] = []
    }

    /// `processDue`, also naming the requests skipped: a row that cannot be read costs only itself, never
    /// the pass (the others still time out and are reminded).
    public func processDueWork(now: Date) throws(StoreError) -> DueWork {
        // Most passes find nothing: a read (which never waits for writers) decides whether to write at all.
        let due = try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM request WHERE status = 'pending'
                               AND (deadlineAt <= ? OR (reminderSentAt IS NULL AND reminderDueAt <= ?)))
                """, arguments: [now, now]) ?? false || escalationsDue(now: now, in: db)
        }
        guard due else { return DueWork() }
        return try write { db in
            var work = DueWork()
            let escalated = try escalate(now: now, in: db)
            work.escalations = escalated.moved
            for project in escalated.projects { _ = try replan(project: project, now: now, in: db) }
            var candidates: [EngineRequest] = []
            for id in try Int64.fetchAll(db, sql: """
                SELECT id FROM request WHERE status = 'pending' AND (deadlineAt <= ? OR (reminderSentAt IS NULL AND reminderDueAt <= ?)) ORDER BY id
                """, arguments: [now, now]) {
                do {
                    if let request = try SubstituteRequest.fetchOne(db, key: id) { candidates.append(request.engineRequest) }
                } catch {
                    work.unreadable.append(id)
                }
            }
            let decided = RequestEngine.due(candidates, now: now)
            var projects: [Int64] = []
            for id in decided.timeouts {
                // Re-read: an earlier timeout's re-plan may have changed this need.
                guard let request = try SubstituteRequest.fetchOne(db, key: id), request.status == .pending,
                      let need = try ProjectNeed.fetchOne(db, key: request.needId) else { continue }
                let effects = RequestEngine.timeOut(try needState(need, in: db), request: id)
                if try apply(effects, need: need, now: now, in: db), !projects.contains(need.projectId) { projects.append(need.projectId) }
                work.timeouts += 1
            }
            for project in projects { _ = try replan(project: project, now: now, in: db) }
            for id in decided.reminders {
                guard var request = try SubstituteRequest.fetchOne(db, key: id), request.status == .pending else { continue }
                request.reminderSentAt = now
                try request.update(db)
                // A new link for the reminder (the request's token exists only in the first message).
                let token = tokenPrefix + Self.newToken()
                try db.execute(sql: "UPDATE request SET reminderTokenHash = ? WHERE id = ?", arguments: [Self.hash(token), id])
                try queueMessage(.reminder, request: request, token: token, now: now, in: db)
                work.reminders += 1
            }
            return work
        }
    }

    /// Pending requests whose dates cannot be read (the operator's log names them on every pass).
    public func unreadableRequests() throws(StoreError) -> [Int64] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, deadlineAt, reminderDueAt FROM request WHERE status = 'pending' ORDER BY id").compactMap { row in
                let readable = (try? (StoredDate.required(row, "deadlineAt"), StoredDate.optional(row, "reminderDueAt"))) != nil
                return readable ? nil : row["id"] as Int64
            }
        }
    }

    /// Books a musician directly (agreed outside StageSub): an accepted request and a confirmation, no question.
    public func bookDirectly(need id: Int64, musician: Int64, now: Date) throws(StoreError) {
        try write { db in
            let need = try loadNeed(id, in: db)
            guard let person = try Musician.fetchOne(db, key: musician), !person.isArchived else {
                throw StoreError(.invalidInput, "there is no musician \(musician) on the roster")
            }
            let inProject = try RequestStatus.fetchOne(db, sql: """
                SELECT r.status FROM request r JOIN projectNeed n ON n.id = r.needId
                WHERE n.projectId = ? AND r.musicianId = ? AND r.status <> 'cancelled' ORDER BY r.id LIMIT 1
                """, arguments: [need.projectId, musician])
            do {
                let effects = try RequestEngine.book(try needState(need, in: db), musician: musician, inProject: inProject)
                _ = try writeAndReplan(effects, need: need, now: now, in: db)
            } catch let refusal as EngineRefusal {
                throw StoreError(.conflict, .cannotBook(musician: person.fullName, refusal.reason))
            }
        }
    }

    /// A musician who had accepted withdraws: the need reopens and the engine asks the next.
    public func recordWithdrawal(request id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try engineChange(request: id, now: now) { (state) throws(EngineRefusal) in try RequestEngine.withdraw(state, request: id) }
    }

    /// Cancels a need: pending musicians are told the request is withdrawn, booked ones that their booking
    /// is cancelled; the project's other needs may then ask whoever this one freed.
    public func cancelNeed(_ id: Int64, now: Date) throws(StoreError) {
        _ = try engineChange(need: id, now: now) { (state) throws(EngineRefusal) in try RequestEngine.cancel(state) }
    }

    /// Pauses a need (nobody new is asked; pending requests stay), or resumes it (it asks at once).
    public func setNeedPaused(_ paused: Bool, need id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try engineChange(need: id, now: now) { (state) throws(EngineRefusal) in try RequestEngine.setPaused(paused, state) }
    }

    // MARK: - Inside a transaction

    /// Loads a need's state, lets `decide` choose the effects, and writes them; a refusal is a conflict.
    func engineChange(need id: Int64, now: Date, _ decide: (NeedState) throws(EngineRefusal) -> [EngineEffect]) throws(StoreError) -> DispatchResult {
        try write { db in
            let need = try loadNeed(id, in: db)
            let effects: [EngineEffect]
            do { effects = try decide(try needState(need, in: db)) } catch let refusal as EngineRefusal {
                throw StoreError(.conflict, .engine(need: id, refusal.reason))
            }
            return try writeAndReplan(effects, need: need, now: now, in: db)
        }
    }

    func engineChange(request id: Int64, now: Date, _ decide: (NeedState) throws(EngineRefusal) -> [EngineEffect]) throws(StoreError) -> DispatchResult {
        let needId = try read { db in try Int64.fetchOne(db, sql: "SELECT needId FROM request WHERE id = ?", arguments: [id]) }
        guard let needId else { throw StoreError(.notFound, "no request \(id)") }
        return try engineChange(need: needId, now: now, decide)
    }

    func loadNeed(_ id: Int64, in db: Database) throws -> ProjectNeed {
        // A prepared statement of its own: every preview and send of a need starts here.
        guard let need = try ProjectNeed.fetchOne(db.cachedStatement(sql: "SELECT * FROM projectNeed WHERE id = ?"), arguments: [id]) else {
            throw StoreError(.notFound, "no need \(id)")
        }
        return need
    }

    /// Writes effects and, when they ask for it, re-plans the project; returns what the re-plan sent.
    func writeAndReplan(_ effects: [EngineEffect], need: ProjectNeed, now: Date, in db: Database) throws -> DispatchResult {
        guard try apply(effects, need: need, now: now, in: db) else { return .nothing }
        let sent = try replan(project: need.projectId, now: now, in: db)
        return DispatchResult(sent: sent.flatMap(\.result.sent), plan: sent.first { $0.needId == need.id }?.result.plan)
    }

    /// Writes a transition's effects in order, all but the re-plan; returns whether they ask for one (the
    /// caller re-plans, once per project however many changes it writes).
    func apply(_ effects: [EngineEffect], need: ProjectNeed, now: Date, in db: Database) throws -> Bool {
        var booking: SubstituteRequest?
        var replanAsked = false
        for effect in effects {
            switch effect {
            case .setRequest(let id, let status):
                guard var request = try SubstituteRequest.fetchOne(db, key: id) else { continue }
                let old = request.status
                request.status = status
                switch status {
                case .accepted, .declined: request.respondedAt = now
                case .withdrawn: request.withdrawnAt = now
                case .timedOut: request.respondedAt = nil
                case .pending, .cancelled: break
                }
                try request.update(db)
                try queueRequestEvent(request, from: old, now: now, in: db)
            case .setNeed(let id, let status):
                try db.execute(sql: "UPDATE projectNeed SET status = ?, updatedAt = ? WHERE id = ?", arguments: [status, now, id])
                if status == .filled {
                    try queueWebhookEvent(.needFilled, data: ["needId": id, "projectId": need.projectId], now: now, in: db)
                }
            case .book(let musician):
                var request = SubstituteRequest(needId: need.id!, musicianId: musician, status: .accepted, tokenHash: Self.hash(Self.newToken()),
                                                sentAt: now, reminderDueAt: nil, reminderSentAt: nil, deadlineAt: now, respondedAt: now,
                                                conflictProjectId: nil, withdrawnAt: nil, bookedDirectly: true)
                try request.insert(db)
                try queueRequestEvent(request, from: .pending, now: now, in: db)
                booking = request
            case .tell(let type, let ref):
                let request: SubstituteRequest? = switch ref {
                case .booking: booking
                case .existing(let id): try SubstituteRequest.fetchOne(db, key: id)
                }
                if let request { try queueMessage(type, request: request, token: nil, now: now, in: db) }
            case .replanProject:
                replanAsked = true
            }
        }
        return replanAsked
    }

    /// Every active need of the project that has begun asking asks whoever it may ask now, in the
    /// project-wide order: a musician freed by one need (cancelled, filled first come) is picked up by the
    /// others without anyone pressing send. Needs never sent wait for a person to send them.
    func replan(project id: Int64, now: Date, in db: Database) throws -> [NeedDispatch] {
        try projectPlans(project: id, onlySent: true, now: now, in: db).map { planned in
            NeedDispatch(needId: planned.needId, result: try carryOut(planned.plan, need: planned.needId, now: now, in: db))
        }
    }

    /// Notes that a person sent these needs (the first time counts).
    static func markSendingStarted(_ needs: [Int64], now: Date, in db: Database) throws {
        for id in needs {
            try db.execute(sql: "UPDATE projectNeed SET sendingStartedAt = ? WHERE id = ? AND sendingStartedAt IS NULL", arguments: [now, id])
        }
    }

    /// A need with its requests, as the engine sees them.
    func needState(_ need: ProjectNeed, in db: Database) throws -> NeedState {
        let requests = try SubstituteRequest.filter(sql: "needId = ?", arguments: [need.id]).order(sql: "id").fetchAll(db)
        return NeedState(need: EngineNeed(id: need.id!, quantity: need.quantity, strategy: need.strategy, status: need.status),
                         requests: requests.map(\.engineRequest), hasBegun: need.sendingStartedAt != nil || !requests.isEmpty)
    }

    /// Creates the requests and messages of a plan made in the caller's transaction.
    func carryOut(_ plan: DispatchPlan, need id: Int64, now: Date, in db: Database) throws -> DispatchResult {
        try Self.recordEscalation(plan, need: id, in: db)
        guard !plan.ask.isEmpty, let need = try ProjectNeed.fetchOne(db, key: id) else { return DispatchResult(sent: [], plan: plan) }
        let settings = try settings(in: db)
        // An escalating need's musicians get the answer time of the step it asks under.
        let hours = plan.escalation?.step.responseTimeHours ?? need.responseTimeHours
        let timing = RequestTiming.schedule(sentAt: now, responseTimeHours: hours,
                                            reminderPercentage: settings.reminderPercentage, quiet: settings.quietHours)
        var sent: [DispatchResult.Sent] = []
        for musicianId in plan.ask {
            let token = tokenPrefix + Self.newToken()
            var request = SubstituteRequest(
                needId: id, musicianId: musicianId, status: .pending, tokenHash: Self.hash(token), sentAt: now,
                reminderDueAt: timing.reminderDue, reminderSentAt: nil, deadlineAt: timing.deadline, respondedAt: nil,
                conflictProjectId: plan.conflictWarnings[musicianId], withdrawnAt: nil, bookedDirectly: false)
            try request.insert(db)
            try queueMessage(.request, request: request, token: token, now: now, in: db)
            try queueRequestEvent(request, from: nil, now: now, in: db)
            sent.append(.init(requestId: request.id!, musicianId: musicianId, token: token))
        }
        return DispatchResult(sent: sent, plan: plan)
    }

    /// Reads what the planner needs for one need, in the caller's transaction.
    /// Every preview and send of every need runs these reads, a project's preview once per need: their
    /// statements are prepared once per connection (`cachedStatement`), not on every call.
    func dispatchInput(need id: Int64, now: Date, in db: Database) throws -> DispatchInput {
        try dispatchInput(need: id, now: now, shared: projectDispatchReads(project: try loadNeed(id, in: db).projectId, in: db), in: db)
    }

    /// What the planner's inputs for every need of one project have in common: read once for a project's
    /// preview or send of all its needs, instead of once per need (on a project of three needs it was three
    /// quarters of the preview page's database work, docs/benchmarks.md).
    struct ProjectDispatchReads {
        var project: Project
        var period: ProjectPeriod
        var planned: [PlannerNeed]
        var musicians: [Int64: PlannerMusician]
        var projectRequests: [PlannerRequest]
        var settings: OrchestraSettings
    }

    func projectDispatchReads(project id: Int64, in db: Database) throws -> ProjectDispatchReads {
        guard let project = try Project.fetchOne(db.cachedStatement(sql: "SELECT * FROM project WHERE id = ?"), arguments: [id]),
              let period = project.period else {
            throw StoreError(.notFound, "no project \(id)")
        }
        let needs = try ProjectNeed.fetchAll(db.cachedStatement(sql: "SELECT * FROM projectNeed WHERE projectId = ? ORDER BY id"), arguments: [id])
        let planned = try needs.map { try plannerNeed($0, in: db) }
        let everyone = Self.jsonArray(Set(planned.flatMap(\.list)))
        // Every row below is read from a cursor by column index: no copy of each row and no lookup of a column
        // by name (a need page reads a few thousand of them; by name, they were a quarter of its time,
        // docs/benchmarks.md). `decode(atIndex:)` throws on a stored value that does not convert.
        var musicians: [Int64: PlannerMusician] = [:]
        let musicianRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, isActive, isArchived, localResidence FROM musician WHERE id IN (SELECT value FROM json_each(?))
            """), arguments: [everyone])
        while let row = try musicianRows.next() {
            let musicianId: Int64 = try row.decode(atIndex: 0)
            musicians[musicianId] = PlannerMusician(id: musicianId, isActive: try row.decode(atIndex: 1), isArchived: try row.decode(atIndex: 2),
                                                    localResidence: try row.decode(atIndex: 3), qualifiedPositions: [])
        }
        // The planner asks only about the positions of this project's needs (its own and its rivals').
        let qualificationRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT musicianId, positionId FROM qualification
            WHERE musicianId IN (SELECT value FROM json_each(?1)) AND positionId IN (SELECT value FROM json_each(?2))
            """), arguments: [everyone, Self.jsonArray(Set(planned.map(\.positionId)))])
        while let row = try qualificationRows.next() {
            musicians[try row.decode(Int64.self, atIndex: 0)]?.qualifiedPositions.insert(try row.decode(atIndex: 1))
        }
        var projectRequests: [PlannerRequest] = []
        let requestRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT r.needId, r.musicianId, r.status FROM request r JOIN projectNeed n ON n.id = r.needId
            WHERE n.projectId = ? ORDER BY r.id
            """), arguments: [id])
        while let row = try requestRows.next() {
            projectRequests.append(PlannerRequest(needId: try row.decode(atIndex: 0), musicianId: try row.decode(atIndex: 1),
                                                  status: try row.decode(atIndex: 2)))
        }
        return ProjectDispatchReads(project: project, period: period, planned: planned, musicians: musicians,
                                    projectRequests: projectRequests, settings: try settings(in: db))
    }

    /// One need's planner input from its project's shared reads, plus what is its own: its list's musicians
    /// busy in another project at the same time, their blackouts, and where an escalating need stands.
    func dispatchInput(need id: Int64, now: Date, shared: ProjectDispatchReads, in db: Database) throws -> DispatchInput {
        guard var own = shared.planned.first(where: { $0.id == id }) else { throw StoreError(.notFound, "no need \(id)") }
        let period = shared.period
        var busy: [Int64: Int64] = [:]
        let busyRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT r.musicianId, p.id AS projectId, p.startDate, p.endDate FROM request r
            JOIN projectNeed n ON n.id = r.needId JOIN project p ON p.id = n.projectId
            WHERE r.status IN ('pending', 'accepted') AND p.id <> ? AND r.musicianId IN (SELECT value FROM json_each(?))
            """), arguments: [shared.project.id, Self.jsonArray(Set(own.list))])
        while let row = try busyRows.next() {
            guard let start = CalendarDay(iso: try row.decode(atIndex: 2)) else { continue }
            let other = ProjectPeriod(start: start, end: (try row.decode(String?.self, atIndex: 3)).flatMap(CalendarDay.init(iso:)))
            if other.overlaps(period) { busy[try row.decode(atIndex: 0)] = try row.decode(atIndex: 1) }
        }
        let settings = shared.settings
        if own.strategy == .escalating {
            own.escalation = settings.escalationSteps.position(at: now, firstRehearsal: period.start, zone: settings.zone)
        }
        return DispatchInput(
            need: own, otherNeeds: shared.planned.filter { $0.id != id }, musicians: shared.musicians,
            projectRequests: shared.projectRequests, busyElsewhere: busy,
            listConflictMode: settings.listConflictMode, conflictPolicy: settings.conflictPolicy,
            period: period, blackouts: try Self.blackouts(of: Set(own.list), overlapping: period, in: db))
    }

    func plannerNeed(_ need: ProjectNeed, in db: Database) throws -> PlannerNeed {
        let list = need.rankingListId != nil
            ? try Int64.fetchAll(db.cachedStatement(sql: "SELECT musicianId FROM ranking WHERE listId = ? ORDER BY rank"), arguments: [need.rankingListId])
            : try Int64.fetchAll(db.cachedStatement(sql: "SELECT musicianId FROM customRanking WHERE listId = ? ORDER BY rank"), arguments: [need.customRankingListId])
        let level = try Int.fetchOne(db.cachedStatement(sql: "SELECT hierarchyLevel FROM position WHERE id = ?"), arguments: [need.positionId]) ?? 0
        return PlannerNeed(id: need.id!, positionId: need.positionId, positionLevel: level, quantity: need.quantity,
                           strategy: need.strategy, maxRecipients: need.maxRecipients,
                           requireLocalResidence: need.requireLocalResidence, status: need.status, list: list)
    }

    static func jsonArray(_ ids: Set<Int64>) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    // MARK: Tokens

    /// 256 random bits, URL-safe: the musician's one-time answer token.
    static func newToken() -> String { Sodium.urlSafeToken() }

    static func hash(_ token: String) -> String { Sodium.hex(Sodium.sha256(Array(token.utf8))) }
}

extension SubstituteRequest {
    /// The request as the engine's transitions see it.
    var engineRequest: EngineRequest {
        EngineRequest(id: id!, musicianId: musicianId, status: status, deadlineAt: deadlineAt, reminderDueAt: reminderDueAt,
                      reminderSentAt: reminderSentAt, bookedDirectly: bookedDirectly)
    }
}
