import Foundation
import StageSubCore
import Testing

/// One project run by the engine's pure functions alone: the planner decides who is asked, the
/// transitions decide every change, and this simulation writes their effects the way the gateway does
/// (re-planning every active need a person has sent, in project order, whenever a transition asks).
struct ProjectSimulation {
    struct Request { var needId: Int64; var musicianId: Int64; var status: RequestStatus; var deadline: Date; var reminded: Bool; var direct: Bool }
    var needs: [EngineNeed]
    var lists: [Int64: [Int64]]
    var started: Set<Int64> = []
    var requests: [Int64: Request] = [:]
    var nextId: Int64 = 1
    /// Every message, in order: (request id, type).
    var messages: [(Int64, MessageType)] = []
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    var timeouts: [Int64: Int] = [:]
    let musicians: [Int64: PlannerMusician]
    let hours: Int
    /// The project's days and the musicians' blackouts (the planner passes them over).
    var period = ProjectPeriod(start: CalendarDay(year: 2027, month: 2, day: 1)!)
    var blackouts: [Int64: [Blackout]] = [:]
    /// Escalating needs: the step each last asked under, moved on by the clock as the due-work pass does.
    var escalationSteps: [Int64: Int] = [:]
    static let schedule = EscalationSchedule.standard
    static let utc = TimeZone(identifier: "UTC")!

    func escalation(_ needId: Int64) -> EscalationPosition? {
        guard needs.first(where: { $0.id == needId })?.strategy == .escalating else { return nil }
        return Self.schedule.position(at: now, firstRehearsal: period.start, zone: Self.utc)
    }

    func state(_ needId: Int64) -> NeedState {
        let need = needs.first { $0.id == needId }!
        let own = requests.filter { $0.value.needId == needId }.sorted { $0.key < $1.key }.map { id, r in
            EngineRequest(id: id, musicianId: r.musicianId, status: r.status, deadlineAt: r.deadline, reminderDueAt: nil,
                          reminderSentAt: r.reminded ? now : nil, bookedDirectly: r.direct)
        }
        return NeedState(need: need, requests: own, hasBegun: started.contains(needId))
    }

    func input(_ needId: Int64) -> DispatchInput {
        let planned = needs.map { PlannerNeed(id: $0.id, positionId: 1, quantity: $0.quantity, strategy: $0.strategy,
                                              maxRecipients: nil, status: $0.status, list: lists[$0.id]!, escalation: escalation($0.id)) }
        let all = requests.sorted { $0.key < $1.key }.map { PlannerRequest(needId: $0.value.needId, musicianId: $0.value.musicianId, status: $0.value.status) }
        return DispatchInput(need: planned.first { $0.id == needId }!, otherNeeds: planned.filter { $0.id != needId },
                             musicians: musicians, projectRequests: all, period: period, blackouts: blackouts)
    }

    mutating func carryOut(_ plan: DispatchPlan, need: Int64) {
        if let position = plan.escalation { escalationSteps[need] = max(escalationSteps[need] ?? 0, position.index) }
        let answerHours = plan.escalation?.step.responseTimeHours ?? hours
        for musician in plan.ask {
            requests[nextId] = Request(needId: need, musicianId: musician, status: .pending,
                                       deadline: now.addingTimeInterval(Double(answerHours) * 3600), reminded: false, direct: false)
            messages.append((nextId, .request))
            nextId += 1
        }
    }

    mutating func send(_ need: Int64) -> (preview: [Int64], sent: [Int64]) {
        let preview = DispatchPlanner.plan(input(need))
        started.insert(need)
        let before = nextId
        carryOut(DispatchPlanner.plan(input(need)), need: need)
        return (preview.ask, (before..<nextId).map { requests[$0]!.musicianId })
    }

    mutating func apply(_ effects: [EngineEffect], need: Int64) {
        var booking: Int64?
        for effect in effects {
            switch effect {
            case .setRequest(let id, let status): requests[id]!.status = status
            case .setNeed(let id, let status): needs[needs.firstIndex { $0.id == id }!].status = status
            case .book(let musician):
                requests[nextId] = Request(needId: need, musicianId: musician, status: .accepted, deadline: now, reminded: false, direct: true)
                booking = nextId
                nextId += 1
            case .tell(let type, .existing(let id)): messages.append((id, type))
            case .tell(let type, .booking): messages.append((booking!, type))
            case .replanProject: break
            }
        }
        if effects.contains(.replanProject) { replan() }
    }

    /// Each active need a person has sent, in project order, asks whoever it may ask now (its requests are
    /// written before the next need plans, as the gateway's project-wide plan counts them).
    mutating func replan() {
        for need in needs where need.status == .active && started.contains(need.id) {
            carryOut(DispatchPlanner.plan(input(need.id)), need: need.id)
        }
    }
}

@Suite("Engine transitions over random histories")
struct RequestEnginePropertyTests {
    @Test("preview ≡ send; accepted ≤ quantity; pending ≤ open places; nobody asked twice; rank order; each deadline once; messages match states")
    func randomHistories() {
        for seed in UInt64(1)...300 {
            var rng = SplitMix64(state: seed)
            let musicianIds = Array(Int64(1)...Int64(Int.random(in: 4...12, using: &rng)))
            let musicians = Dictionary(uniqueKeysWithValues: musicianIds.map {
                ($0, PlannerMusician(id: $0, qualifiedPositions: [1]))
            })
            let needCount = Int.random(in: 1...3, using: &rng)
            let needs = (1...needCount).map { i in
                EngineNeed(id: Int64(i), quantity: Int.random(in: 1...3, using: &rng),
                           strategy: RequestStrategy.allCases.randomElement(using: &rng)!, status: .active)
            }
            var lists: [Int64: [Int64]] = [:]
            for need in needs { lists[need.id] = Array(musicianIds.shuffled(using: &rng).prefix(Int.random(in: 2...musicianIds.count, using: &rng))) }
            var sim = ProjectSimulation(needs: needs, lists: lists, musicians: musicians, hours: Int.random(in: 1...48, using: &rng))
            // The first rehearsal 3–40 days ahead, so escalating needs pass through their steps as the clock moves.
            let first = CalendarDay(ordinal: Int(sim.now.timeIntervalSince1970 / 86_400) + Int.random(in: 3...40, using: &rng))
            sim.period = ProjectPeriod(start: first, end: first.adding(days: Int.random(in: 0...5, using: &rng)))
            for id in musicianIds where Int.random(in: 0..<5, using: &rng) == 0 {
                let from = first.adding(days: Int.random(in: -6...6, using: &rng))
                sim.blackouts[id] = [Blackout(id: id, start: from, end: from.adding(days: Int.random(in: 0...3, using: &rng)))]
            }
            for step in 0..<40 {
                let context = "seed \(seed) step \(step)"
                let needId = Int64(Int.random(in: 1...needCount, using: &rng))
                let state = sim.state(needId)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0, 1:
                    let (preview, sent) = sim.send(needId)
                    #expect(preview == sent, "\(context): send did not do what preview showed")
                case 2, 3:
                    if let request = state.pending.randomElement(using: &rng) {
                        let (_, effects) = RequestEngine.answer(state, request: request.id, accept: Bool.random(using: &rng), now: sim.now)
                        sim.apply(effects, need: needId)
                    }
                case 4:
                    let asked = Set(sim.requests.values.filter { $0.status != .cancelled }.map(\.musicianId))
                    if let musician = musicianIds.filter({ !asked.contains($0) }).randomElement(using: &rng),
                       let effects = try? RequestEngine.book(state, musician: musician, inProject: nil) {
                        sim.apply(effects, need: needId)
                    }
                case 5:
                    if let booked = state.requests.filter({ $0.status == .accepted }).randomElement(using: &rng),
                       let effects = try? RequestEngine.withdraw(state, request: booked.id) {
                        sim.apply(effects, need: needId)
                    }
                case 6:
                    if Int.random(in: 0..<4, using: &rng) == 0, let effects = try? RequestEngine.cancel(state) { sim.apply(effects, need: needId) }
                case 7:
                    let quantity = Int.random(in: max(1, state.accepted)...4, using: &rng)
                    if state.need.status != .cancelled {
                        sim.needs[sim.needs.firstIndex { $0.id == needId }!].quantity = quantity
                        sim.apply(RequestEngine.changeQuantity(state, to: quantity), need: needId)
                    }
                case 8:
                    if let effects = try? RequestEngine.setPaused(state.need.status == .active, state) { sim.apply(effects, need: needId) }
                default:
                    sim.now = sim.now.addingTimeInterval(Double(Int.random(in: 1...30, using: &rng)) * 3600)
                    let all = sim.requests.map { EngineRequest(id: $0.key, musicianId: $0.value.musicianId, status: $0.value.status,
                                                               deadlineAt: $0.value.deadline) }
                    for id in RequestEngine.due(all, now: sim.now).timeouts.sorted() where sim.requests[id]!.status == .pending {
                        sim.timeouts[id, default: 0] += 1
                        let need = sim.requests[id]!.needId
                        sim.apply(RequestEngine.timeOut(sim.state(need), request: id), need: need)
                    }
                    #expect(!sim.requests.values.contains { $0.status == .pending && $0.deadline <= sim.now }, "\(context): a deadline passed unacted")
                    // The clock moves escalating needs on, as the due-work pass does: record the step, re-plan.
                    let moving = sim.needs.filter { $0.status == .active && sim.started.contains($0.id) }.compactMap { need in
                        sim.escalation(need.id).map { EscalatingNeed(needId: need.id, recordedStep: sim.escalationSteps[need.id] ?? 0, position: $0) }
                    }
                    let moves = RequestEngine.escalations(moving)
                    for move in moves { sim.escalationSteps[move.needId] = move.step }
                    if !moves.isEmpty { sim.replan() }
                }
                check(sim, context)
            }
        }
    }

    func check(_ sim: ProjectSimulation, _ context: String) {
        for need in sim.needs {
            let state = sim.state(need.id)
            #expect(state.accepted <= need.quantity, "\(context): need \(need.id) overfilled")
            if (need.strategy == .sequential || need.strategy == .parallel) && need.status != .cancelled {
                #expect(state.pending.count <= max(0, need.quantity - state.accepted), "\(context): need \(need.id) has more out than places")
            }
            if need.status == .filled { #expect(state.pending.isEmpty && state.accepted >= need.quantity, "\(context): filled need \(need.id) still asking") }
            // Rank order: whoever the engine asked by itself came from the list in its order.
            let asked = state.requests.filter { !$0.bookedDirectly }.map(\.musicianId)
            let ranks = asked.compactMap { sim.lists[need.id]!.firstIndex(of: $0) }
            #expect(ranks.count == asked.count, "\(context): someone not on the list was asked")
            // Nobody is asked for days they said they cannot play.
            for musician in asked {
                #expect(!(sim.blackouts[musician] ?? []).contains { $0.overlaps(sim.period) }, "\(context): \(musician) asked during a blackout")
            }
        }
        // Nobody asked twice in the project, unless the earlier request was withdrawn by the orchestra.
        let live = sim.requests.values.filter { $0.status != .cancelled }.map(\.musicianId)
        #expect(Set(live).count == live.count, "\(context): a musician has two live requests in the project")
        #expect(sim.timeouts.values.allSatisfy { $0 == 1 }, "\(context): a deadline acted on twice")
        // Each musician's latest message about a request matches where the request stands.
        for (id, request) in sim.requests {
            let last = sim.messages.last { $0.0 == id }?.1
            switch request.status {
            case .pending, .declined, .timedOut: #expect(last == .request, "\(context): request \(id) \(request.status) last said \(String(describing: last))")
            case .accepted, .withdrawn: #expect(last == .confirmation, "\(context): request \(id) \(request.status) last said \(String(describing: last))")
            case .cancelled:
                #expect([.positionFilled, .requestWithdrawn, .bookingCancelled].contains(last), "\(context): cancelled request \(id) last said \(String(describing: last))")
            }
        }
    }
}
