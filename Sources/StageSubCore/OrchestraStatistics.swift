import Foundation

/// A request as the statistics see it.
public struct StatisticsRequest: Sendable, Hashable {
    public var needId: Int64
    public var musicianId: Int64
    public var status: RequestStatus
    public var sentAt: Date
    public var respondedAt: Date?
    public var bookedDirectly: Bool

    public init(needId: Int64, musicianId: Int64, status: RequestStatus, sentAt: Date, respondedAt: Date?, bookedDirectly: Bool) {
        self.needId = needId
        self.musicianId = musicianId
        self.status = status
        self.sentAt = sentAt
        self.respondedAt = respondedAt
        self.bookedDirectly = bookedDirectly
    }
}

/// The orchestra's figures: how its needs stand and how its musicians answer. Only real questions count
/// as asked: a direct booking asked nobody, and a request withdrawn before the musician could answer
/// (position filled, need cancelled) is neither an answer nor a silence.
public struct OrchestraStatistics: Sendable, Codable, Equatable {
    public struct MusicianFigures: Sendable, Codable, Equatable {
        public var musicianId: Int64
        public var name: String
        /// Requests sent to them (direct bookings not included).
        public var requests: Int
        public var accepted: Int
        public var declined: Int
        public var timedOut: Int
        /// Accepted, then withdrew.
        public var withdrawn: Int
        public var bookedDirectly: Int
        /// accepted ÷ (accepted + declined): withdrawals and direct bookings count in neither; nil before any answer.
        public var acceptanceRate: Double?
        /// Answered ÷ asked: answered is accepted, declined or withdrawn (they answered yes first), asked adds the
        /// timed out; nil before any such request.
        public var responseRate: Double?
        /// Median time from request to answer, in hours; nil before any answer.
        public var medianResponseHours: Double?
    }

    public var needsOpen: Int
    public var needsFilled: Int
    public var needsPaused: Int
    public var needsCancelled: Int
    /// Median hours from a need's first request to the acceptance that filled it, over needs filled by
    /// answers alone (needs with a direct booking are in `needsFilledWithDirectBooking`).
    public var medianHoursToFill: Double?
    public var needsFilledWithDirectBooking: Int
    public var pendingRequests: Int
    /// Over the whole orchestra, as for one musician.
    public var acceptanceRate: Double?
    public var responseRate: Double?
    public var musicians: [MusicianFigures]

    /// The figures from every request and the status of every need; `names` gives musicians' names.
    public init(requests: [StatisticsRequest], needStatuses: [Int64: NeedStatus], names: [Int64: String]) {
        let count = { (status: NeedStatus) in needStatuses.values.filter { $0 == status }.count }
        needsOpen = count(.active)
        needsFilled = count(.filled)
        needsPaused = count(.paused)
        needsCancelled = count(.cancelled)
        pendingRequests = requests.filter { $0.status == .pending }.count

        let byNeed = Dictionary(grouping: requests, by: \.needId)
        var fillHours: [Double] = []
        var withDirect = 0
        for (need, status) in needStatuses where status == .filled {
            let own = byNeed[need] ?? []
            if own.contains(where: \.bookedDirectly) { withDirect += 1; continue }
            guard let first = own.map(\.sentAt).min(),
                  let filled = own.filter({ $0.status == .accepted }).compactMap(\.respondedAt).max() else { continue }
            fillHours.append(filled.timeIntervalSince(first) / 3600)
        }
        medianHoursToFill = Self.median(fillHours)
        needsFilledWithDirectBooking = withDirect

        let figures = Dictionary(grouping: requests, by: \.musicianId).map { id, own in
            Self.figures(id, name: names[id] ?? "musician \(id)", own)
        }
        musicians = figures.sorted { ($0.requests, $1.musicianId) > ($1.requests, $0.musicianId) }
        let asked = requests.filter { !$0.bookedDirectly }
        (acceptanceRate, responseRate) = Self.rates(asked)
    }

    static func figures(_ id: Int64, name: String, _ own: [StatisticsRequest]) -> MusicianFigures {
        let asked = own.filter { !$0.bookedDirectly }
        let n = { (status: RequestStatus) in asked.filter { $0.status == status }.count }
        let (acceptance, response) = rates(asked)
        let answerHours = asked.filter { [.accepted, .declined, .withdrawn].contains($0.status) }
            .compactMap { r in r.respondedAt.map { $0.timeIntervalSince(r.sentAt) / 3600 } }
        return MusicianFigures(musicianId: id, name: name, requests: asked.count, accepted: n(.accepted), declined: n(.declined),
                               timedOut: n(.timedOut), withdrawn: n(.withdrawn), bookedDirectly: own.count - asked.count,
                               acceptanceRate: acceptance, responseRate: response, medianResponseHours: median(answerHours))
    }

    /// Acceptance and response rates over requests that really asked.
    static func rates(_ asked: [StatisticsRequest]) -> (acceptance: Double?, response: Double?) {
        let n = { (status: RequestStatus) in asked.filter { $0.status == status }.count }
        let yes = n(.accepted), no = n(.declined), answered = yes + no + n(.withdrawn), silent = n(.timedOut)
        return (yes + no > 0 ? Double(yes) / Double(yes + no) : nil,
                answered + silent > 0 ? Double(answered) / Double(answered + silent) : nil)
    }

    /// The median, rounded to the hundredth.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        let value = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return (value * 100).rounded() / 100
    }
}
