import StageSubCore
import Testing

@Suite("Planner properties over random rosters")
struct DispatchPlannerPropertyTests {
    static func randomInput(seed: UInt64) -> DispatchInput {
        var rng = SplitMix64(state: seed)
        let position: Int64 = 7, other: Int64 = 8
        let count = Int.random(in: 0...30, using: &rng)
        var musicians: [Int64: PlannerMusician] = [:]
        for id in 1...Int64(max(count, 1)) where count > 0 {
            musicians[id] = PlannerMusician(
                id: id, isActive: Int.random(in: 0..<10, using: &rng) > 0, isArchived: Int.random(in: 0..<10, using: &rng) == 0,
                localResidence: Bool.random(using: &rng),
                qualifiedPositions: Int.random(in: 0..<8, using: &rng) == 0 ? [other] : [position, other])
        }
        let list = Array(musicians.keys).shuffled(using: &rng) + (Bool.random(using: &rng) ? [999] : [])
        let strategy = RequestStrategy.allCases.randomElement(using: &rng)!
        let quantity = Int.random(in: 1...4, using: &rng)
        let need = PlannerNeed(id: 1, positionId: position, positionLevel: 3, quantity: quantity, strategy: strategy,
                               maxRecipients: strategy == .firstCome && Bool.random(using: &rng) ? quantity + Int.random(in: 0...4, using: &rng) : nil,
                               requireLocalResidence: Int.random(in: 0..<4, using: &rng) == 0,
                               status: Int.random(in: 0..<8, using: &rng) == 0 ? .paused : .active, list: list)
        let rival = PlannerNeed(id: 2, positionId: other, positionLevel: 1, quantity: 1, strategy: .sequential,
                                list: list.shuffled(using: &rng))
        var requests: [PlannerRequest] = []
        for id in list.prefix(Int.random(in: 0...list.count, using: &rng)) where Int.random(in: 0..<3, using: &rng) == 0 {
            requests.append(PlannerRequest(needId: Bool.random(using: &rng) ? 1 : 2, musicianId: id,
                                           status: RequestStatus.allCases.randomElement(using: &rng)!))
        }
        var busy: [Int64: Int64] = [:]
        for id in list where Int.random(in: 0..<6, using: &rng) == 0 { busy[id] = 50 }
        // The project's days, and blackouts around them: some overlap, some end the day before or begin the day after.
        let start = CalendarDay(year: 2027, month: 3, day: Int.random(in: 1...20, using: &rng))!
        let period = ProjectPeriod(start: start, end: Bool.random(using: &rng) ? start.adding(days: Int.random(in: 0...6, using: &rng)) : nil)
        var blackouts: [Int64: [Blackout]] = [:]
        var blackoutId: Int64 = 1
        for id in list where Int.random(in: 0..<4, using: &rng) == 0 {
            let from = period.span.lowerBound.adding(days: Int.random(in: -10...10, using: &rng))
            blackouts[id, default: []].append(Blackout(id: blackoutId, start: from, end: from.adding(days: Int.random(in: 0...5, using: &rng))))
            blackoutId += 1
        }
        return DispatchInput(need: need, otherNeeds: [rival], musicians: musicians, projectRequests: requests, busyElsewhere: busy,
                             listConflictMode: Bool.random(using: &rng) ? .simple : .smart,
                             conflictPolicy: Bool.random(using: &rng) ? .warn : .skip, period: period, blackouts: blackouts)
    }

    @Test("3,000 random needs: who is asked is eligible, in rank order, within the strategy's room; everyone else has a true reason")
    func properties() {
        for seed in UInt64(1)...3000 {
            let input = Self.randomInput(seed: seed)
            let plan = DispatchPlanner.plan(input)
            let need = input.need
            let ownAccepted = input.projectRequests.filter { $0.needId == need.id && $0.status == .accepted }.count
            let ownPending = input.projectRequests.filter { $0.needId == need.id && $0.status == .pending }.count
            let askedInProject = Set(input.projectRequests.filter { $0.status != .cancelled }.map(\.musicianId))

            // Asked: on the list, in list order, once, and eligible.
            let positions = plan.ask.map { need.list.firstIndex(of: $0)! }
            #expect(positions == positions.sorted(), "seed \(seed)")
            #expect(Set(plan.ask).count == plan.ask.count, "seed \(seed)")
            for id in plan.ask {
                let m = input.musicians[id]
                #expect(m != nil && m!.isActive && !m!.isArchived && m!.qualifiedPositions.contains(need.positionId), "seed \(seed)")
                #expect(!need.requireLocalResidence || m!.localResidence, "seed \(seed)")
                #expect(!askedInProject.contains(id), "seed \(seed): \(id) asked twice in the project")
                #expect(input.conflictPolicy == .warn || input.busyElsewhere[id] == nil, "seed \(seed)")
                #expect(!(input.blackouts[id] ?? []).contains { $0.overlaps(input.period!) }, "seed \(seed): \(id) asked during a blackout")
            }
            // Room: never more than the strategy allows; never over the quantity.
            switch need.strategy {
            case .sequential: #expect(plan.ask.count <= (ownPending > 0 ? 0 : 1), "seed \(seed)")
            case .parallel: #expect(plan.ask.count <= max(0, need.quantity - ownAccepted - ownPending), "seed \(seed)")
            case .escalating: break  // its own property test (EscalationTests)
            case .firstCome:
                #expect(ownPending == 0 || plan.ask.isEmpty, "seed \(seed)")
                if let max = need.maxRecipients { #expect(plan.ask.count <= max, "seed \(seed)") }
            }
            if need.status != .active || ownAccepted >= need.quantity { #expect(plan.ask.isEmpty, "seed \(seed)") }
            // Everyone else on the list has a reason, and a waiting musician never ranks above an asked one.
            let accounted = Set(plan.ask).union(plan.passed.map(\.musicianId))
            #expect(accounted == Set(need.list), "seed \(seed)")
            let lastAsked = positions.last ?? -1
            for (id, reason) in plan.passed {
                switch reason {
                case .waiting: #expect(need.list.firstIndex(of: id)! > lastAsked, "seed \(seed)")
                case .archived: #expect(input.musicians[id]?.isArchived == true, "seed \(seed)")
                case .inactive: #expect(input.musicians[id]?.isActive == false, "seed \(seed)")
                case .notQualified: #expect(input.musicians[id]?.qualifiedPositions.contains(need.positionId) == false, "seed \(seed)")
                case .notLocalResident: #expect(need.requireLocalResidence && input.musicians[id]?.localResidence == false, "seed \(seed)")
                case .alreadyAsked: #expect(askedInProject.contains(id), "seed \(seed)")
                case .conflict: #expect(input.conflictPolicy == .skip && input.busyElsewhere[id] != nil, "seed \(seed)")
                case .blackout(let b):
                    #expect(input.blackouts[id]?.contains(b) == true && b.start <= input.period!.span.upperBound
                            && b.end >= input.period!.span.lowerBound, "seed \(seed): blackout \(b) does not touch the project")
                case .betterRankedElsewhere: #expect(input.listConflictMode == .smart, "seed \(seed)")
                case .notOnRoster: #expect(input.musicians[id] == nil, "seed \(seed)")
                }
            }
            // The queue is the next eligible musicians after those asked.
            #expect(plan.queue == Array(plan.passed.filter { $0.reason == .waiting }.map(\.musicianId).prefix(DispatchPlanner.queueLength)), "seed \(seed)")
        }
    }
}
