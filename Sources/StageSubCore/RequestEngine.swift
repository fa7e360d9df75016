import Foundation

/// A need as its transitions see it.
public struct EngineNeed: Sendable, Hashable {
    public var id: Int64
    public var quantity: Int
    public var strategy: RequestStrategy
    public var status: NeedStatus

    public init(id: Int64, quantity: Int, strategy: RequestStrategy, status: NeedStatus) {
        self.id = id
        self.quantity = quantity
        self.strategy = strategy
        self.status = status
    }
}

/// A request as the transitions see it.
public struct EngineRequest: Sendable, Hashable {
    public var id: Int64
    public var musicianId: Int64
    public var status: RequestStatus
    public var deadlineAt: Date
    public var reminderDueAt: Date?
    public var reminderSentAt: Date?
    public var bookedDirectly: Bool

    public init(id: Int64, musicianId: Int64, status: RequestStatus, deadlineAt: Date, reminderDueAt: Date? = nil,
                reminderSentAt: Date? = nil, bookedDirectly: Bool = false) {
        self.id = id
        self.musicianId = musicianId
        self.status = status
        self.deadlineAt = deadlineAt
        self.reminderDueAt = reminderDueAt
        self.reminderSentAt = reminderSentAt
        self.bookedDirectly = bookedDirectly
    }
}

/// A need with every request it has made, oldest first.
public struct NeedState: Sendable, Hashable {
    public var need: EngineNeed
    public var requests: [EngineRequest]
    /// Whether a person has sent the need (then the engine keeps it asking by itself).
    public var hasBegun: Bool

    public init(need: EngineNeed, requests: [EngineRequest], hasBegun: Bool? = nil) {
        self.need = need
        self.requests = requests
        self.hasBegun = hasBegun ?? !requests.isEmpty
    }

    public var accepted: Int { requests.filter { $0.status == .accepted }.count }
    public var pending: [EngineRequest] { requests.filter { $0.status == .pending } }
}

/// The request an effect is about: one that exists, or the one a direct booking creates.
public enum RequestRef: Sendable, Hashable {
    case existing(Int64)
    case booking
}

/// One change the gateway writes, in order, in the transaction that loaded the state.
public enum EngineEffect: Sendable, Hashable {
    /// A request takes a new status. The writer stamps the moment: `respondedAt` for accepted and declined,
    /// `withdrawnAt` for withdrawn.
    case setRequest(Int64, RequestStatus)
    case setNeed(Int64, NeedStatus)
    /// Books the musician: a new accepted request, marked as booked directly.
    case book(musicianId: Int64)
    /// Queues a message to the request's musician.
    case tell(MessageType, RequestRef)
    /// Every active need of the project that has begun asks whoever it may ask now, in the project-wide order.
    case replanProject
}

/// What a musician's answer came to.
public enum AnswerOutcome: Sendable, Equatable {
    case accepted, declined
    /// Someone else filled the position first (the request is now cancelled).
    case positionFilled
    /// The deadline had passed.
    case expired
    /// Answered before, cancelled or withdrawn: the status it has.
    case closed(RequestStatus)
    case unknownToken
}

/// A change the engine refuses, with what to do instead.
public struct EngineRefusal: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case needCancelled
        case alreadyInProject(RequestStatus)
        case needFilled
        case notAccepted
        case alreadyCancelled
        case notActive(NeedStatus)
        case notPaused

        /// In English, as the JSON API answers; the web interface says each in the reader's language.
        public var message: String {
            switch self {
            case .needCancelled: "the need is cancelled"
            case .alreadyInProject(let status): "the musician already has a request in this project (\(status.rawValue))"
            case .needFilled: "the need is already filled"
            case .notAccepted: "only an accepted request can be withdrawn"
            case .alreadyCancelled: "the need is already cancelled"
            case .notActive(let status): "the need is \(status.rawValue), not active"
            case .notPaused: "the need is not paused"
            }
        }
    }

    public let reason: Reason
    public var message: String { reason.message }
    public init(_ reason: Reason) { self.reason = reason }
}

/// Every transition of a need and its requests, as pure functions: the state and a time in, an outcome
/// and the effects to write out. The gateway loads, calls one of these, and writes the effects in the same
/// transaction, so a rule lives here once.
public enum RequestEngine {
    /// A musician answers through their link.
    public static func answer(_ state: NeedState, request id: Int64, accept: Bool, now: Date) -> (AnswerOutcome, [EngineEffect]) {
        guard let request = state.requests.first(where: { $0.id == id }) else { return (.unknownToken, []) }
        guard request.status == .pending else { return (.closed(request.status), []) }
        if now >= request.deadlineAt { return (.expired, timeOut(state, request: id)) }
        if !accept { return (.declined, change(state, request: id, to: .declined) + [.replanProject]) }
        if state.need.status == .cancelled || state.accepted >= state.need.quantity {
            return (.positionFilled, [.setRequest(id, .cancelled)])
        }
        return (.accepted, change(state, request: id, to: .accepted, telling: .confirmation) + [.replanProject])
    }

    /// A request's deadline passed without an answer.
    public static func timeOut(_ state: NeedState, request id: Int64) -> [EngineEffect] {
        change(state, request: id, to: .timedOut) + [.replanProject]
    }

    /// Books a musician directly (agreed outside StageSub). `inProject` is whatever request of the project
    /// they already have that is not cancelled.
    public static func book(_ state: NeedState, musician: Int64, inProject: RequestStatus?) throws(EngineRefusal) -> [EngineEffect] {
        guard state.need.status != .cancelled else { throw EngineRefusal(.needCancelled) }
        if let status = inProject { throw EngineRefusal(.alreadyInProject(status)) }
        guard state.accepted < state.need.quantity else { throw EngineRefusal(.needFilled) }
        var after = state
        after.requests.append(EngineRequest(id: -1, musicianId: musician, status: .accepted, deadlineAt: .distantPast, bookedDirectly: true))
        return [.book(musicianId: musician), .tell(.confirmation, .booking)] + settle(after) + [.replanProject]
    }

    /// A booked musician withdrew: the need reopens and the engine asks the next.
    public static func withdraw(_ state: NeedState, request id: Int64) throws(EngineRefusal) -> [EngineEffect] {
        guard state.requests.first(where: { $0.id == id })?.status == .accepted else {
            throw EngineRefusal(.notAccepted)
        }
        return change(state, request: id, to: .withdrawn) + [.replanProject]
    }

    /// The orchestra cancels a need: pending musicians are told the request is withdrawn, booked ones that
    /// their booking is cancelled (they are free again, here and in overlapping projects).
    public static func cancel(_ state: NeedState) throws(EngineRefusal) -> [EngineEffect] {
        guard state.need.status != .cancelled else { throw EngineRefusal(.alreadyCancelled) }
        var effects: [EngineEffect] = [.setNeed(state.need.id, .cancelled)]
        for request in state.requests where request.status == .pending {
            effects += [.setRequest(request.id, .cancelled), .tell(.requestWithdrawn, .existing(request.id))]
        }
        for request in state.requests where request.status == .accepted {
            effects += [.setRequest(request.id, .cancelled), .tell(.bookingCancelled, .existing(request.id))]
        }
        return effects + [.replanProject]
    }

    /// Pauses (nobody new is asked; pending requests stay) or resumes a need.
    public static func setPaused(_ paused: Bool, _ state: NeedState) throws(EngineRefusal) -> [EngineEffect] {
        if paused {
            guard state.need.status == .active else { throw EngineRefusal(.notActive(state.need.status)) }
            return [.setNeed(state.need.id, .paused)]
        }
        guard state.need.status == .paused else { throw EngineRefusal(.notPaused) }
        var after = state
        after.need.status = .active
        return [.setNeed(state.need.id, .active)] + settle(after) + [.replanProject]
    }

    /// A need's quantity changed (the edit rule allowed it): fill it, reopen it, or withdraw requests beyond
    /// its places.
    public static func changeQuantity(_ state: NeedState, to quantity: Int) -> [EngineEffect] {
        var after = state
        after.need.quantity = quantity
        return settle(after) + (state.hasBegun ? [.replanProject] : [])
    }

    /// What is due at `now` among pending requests: deadlines passed, and reminders whose moment came
    /// (a request past its deadline gets no reminder).
    public static func due(_ requests: [EngineRequest], now: Date) -> (timeouts: [Int64], reminders: [Int64]) {
        let pending = requests.filter { $0.status == .pending }
        let timeouts = pending.filter { $0.deadlineAt <= now }.map(\.id)
        let reminders = pending.filter { r in
            r.deadlineAt > now && r.reminderSentAt == nil && (r.reminderDueAt.map { $0 <= now } ?? false)
        }.map(\.id)
        return (timeouts, reminders)
    }

    /// The one rule that keeps a need consistent after any change: filled when the accepted meet the
    /// quantity (the pending are told the position is filled); reopened when they no longer do; and never
    /// more requests out than open places (the newest beyond them are withdrawn and told) — except first
    /// come and escalating, which ask more than they need by design.
    public static func settle(_ state: NeedState) -> [EngineEffect] {
        let need = state.need
        guard need.status != .cancelled else { return [] }
        var effects: [EngineEffect] = []
        if state.accepted >= need.quantity {
            if need.status != .filled { effects.append(.setNeed(need.id, .filled)) }
            for request in state.pending {
                effects += [.setRequest(request.id, .cancelled), .tell(.positionFilled, .existing(request.id))]
            }
            return effects
        }
        if need.status == .filled { effects.append(.setNeed(need.id, .active)) }
        // First come asks more than it needs by design, and so does an escalating need past its first step.
        if need.strategy == .sequential || need.strategy == .parallel {
            let open = need.quantity - state.accepted
            for request in state.pending.dropFirst(open) {
                effects += [.setRequest(request.id, .cancelled), .tell(.requestWithdrawn, .existing(request.id))]
            }
        }
        return effects
    }

    /// One request's new status, then the need settled.
    private static func change(_ state: NeedState, request id: Int64, to status: RequestStatus,
                               telling message: MessageType? = nil) -> [EngineEffect] {
        var after = state
        if let index = after.requests.firstIndex(where: { $0.id == id }) { after.requests[index].status = status }
        return [.setRequest(id, status)] + (message.map { [.tell($0, .existing(id))] } ?? []) + settle(after)
    }
}

/// When a request's reminder goes and when it times out: counted in time outside quiet hours.
public enum RequestTiming {
    public static func schedule(sentAt: Date, responseTimeHours: Int, reminderPercentage: Int,
                                quiet: QuietHours?) -> (reminderDue: Date, deadline: Date) {
        let seconds = Double(responseTimeHours) * 3600
        return (Deadline.after(sentAt, counting: seconds * Double(reminderPercentage) / 100, quiet: quiet),
                Deadline.after(sentAt, counting: seconds, quiet: quiet))
    }
}
