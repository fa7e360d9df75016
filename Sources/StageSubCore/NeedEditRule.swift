/// The settings of a need that a personnel manager chooses (everything but its state).
public struct NeedSettings: Sendable, Equatable {
    public var positionId: Int64
    public var quantity: Int
    public var rankingListId: Int64?
    public var customRankingListId: Int64?
    public var strategy: RequestStrategy
    public var maxRecipients: Int?
    public var responseTimeHours: Int
    public var requireLocalResidence: Bool

    public init(positionId: Int64, quantity: Int, rankingListId: Int64?, customRankingListId: Int64?, strategy: RequestStrategy,
                maxRecipients: Int?, responseTimeHours: Int, requireLocalResidence: Bool) {
        self.positionId = positionId
        self.quantity = quantity
        self.rankingListId = rankingListId
        self.customRankingListId = customRankingListId
        self.strategy = strategy
        self.maxRecipients = maxRecipients
        self.requireLocalResidence = requireLocalResidence
        self.responseTimeHours = responseTimeHours
    }
}

/// What may change in a need. Before any request goes out everything may; afterwards only the quantity,
/// and never below what is already accepted: the musicians asked were asked on the need's terms.
public enum NeedEditRule {
    /// A refusal for changing `old` into `new`, or nil when the change is allowed.
    public static func refusal(from old: NeedSettings, to new: NeedSettings, requests: Int, accepted: Int) -> NeedEditRefusal? {
        guard requests > 0 else { return problem(with: new) }
        let changed = changedFields(old, new)
        if !changed.isEmpty { return .onlyQuantity(changed: changed) }
        if new.quantity < accepted { return .belowAccepted(accepted) }
        if let max = new.maxRecipients, new.quantity > max { return .aboveFirstComeCap(max) }
        return problem(with: new)
    }

    /// A refusal for settings that cannot work, or nil (the rule for a new need).
    public static func problem(with settings: NeedSettings) -> NeedEditRefusal? {
        if let problem = DispatchPlanner.validate(quantity: settings.quantity, strategy: settings.strategy,
                                                  maxRecipients: settings.maxRecipients, responseTimeHours: settings.responseTimeHours) {
            return .settings(problem)
        }
        if (settings.rankingListId == nil) == (settings.customRankingListId == nil) { return .oneList }
        return nil
    }

    /// The fields other than the quantity that differ.
    static func changedFields(_ a: NeedSettings, _ b: NeedSettings) -> [NeedField] {
        var fields: [NeedField] = []
        if a.positionId != b.positionId { fields.append(.position) }
        if a.rankingListId != b.rankingListId || a.customRankingListId != b.customRankingListId { fields.append(.list) }
        if a.strategy != b.strategy { fields.append(.strategy) }
        if a.maxRecipients != b.maxRecipients { fields.append(.maxRecipients) }
        if a.responseTimeHours != b.responseTimeHours { fields.append(.responseTime) }
        if a.requireLocalResidence != b.requireLocalResidence { fields.append(.localResidence) }
        return fields
    }
}

/// The settings of a need besides its quantity, as a refusal names them.
public enum NeedField: String, Sendable, Equatable {
    case position, list, strategy, maxRecipients
    case responseTime = "response time"
    case localResidence = "local residence requirement"
}

/// Why a need's settings may not become what was asked. `message` is the English the JSON API answers; the
/// web interface says each case in the reader's language.
public enum NeedEditRefusal: Sendable, Equatable {
    /// Musicians were asked on the need's terms: only the quantity may change.
    case onlyQuantity(changed: [NeedField])
    /// Not below those already booked.
    case belowAccepted(Int)
    /// First come with a cap on recipients: not above it.
    case aboveFirstComeCap(Int)
    /// A number out of its bounds, as the planner names it (the pages check these before they ask).
    case settings(String)
    /// Neither or both of a ranking list and a custom list.
    case oneList

    public var message: String {
        switch self {
        case .onlyQuantity(let changed):
            "musicians have already been asked for this need, so only its quantity may change (not its "
                + changed.map(\.rawValue).joined(separator: ", ") + "); cancel it and create a new need instead"
        case .belowAccepted(let accepted):
            "the quantity cannot be less than the \(accepted) already accepted; record a withdrawal first if someone is not coming"
        case .aboveFirstComeCap(let max):
            "this need asks at most \(max) musicians (first come), so its quantity can be at most \(max); create another need for the rest"
        case .settings(let problem): problem
        case .oneList: "a need asks from one list: a ranking list or a custom list"
        }
    }
}
