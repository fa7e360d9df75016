import StageSubCore
import Testing

/// Scenarios for the planner: a violin section, its A list, and what each strategy asks next.
@Suite("The dispatch planner")
struct DispatchPlannerTests {
    static let tutti: Int64 = 10
    static let leader: Int64 = 11

    /// Musicians 1…n, all active, qualified for tutti (and 1–3 for the section leader too).
    static func roster(_ n: Int, configure: (inout PlannerMusician) -> Void = { _ in }) -> [Int64: PlannerMusician] {
        var result: [Int64: PlannerMusician] = [:]
        for id in 1...Int64(n) {
            var m = PlannerMusician(id: id, qualifiedPositions: id <= 3 ? [tutti, leader] : [tutti])
            configure(&m)
            result[id] = m
        }
        return result
    }

    static func need(_ strategy: RequestStrategy, quantity: Int = 1, max: Int? = nil, list: [Int64] = Array(1...8)) -> PlannerNeed {
        PlannerNeed(id: 100, positionId: tutti, positionLevel: 3, quantity: quantity, strategy: strategy, maxRecipients: max, list: list)
    }

    @Test("sequential asks the best ranked, then waits until that one answers")
    func sequential() {
        var input = DispatchInput(need: Self.need(.sequential), musicians: Self.roster(8))
        #expect(DispatchPlanner.plan(input).ask == [1])
        #expect(DispatchPlanner.plan(input).queue == [2, 3, 4, 5, 6])
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .pending)]
        let waiting = DispatchPlanner.plan(input)
        #expect(waiting.ask.isEmpty && waiting.hold == .awaitingAnswers)
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .declined)]
        #expect(DispatchPlanner.plan(input).ask == [2])
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .timedOut)]
        #expect(DispatchPlanner.plan(input).ask == [2])
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .accepted)]
        #expect(DispatchPlanner.plan(input).hold == .filled)
    }

    @Test("parallel keeps quantity − accepted − pending requests out")
    func parallel() {
        var input = DispatchInput(need: Self.need(.parallel, quantity: 3), musicians: Self.roster(8))
        #expect(DispatchPlanner.plan(input).ask == [1, 2, 3])
        input.projectRequests = [
            PlannerRequest(needId: 100, musicianId: 1, status: .accepted),
            PlannerRequest(needId: 100, musicianId: 2, status: .declined),
            PlannerRequest(needId: 100, musicianId: 3, status: .pending),
        ]
        let plan = DispatchPlanner.plan(input)
        #expect(plan.ask == [4])
        #expect(plan.accepted == 1 && plan.pending == 1)
    }

    @Test("first come asks maxRecipients at once (everyone when unset), then waits for the whole batch")
    func firstCome() {
        var input = DispatchInput(need: Self.need(.firstCome, quantity: 2, max: 4), musicians: Self.roster(8))
        #expect(DispatchPlanner.plan(input).ask == [1, 2, 3, 4])
        input.need.maxRecipients = nil
        #expect(DispatchPlanner.plan(input).ask == Array(1...8))
        input.need.maxRecipients = 4
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .pending)]
        #expect(DispatchPlanner.plan(input).hold == .awaitingAnswers)
        input.projectRequests = (1...4).map { PlannerRequest(needId: 100, musicianId: $0, status: .declined) }
        #expect(DispatchPlanner.plan(input).ask == [5, 6, 7, 8])
        #expect(DispatchPlanner.validate(quantity: 3, strategy: .firstCome, maxRecipients: 2, responseTimeHours: 24) != nil)
        #expect(DispatchPlanner.validate(quantity: 2, strategy: .firstCome, maxRecipients: 2, responseTimeHours: 24) == nil)
        #expect(DispatchPlanner.validate(quantity: 0, strategy: .sequential, maxRecipients: nil, responseTimeHours: 24) != nil)
    }

    @Test("everyone passed over has a reason", arguments: [true, false])
    func reasons(_ skipConflicts: Bool) {
        var musicians = Self.roster(8)
        musicians[1]!.isArchived = true
        musicians[2]!.isActive = false
        musicians[3]!.qualifiedPositions = [Self.leader]
        musicians[5]!.localResidence = true
        musicians[6]!.localResidence = true
        musicians[7]!.localResidence = true
        var need = Self.need(.parallel, quantity: 2, list: [1, 2, 3, 4, 5, 99, 6, 7, 8])
        need.requireLocalResidence = true
        let input = DispatchInput(
            need: need, musicians: musicians,
            projectRequests: [PlannerRequest(needId: 200, musicianId: 5, status: .declined),
                              PlannerRequest(needId: 100, musicianId: 8, status: .cancelled)],
            busyElsewhere: [6: 77], conflictPolicy: skipConflicts ? .skip : .warn)
        let plan = DispatchPlanner.plan(input)
        let reasons = Dictionary(plan.passed.map { ($0.musicianId, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons[1] == .archived)
        #expect(reasons[2] == .inactive)
        #expect(reasons[3] == .notQualified)
        #expect(reasons[4] == .notLocalResident)
        #expect(reasons[5] == .alreadyAsked(needId: 200, status: .declined))
        #expect(reasons[99] == .notOnRoster)
        #expect(reasons[8] == .notLocalResident)  // a cancelled request does not count as asked
        if skipConflicts {
            #expect(reasons[6] == .conflict(projectId: 77))
            #expect(plan.ask == [7])
        } else {
            #expect(plan.ask == [6, 7])
            #expect(plan.conflictWarnings == [6: 77])
        }
    }

    @Test("smart lists: a musician goes to the need whose list ranks them best; a tie to the higher position")
    func smartLists() {
        let musicians = Self.roster(6)
        let tuttiNeed = PlannerNeed(id: 100, positionId: Self.tutti, positionLevel: 3, quantity: 1, strategy: .sequential, list: [1, 2, 4, 5])
        let leaderNeed = PlannerNeed(id: 101, positionId: Self.leader, positionLevel: 2, quantity: 1, strategy: .sequential, list: [2, 1, 3])
        var input = DispatchInput(need: tuttiNeed, otherNeeds: [leaderNeed], musicians: musicians, listConflictMode: .smart)
        // 1 is first on tutti, second on leader: tutti keeps them.
        #expect(DispatchPlanner.plan(input).ask == [1])
        // 2 is second on tutti, first on leader: leader takes them.
        input.projectRequests = [PlannerRequest(needId: 100, musicianId: 1, status: .declined)]
        let plan = DispatchPlanner.plan(input)
        #expect(plan.ask == [4])
        #expect(plan.passed.first { $0.musicianId == 2 }?.reason == .betterRankedElsewhere(needId: 101))
        // A tie (both first) goes to the higher position.
        let tie = PlannerNeed(id: 101, positionId: Self.leader, positionLevel: 2, quantity: 1, strategy: .sequential, list: [1])
        input = DispatchInput(need: tuttiNeed, otherNeeds: [tie], musicians: musicians, listConflictMode: .smart)
        #expect(DispatchPlanner.plan(input).ask == [2])
        // Simple mode ignores other lists; a filled rival no longer holds anyone.
        input.listConflictMode = .simple
        #expect(DispatchPlanner.plan(input).ask == [1])
        input.listConflictMode = .smart
        input.projectRequests = [PlannerRequest(needId: 101, musicianId: 3, status: .accepted)]
        #expect(DispatchPlanner.plan(input).ask == [1])
    }

    @Test("paused and cancelled needs ask nobody; an exhausted list says so")
    func holds() {
        var input = DispatchInput(need: Self.need(.parallel, quantity: 2), musicians: Self.roster(8))
        input.need.status = .paused
        #expect(DispatchPlanner.plan(input).hold == .paused)
        #expect(DispatchPlanner.plan(input).ask.isEmpty)
        input.need.status = .cancelled
        #expect(DispatchPlanner.plan(input).hold == .cancelled)
        input.need.status = .active
        input.projectRequests = (1...8).map { PlannerRequest(needId: 100, musicianId: $0, status: .declined) }
        #expect(DispatchPlanner.plan(input).hold == .listExhausted)
    }
}
