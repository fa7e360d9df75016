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
    public static func refusal(from old: NeedSettings, to new: NeedSettings, requests: Int, accepted: Int) -> String? {
        guard requests > 0 else { return problem(with: new) }
        let changed = changedFields(old, new)
        if !changed.isEmpty {
            return "musicians have already been asked for this need, so only its quantity may change (not its "
                + changed.joined(separator: ", ") + "); cancel it and create a new need instead"
        }
        if new.quantity < accepted {
            return "the quantity cannot be less than the \(accepted) already accepted; record a withdrawal first if someone is not coming"
        }
        if let max = new.maxRecipients, new.quantity > max {
            return "this need asks at most \(max) musicians (first come), so its quantity can be at most \(max); "
                + "create another need for the rest"
        }
        return problem(with: new)
    }

    /// A refusal for settings that cannot work, or nil (the rule for a new need).
    public static func problem(with settings: NeedSettings) -> String? {
        if let problem = DispatchPlanner.validate(quantity: settings.quantity, strategy: settings.strategy,
                                                  maxRecipients: settings.maxRecipients, responseTimeHours: settings.responseTimeHours) {
            return problem
        }
        if (settings.rankingListId == nil) == (settings.customRankingListId == nil) {
            return "a need asks from one list: a ranking list or a custom list"
        }
        return nil
    }

    /// The names of the fields other than the quantity that differ.
    static func changedFields(_ a: NeedSettings, _ b: NeedSettings) -> [String] {
        var fields: [String] = []
        if a.positionId != b.positionId { fields.append("position") }
        if a.rankingListId != b.rankingListId || a.customRankingListId != b.customRankingListId { fields.append("list") }
        if a.strategy != b.strategy { fields.append("strategy") }
        if a.maxRecipients != b.maxRecipients { fields.append("maxRecipients") }
        if a.responseTimeHours != b.responseTimeHours { fields.append("response time") }
        if a.requireLocalResidence != b.requireLocalResidence { fields.append("local residence requirement") }
        return fields
    }
}
