import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

/// A row the engine cannot read (written by an older bug, a hand edit, a damaged restore) costs only the
/// operations that touch it: nothing crashes, the due-work pass skips it and goes on with every other request.
@Suite("A row that cannot be read")
struct UnreadableRowTests {
    @Test("a request whose deadline cannot be read: its page errs, the pass skips it, every other request still times out")
    func unreadableDeadline() throws {
        let f = try EngineFixture()
        let broken = try f.need(.sequential, hours: 2)
        let healthy = try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 1, rankingList: f.list,
                                               strategy: .sequential, responseTimeHours: 2, now: EngineFixture.start)
        let bad = try f.gateway.send(need: broken.id!, now: EngineFixture.start).sent[0]
        let good = try f.gateway.send(need: healthy.id!, now: EngineFixture.start).sent[0]
        try f.database.write { db in
            try db.execute(sql: "UPDATE request SET deadlineAt = '+10000-01-01 00:00:00.000', reminderDueAt = 'never' WHERE id = ?", arguments: [bad.requestId])
        }
        #expect(throws: StoreError.self) { try f.gateway.answerView(token: bad.token) }
        #expect(throws: StoreError.self) { try f.gateway.answer(token: bad.token, accept: true, now: EngineFixture.start) }
        let later = EngineFixture.start.addingTimeInterval(3 * 3600)
        let done = try f.gateway.processDue(now: later)
        #expect(done.timeouts == 1)
        #expect(try f.gateway.request(good.requestId).status == .timedOut)
        #expect(try f.gateway.processDue(now: later).timeouts == 0)  // and again: the bad row never blocks the pass
        #expect(try f.gateway.unreadableRequests() == [bad.requestId])
    }
}

@Suite("Numbers and dates within sense")
struct InputBoundsTests {
    @Test("a response time, quantity or recipient count beyond sense, or a year out of range, is refused naming the field")
    func bounds() throws {
        let f = try EngineFixture()
        for (hours, quantity, max, field) in [(71_000_000, 1, Int?.none, "responseTimeHours"), (2161, 1, nil, "responseTimeHours"),
                                             (24, 100_000, nil, "quantity"), (24, 1, 5_000_000, "maxRecipients")] {
            let error = #expect(throws: StoreError.self) {
                try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: quantity, rankingList: f.list,
                                         strategy: max == nil ? .parallel : .firstCome, maxRecipients: max, responseTimeHours: hours,
                                         now: EngineFixture.start)
            }
            #expect(error?.code == .invalidInput && error?.message.hasPrefix(field) == true, "\(field): \(String(describing: error))")
        }
        #expect(try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 1, rankingList: f.list, strategy: .parallel,
                                         responseTimeHours: 2160, now: EngineFixture.start).responseTimeHours == 2160)
        for (start, end) in [("9999-01-01", String?.none), ("1899-12-31", nil), ("2027-01-01", "12027-01-01")] {
            let error = #expect(throws: StoreError.self) { try f.gateway.createProject(name: "X", startDate: start, endDate: end, now: EngineFixture.start) }
            #expect(error?.message.contains(end == nil ? "startDate" : "endDate") == true)
        }
    }
}
