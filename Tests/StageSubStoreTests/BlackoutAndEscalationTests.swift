import Foundation
import StageSubCore
import Testing
@testable import StageSubStore

@Suite("Blackout dates and escalation in the engine, on a real sealed orchestra database")
struct BlackoutAndEscalationTests {
    @Test("a musician with a blackout over the project is passed over, and preview says why; one ending the day before is asked")
    func blackoutPassesOver() throws {
        let f = try EngineFixture()  // Mahler 5 starts 2026-12-07 (no end date: its ISO week, 7–13 December)
        _ = try f.gateway.addBlackout(musician: f.id(1), startDate: "2026-12-10", endDate: "2026-12-20", note: "Tour with another orchestra",
                                      now: EngineFixture.start)
        _ = try f.gateway.addBlackout(musician: f.id(2), startDate: "2026-12-01", endDate: "2026-12-06", note: nil, now: EngineFixture.start)
        let need = try f.need(.parallel, quantity: 2)
        let preview = try f.gateway.preview(need: need.id!, now: EngineFixture.start)
        #expect(preview.ask == [f.id(2), f.id(3)])
        let reason = preview.passed.first { $0.musicianId == f.id(1) }?.reason
        guard case .blackout(let blackout) = reason else { Issue.record("musician 1 passed for \(String(describing: reason))"); return }
        #expect(blackout.note == "Tour with another orchestra")
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start)
        #expect(sent.sent.map(\.musicianId) == preview.ask, "send does what preview showed")

        // Removing the blackout makes them eligible again (they are the next one asked when a place opens).
        try f.gateway.deleteBlackout(blackout.id, musician: f.id(1))
        #expect(try f.gateway.preview(need: need.id!, now: EngineFixture.start).queue.first == f.id(1))
    }

    @Test("blackout input is checked: dates, order, note, and another musician's blackout is not found")
    func blackoutInput() throws {
        let f = try EngineFixture(count: 2)
        let refusals = [("2026-13-01", "2026-12-20", "startDate"), ("2026-12-10", "2026-12-01", "before"), ("2026-12-10", "2027-12-20", "a year")]
        for (start, end, expected) in refusals {
            #expect { try f.gateway.addBlackout(musician: f.id(1), startDate: start, endDate: end, note: nil, now: EngineFixture.start) }
                throws: { ($0 as? StoreError)?.code == .invalidInput && ($0 as? StoreError)?.message.contains(expected) == true }
        }
        let made = try f.gateway.addBlackout(musician: f.id(1), startDate: "2026-12-10", endDate: "2026-12-12", note: "  ", now: EngineFixture.start)
        #expect(made.note == nil)
        #expect { try f.gateway.deleteBlackout(made.id!, musician: f.id(2)) } throws: { ($0 as? StoreError)?.code == .notFound }
        let changed = try f.gateway.updateBlackout(made.id!, musician: f.id(1), startDate: nil, endDate: "2026-12-14", note: "Wedding")
        #expect(changed.endDate == "2026-12-14" && changed.note == "Wedding")
        #expect(try f.gateway.blackouts(musician: f.id(1)).count == 1)
    }

    @Test("an escalating need moves from sequential to parallel ×2 to first come as a demo clock is moved, with shorter answer times")
    func escalationOverAMovedClock() throws {
        let f = try EngineFixture()
        let clock = OffsetClock(base: ManualClock(EngineFixture.start))  // 2026-11-18, like a demo appliance's clock
        // First rehearsal 31 January 2027: parallel from 10 January, first come from 24 January (midnight, Stockholm).
        let project = try f.gateway.createProject(name: "Bruckner 8", startDate: "2027-01-31", endDate: "2027-02-02", now: clock.now())
        let need = try f.gateway.createNeed(project: project.id!, position: f.tutti, quantity: 1, rankingList: f.list, strategy: .escalating,
                                            now: clock.now())
        let first = try f.gateway.send(need: need.id!, now: clock.now())
        #expect(first.sent.map(\.musicianId) == [f.id(1)])
        let opening = try #require(first.plan?.escalation)
        #expect(opening.index == 0 && opening.nextBeginsAt == ISO8601DateFormatter().date(from: "2027-01-09T23:00:00Z"))
        let request = try #require(try f.gateway.requests(need: need.id!).first)
        #expect(abs(request.deadlineAt.timeIntervalSince(request.sentAt) - 48 * 3600) < 1, "the first step gives 48 hours")

        // The day before the step nothing widens: one request at a time.
        clock.advance(by: ISO8601DateFormatter().date(from: "2027-01-09T22:00:00Z")!.timeIntervalSince(clock.now()))
        _ = try f.gateway.processDue(now: clock.now())
        #expect(try f.gateway.requests(need: need.id!).filter { $0.status == .pending }.count == 1)

        // Past midnight of 10 January: two requests out for the one place, each with 24 hours.
        clock.advance(by: 2 * 3600)
        let pass = try f.gateway.processDueWork(now: clock.now())
        #expect(pass.escalations == 1)
        let wide = try f.gateway.requests(need: need.id!).filter { $0.status == .pending }
        #expect(wide.count == 2)
        #expect(wide.last.map { abs($0.deadlineAt.timeIntervalSince($0.sentAt) - 24 * 3600) < 1 } == true)
        #expect(try f.gateway.preview(need: need.id!, now: clock.now()).escalation?.index == 1)
        #expect(try f.gateway.processDueWork(now: clock.now()).escalations == 0, "a step is taken once")

        // From 24 January: everyone left is asked at once, with 12 hours.
        clock.advance(by: ISO8601DateFormatter().date(from: "2027-01-23T23:30:00Z")!.timeIntervalSince(clock.now()))
        _ = try f.gateway.processDue(now: clock.now())
        let all = try f.gateway.requests(need: need.id!)
        #expect(Set(all.map(\.musicianId)) == Set(f.musicians.map { $0.id! }), "the whole list has now been asked")
        #expect(all.last.map { abs($0.deadlineAt.timeIntervalSince($0.sentAt) - 12 * 3600) < 1 } == true)
        #expect(try f.gateway.need(need.id!).escalationStep == 2)
    }
}
