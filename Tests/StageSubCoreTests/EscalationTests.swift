import Foundation
import StageSubCore
import Testing

@Suite("Escalation by concert date: steps, their moments, and how each step asks")
struct EscalationTests {
    static let stockholm = TimeZone(identifier: "Europe/Stockholm")!
    static let first = CalendarDay(year: 2027, month: 3, day: 1)!

    static func moment(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("the standard steps read and write as the setting's text; nonsense is refused with what to fix")
    func parsing() throws {
        #expect(EscalationSchedule.standard.text == "sequential 48h until 21d; parallel x2 24h until 7d; first_come 12h")
        #expect(try EscalationSchedule.parse(EscalationSchedule.standard.text).get() == .standard)
        let refusals: [(String, String)] = [
            ("", "1 to 6 steps"),
            ("parallel x2 24h until 7d; sequential 48h until 21d; first_come 12h", "fall step by step"),
            ("sequential 48h; first_come 12h", "every step but the last"),
            ("sequential 48h until 21d", "last step has no 'until'"),
            ("sequential x2 48h until 21d; first_come 12h", "parallel only"),
            ("escalating 48h", "must start with"),
            ("parallel 0h until 3d; first_come 1h", "response time"),
        ]
        for (text, expected) in refusals {
            guard case .failure(let error) = EscalationSchedule.parse(text) else { Issue.record("accepted: \(text)"); continue }
            #expect(error.message.contains(expected), "\(text): \(error.message)")
        }
        var settings = OrchestraSettings()
        #expect(throws: SettingError.self) { try settings.set("escalationSteps", "sequential 48h until 21d") }
        try settings.set("escalationSteps", "parallel x3 72h until 14d; first_come 6h")
        #expect(settings.escalationSteps.steps.map(\.width) == [3, 1])
        #expect(OrchestraSettings(stored: settings.stored).escalationSteps == settings.escalationSteps)
    }

    @Test("every setting has the rule set() holds it to, found by asking set()")
    func settingRules() {
        #expect(OrchestraSettings.rule(of: "conflictPolicy") == .oneOf(["warn", "skip"]))
        #expect(OrchestraSettings.rule(of: "reminderPercentage") == .reminderSteps)
        if case .escalation? = OrchestraSettings.rule(of: "escalationSteps") {} else { Issue.record("escalationSteps") }
        #expect(OrchestraSettings.rule(of: "nothing") == nil)
    }

    @Test("a step ends at midnight in the orchestra's zone, 21 and 7 days before the first rehearsal")
    func moments() {
        let schedule = EscalationSchedule.standard
        let early = schedule.position(at: Self.moment("2027-01-15T12:00:00Z"), firstRehearsal: Self.first, zone: Self.stockholm)
        #expect(early.index == 0 && early.step.strategy == .sequential)
        #expect(early.nextBeginsAt == Self.moment("2027-02-07T23:00:00Z"))  // 8 February 00:00 in Stockholm
        let justBefore = schedule.position(at: Self.moment("2027-02-07T22:59:59Z"), firstRehearsal: Self.first, zone: Self.stockholm)
        #expect(justBefore.index == 0)
        let middle = schedule.position(at: Self.moment("2027-02-07T23:00:00Z"), firstRehearsal: Self.first, zone: Self.stockholm)
        #expect(middle.index == 1 && middle.step.width == 2 && middle.nextBeginsAt == Self.moment("2027-02-21T23:00:00Z"))
        let last = schedule.position(at: Self.moment("2027-02-28T09:00:00Z"), firstRehearsal: Self.first, zone: Self.stockholm)
        #expect(last.index == 2 && last.step.strategy == .firstCome && last.nextBeginsAt == nil)
        // After the rehearsal has begun the last step still holds.
        #expect(schedule.position(at: Self.moment("2027-03-05T09:00:00Z"), firstRehearsal: Self.first, zone: Self.stockholm).index == 2)
    }

    static func input(step: Int, quantity: Int, pending: [Int64], listLength: Int = 10) -> DispatchInput {
        let position = EscalationSchedule.standard.position(
            at: [moment("2027-01-01T00:00:00Z"), moment("2027-02-10T00:00:00Z"), moment("2027-02-25T00:00:00Z")][step],
            firstRehearsal: first, zone: stockholm)
        let list = Array(Int64(1)...Int64(listLength))
        let musicians = Dictionary(uniqueKeysWithValues: list.map { ($0, PlannerMusician(id: $0, qualifiedPositions: [1])) })
        let need = PlannerNeed(id: 1, positionId: 1, quantity: quantity, strategy: .escalating, list: list, escalation: position)
        return DispatchInput(need: need, musicians: musicians, projectRequests: pending.map { PlannerRequest(needId: 1, musicianId: $0, status: .pending) })
    }

    @Test("each step asks as its strategy does: one at a time, two per open place, then everyone left at once")
    func stepsAsk() {
        let sequential = DispatchPlanner.plan(Self.input(step: 0, quantity: 2, pending: []))
        #expect(sequential.ask == [1] && sequential.escalation?.index == 0)
        #expect(DispatchPlanner.plan(Self.input(step: 0, quantity: 2, pending: [1])).ask.isEmpty)
        let wide = DispatchPlanner.plan(Self.input(step: 1, quantity: 2, pending: [1]))
        #expect(wide.ask == [2, 3, 4], "two per open place: 4 out, 1 already pending")
        #expect(wide.escalation?.nextBeginsAt == Self.moment("2027-02-21T23:00:00Z"))
        let last = DispatchPlanner.plan(Self.input(step: 2, quantity: 2, pending: [1, 2, 3, 4]))
        #expect(last.ask == [5, 6, 7, 8, 9, 10], "the last call asks everyone left, pending requests or not")
    }

    @Test("the clock moves a need on only forward, and only when its step has come")
    func movesForward() {
        let position = EscalationSchedule.standard.position(at: Self.moment("2027-02-10T00:00:00Z"), firstRehearsal: Self.first, zone: Self.stockholm)
        let needs = [EscalatingNeed(needId: 1, recordedStep: 0, position: position), EscalatingNeed(needId: 2, recordedStep: 1, position: position),
                     EscalatingNeed(needId: 3, recordedStep: 2, position: position)]
        #expect(RequestEngine.escalations(needs).map(\.needId) == [1])
        #expect(RequestEngine.escalations(needs).first?.step == 1)
    }

    @Test("a blackout touching a project's first or last day passes the musician over; the day after does not")
    func blackoutOverlap() {
        let period = ProjectPeriod(start: CalendarDay(year: 2027, month: 3, day: 10)!, end: CalendarDay(year: 2027, month: 3, day: 12)!)
        func blackout(_ from: Int, _ to: Int) -> Blackout {
            Blackout(id: 1, start: CalendarDay(year: 2027, month: 3, day: from)!, end: CalendarDay(year: 2027, month: 3, day: to)!)
        }
        #expect(blackout(5, 10).overlaps(period) && blackout(12, 20).overlaps(period) && blackout(11, 11).overlaps(period))
        #expect(!blackout(5, 9).overlaps(period) && !blackout(13, 20).overlaps(period))
        #expect(Blackout.problem(start: "2027-03-12", end: "2027-03-10", note: nil, years: 2000...2100) == "endDate is before startDate")
        #expect(Blackout.problem(start: "2027-02-30", end: "2027-03-10", note: nil, years: 2000...2100)?.hasPrefix("startDate") == true)
        #expect(Blackout.problem(start: "2027-03-01", end: "2027-03-10", note: "tour\nwith another orchestra", years: 2000...2100)?.hasPrefix("note") == true)
    }
}
