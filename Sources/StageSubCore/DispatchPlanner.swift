/// How a need asks its list.
public enum RequestStrategy: String, Sendable, Codable, CaseIterable {
    /// One request at a time; the next only when nothing is pending.
    case sequential
    /// Keep (quantity − accepted − pending) requests out at once.
    case parallel
    /// Ask `maxRecipients` (all eligible when nil) at once; the first `quantity` acceptances fill the need.
    case firstCome = "first_come"
    /// Steps that widen as the first rehearsal nears (the orchestra's `escalationSteps`): by default
    /// sequential, then parallel ×2, then first come to everyone left, with shorter answer times.
    case escalating
}

/// Where a request stands.
public enum RequestStatus: String, Sendable, Codable, CaseIterable {
    case pending, accepted, declined
    /// Withdrawn by the orchestra (or, when it was pending, because the position filled): the musician is free
    /// again in the project.
    case cancelled
    case timedOut = "timed_out"
    /// Accepted, then the musician withdrew (recorded by the orchestra): never asked again in the project.
    case withdrawn
}

/// A need's own state, set by people (pause, cancel) or by the engine (filled).
public enum NeedStatus: String, Sendable, Codable, CaseIterable {
    case active, paused, cancelled, filled
}

/// What to do about a musician on the lists of several needs of one project.
public enum ListConflictMode: String, Sendable, Codable, CaseIterable {
    /// Whichever need asks first (nobody is asked twice in a project anyway).
    case simple
    /// Only the need whose list ranks them best; a tie goes to the higher position.
    case smart
}

/// What to do about a musician already busy (accepted or pending) in an overlapping project.
public enum ConflictPolicy: String, Sendable, Codable, CaseIterable {
    /// Ask anyway, and say so.
    case warn
    /// Do not ask.
    case skip
}

/// A musician as the planner sees them.
public struct PlannerMusician: Sendable, Hashable {
    public var id: Int64
    public var isActive: Bool
    public var isArchived: Bool
    public var localResidence: Bool
    public var qualifiedPositions: Set<Int64>

    public init(id: Int64, isActive: Bool = true, isArchived: Bool = false, localResidence: Bool = false,
                qualifiedPositions: Set<Int64>) {
        self.id = id
        self.isActive = isActive
        self.isArchived = isArchived
        self.localResidence = localResidence
        self.qualifiedPositions = qualifiedPositions
    }
}

/// A need as the planner sees it: its rules and its list, best ranked first.
public struct PlannerNeed: Sendable, Hashable {
    public var id: Int64
    public var positionId: Int64
    /// Lower is higher in the hierarchy (Förste konsertmästare before Tutti): ties in `smart` mode.
    public var positionLevel: Int
    public var quantity: Int
    public var strategy: RequestStrategy
    public var maxRecipients: Int?
    public var requireLocalResidence: Bool
    public var status: NeedStatus
    /// Musician ids in rank order (the need's ranking list or its custom list).
    public var list: [Int64]
    /// For `escalating`: the step it is on now (the caller reads the clock; nil asks as the first step would).
    public var escalation: EscalationPosition?

    public init(id: Int64, positionId: Int64, positionLevel: Int = 0, quantity: Int, strategy: RequestStrategy,
                maxRecipients: Int? = nil, requireLocalResidence: Bool = false, status: NeedStatus = .active, list: [Int64],
                escalation: EscalationPosition? = nil) {
        self.id = id
        self.positionId = positionId
        self.positionLevel = positionLevel
        self.quantity = quantity
        self.strategy = strategy
        self.maxRecipients = maxRecipients
        self.requireLocalResidence = requireLocalResidence
        self.status = status
        self.list = list
        self.escalation = escalation
    }
}

/// A request as the planner sees it.
public struct PlannerRequest: Sendable, Hashable {
    public var needId: Int64
    public var musicianId: Int64
    public var status: RequestStatus

    public init(needId: Int64, musicianId: Int64, status: RequestStatus) {
        self.needId = needId
        self.musicianId = musicianId
        self.status = status
    }
}

/// Everything the planner needs to decide who is asked next for one need. Plain values: the caller reads
/// them from the database in one transaction, and sending carries out the plan in that same transaction.
public struct DispatchInput: Sendable {
    public var need: PlannerNeed
    /// Every other need of the same project (for `smart` list conflicts).
    public var otherNeeds: [PlannerNeed]
    /// The musicians on the need's list (others are ignored).
    public var musicians: [Int64: PlannerMusician]
    /// Every request of the project, all needs.
    public var projectRequests: [PlannerRequest]
    /// Musicians with an accepted or pending request in another project whose period overlaps this one's,
    /// with that project's id.
    public var busyElsewhere: [Int64: Int64]
    public var listConflictMode: ListConflictMode
    public var conflictPolicy: ConflictPolicy
    /// The days of the need's project (nil: blackouts are not checked).
    public var period: ProjectPeriod?
    /// The blackouts of musicians on the list, by musician.
    public var blackouts: [Int64: [Blackout]]

    public init(need: PlannerNeed, otherNeeds: [PlannerNeed] = [], musicians: [Int64: PlannerMusician],
                projectRequests: [PlannerRequest] = [], busyElsewhere: [Int64: Int64] = [:],
                listConflictMode: ListConflictMode = .simple, conflictPolicy: ConflictPolicy = .warn,
                period: ProjectPeriod? = nil, blackouts: [Int64: [Blackout]] = [:]) {
        self.period = period
        self.blackouts = blackouts
        self.need = need
        self.otherNeeds = otherNeeds
        self.musicians = musicians
        self.projectRequests = projectRequests
        self.busyElsewhere = busyElsewhere
        self.listConflictMode = listConflictMode
        self.conflictPolicy = conflictPolicy
    }
}

/// Why a musician on the list is not asked now.
public enum PassReason: Sendable, Hashable {
    case notOnRoster
    case archived
    case inactive
    case notQualified
    case notLocalResident
    /// Already has a request in this project (any status but cancelled).
    case alreadyAsked(needId: Int64, status: RequestStatus)
    /// Said they cannot play on some of the project's days (the first such blackout).
    case blackout(Blackout)
    /// Accepted or pending in an overlapping project, and the orchestra skips such conflicts.
    case conflict(projectId: Int64)
    /// Ranked better on the list of another open need of this project (`smart` mode).
    case betterRankedElsewhere(needId: Int64)
    /// Eligible, but the need has no room for another request now (waiting in the queue).
    case waiting
}

/// Why the need asks nobody now.
public enum NeedHold: Sendable, Hashable {
    case paused, cancelled, filled
    /// Sequential or first come with requests still pending.
    case awaitingAnswers
    /// Every slot is taken by a pending request.
    case allSlotsPending
    /// The list has nobody left to ask.
    case listExhausted
}

/// The planner's answer: who is asked now, who waits, who is passed over and why.
public struct DispatchPlan: Sendable, Equatable {
    /// Musicians to ask now, in rank order.
    public var ask: [Int64]
    /// Musicians asked now despite an overlapping project (policy `warn`), with that project.
    public var conflictWarnings: [Int64: Int64]
    /// The next eligible musicians after `ask`, in order (the original showed five).
    public var queue: [Int64]
    /// Every other musician on the list with the reason they are not asked.
    public var passed: [(musicianId: Int64, reason: PassReason)]
    public var accepted: Int
    public var pending: Int
    /// Set when `ask` is empty.
    public var hold: NeedHold?
    /// For an escalating need: the step it asks under and when the next begins.
    public var escalation: EscalationPosition? = nil

    public static func == (a: DispatchPlan, b: DispatchPlan) -> Bool {
        a.ask == b.ask && a.conflictWarnings == b.conflictWarnings && a.queue == b.queue && a.accepted == b.accepted
            && a.pending == b.pending && a.hold == b.hold && a.escalation == b.escalation
            && a.passed.map(\.musicianId) == b.passed.map(\.musicianId) && a.passed.map(\.reason) == b.passed.map(\.reason)
    }
}

/// Decides who is asked next. One pure function: preview shows its plan, sending carries it out.
public enum DispatchPlanner {
    /// How many musicians the queue in a plan shows.
    public static let queueLength = 5

    public static func plan(_ input: DispatchInput) -> DispatchPlan {
        let need = input.need
        let ownRequests = input.projectRequests.filter { $0.needId == need.id }
        let accepted = ownRequests.filter { $0.status == .accepted }.count
        let pending = ownRequests.filter { $0.status == .pending }.count

        // Who is eligible, in rank order, and why the others are not.
        var eligible: [Int64] = []
        var passed: [(Int64, PassReason)] = []
        var warnings: [Int64: Int64] = [:]
        let asked = firstRequestByMusician(input.projectRequests)
        let rivals = input.listConflictMode == .smart
            ? input.otherNeeds.filter { $0.id != need.id && $0.status == .active && !isFilled($0, input.projectRequests) }
            : []
        var seen = Set<Int64>()
        for (index, musicianId) in need.list.enumerated() where seen.insert(musicianId).inserted {
            if let reason = passReason(musicianId, rank: index, input: input, asked: asked, rivals: rivals) {
                passed.append((musicianId, reason))
                continue
            }
            if let project = input.busyElsewhere[musicianId] { warnings[musicianId] = project }
            eligible.append(musicianId)
        }

        // How many to ask now.
        var hold: NeedHold?
        var slots = 0
        switch need.status {
        case .paused: hold = .paused
        case .cancelled: hold = .cancelled
        case .filled: hold = .filled
        case .active:
            if accepted >= need.quantity {
                hold = .filled
            } else {
                let step = need.escalation?.step
                switch need.strategy == .escalating ? (step?.strategy ?? .sequential) : need.strategy {
                case .parallel where need.strategy == .escalating:
                    // Parallel ×n: n requests out for every open place.
                    slots = max(0, (step?.width ?? 1) * (need.quantity - accepted) - pending)
                    if slots == 0 { hold = .allSlotsPending }
                case .firstCome where need.strategy == .escalating:
                    // The last call: everyone still eligible is asked at once, pending requests or not.
                    slots = eligible.count
                case .sequential, .escalating:
                    slots = pending > 0 ? 0 : 1
                    if pending > 0 { hold = .awaitingAnswers }
                case .parallel:
                    slots = max(0, need.quantity - accepted - pending)
                    if slots == 0 { hold = .allSlotsPending }
                case .firstCome:
                    slots = pending > 0 ? 0 : (need.maxRecipients ?? eligible.count)
                    if pending > 0 { hold = .awaitingAnswers }
                }
            }
        }
        let ask = Array(eligible.prefix(slots))
        if ask.isEmpty && hold == nil { hold = .listExhausted }
        let queue = Array(eligible.dropFirst(ask.count).prefix(queueLength))
        for waiting in eligible.dropFirst(ask.count) { passed.append((waiting, .waiting)) }
        return DispatchPlan(ask: ask, conflictWarnings: warnings.filter { ask.contains($0.key) }, queue: queue,
                            passed: passed, accepted: accepted, pending: pending, hold: hold,
                            escalation: need.strategy == .escalating ? need.escalation : nil)
    }

    /// Whether a need has as many acceptances as it asks for.
    public static func isFilled(_ need: PlannerNeed, _ requests: [PlannerRequest]) -> Bool {
        requests.filter { $0.needId == need.id && $0.status == .accepted }.count >= need.quantity
    }

    /// The bounds of a need's numbers: beyond them a value is a typo (and a deadline past year 9999 could
    /// not even be stored).
    public static let quantityRange = 1...500
    public static let responseHoursRange = 1...2160
    public static let recipientsRange = 1...2000

    /// A refusal for a need's settings that cannot work, or nil.
    public static func validate(quantity: Int, strategy: RequestStrategy, maxRecipients: Int?, responseTimeHours: Int) -> String? {
        if !quantityRange.contains(quantity) { return "quantity must be from 1 to \(quantityRange.upperBound)" }
        if !responseHoursRange.contains(responseTimeHours) {
            return "responseTimeHours must be from 1 to \(responseHoursRange.upperBound) (90 days)"
        }
        if let max = maxRecipients, !recipientsRange.contains(max) { return "maxRecipients must be from 1 to \(recipientsRange.upperBound)" }
        if strategy == .escalating, maxRecipients != nil { return "maxRecipients applies to first come only (escalating asks everyone left in its last step)" }
        if let max = maxRecipients {
            if strategy != .firstCome { return "maxRecipients applies to first come only" }
            if max < quantity { return "maxRecipients (\(max)) must be at least the quantity (\(quantity))" }
        }
        return nil
    }

    private static func firstRequestByMusician(_ requests: [PlannerRequest]) -> [Int64: PlannerRequest] {
        var result: [Int64: PlannerRequest] = [:]
        for request in requests where request.status != .cancelled && result[request.musicianId] == nil {
            result[request.musicianId] = request
        }
        return result
    }

    private static func passReason(_ id: Int64, rank: Int, input: DispatchInput, asked: [Int64: PlannerRequest],
                                   rivals: [PlannerNeed]) -> PassReason? {
        guard let musician = input.musicians[id] else { return .notOnRoster }
        if musician.isArchived { return .archived }
        if !musician.isActive { return .inactive }
        if !musician.qualifiedPositions.contains(input.need.positionId) { return .notQualified }
        if input.need.requireLocalResidence && !musician.localResidence { return .notLocalResident }
        if let request = asked[id] { return .alreadyAsked(needId: request.needId, status: request.status) }
        if let period = input.period, let blackout = input.blackouts[id]?.first(where: { $0.overlaps(period) }) { return .blackout(blackout) }
        if let project = input.busyElsewhere[id], input.conflictPolicy == .skip { return .conflict(projectId: project) }
        for rival in rivals {
            // Only a need that could itself ask them takes them away from this one.
            guard let rivalRank = rival.list.firstIndex(of: id), musician.qualifiedPositions.contains(rival.positionId),
                  !rival.requireLocalResidence || musician.localResidence else { continue }
            let rivalWins = rivalRank < rank || (rivalRank == rank && rival.positionLevel < input.need.positionLevel)
                || (rivalRank == rank && rival.positionLevel == input.need.positionLevel && rival.id < input.need.id)
            if rivalWins { return .betterRankedElsewhere(needId: rival.id) }
        }
        return nil
    }
}
