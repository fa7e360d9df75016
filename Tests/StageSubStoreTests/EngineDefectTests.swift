import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

/// The defects found when the engine was tried from outside, each as the scenario that showed it.
@Suite("Engine defects found from outside")
struct EngineDefectTests {
    /// The token in the newest request message to a musician.
    func token(for musician: Int64, _ f: EngineFixture) throws -> String {
        let message = try #require(try f.gateway.outbox().last { $0.type == .request && $0.musicianId == musician })
        return try #require(message.body.components(separatedBy: "/r/").last?.components(separatedBy: "\n").first)
    }

    @Test("cancelling a need tells pending musicians the request is withdrawn, cancels the booked ones' bookings and frees them elsewhere")
    func cancelTellsTheTruth() throws {
        let f = try EngineFixture(english: [2])
        let need = try f.need(.parallel, quantity: 3)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start) == .accepted)
        // An overlapping project asks the same section; musician 1 is busy there until the need is cancelled.
        let other = try f.gateway.createProject(name: "Brahms 2", startDate: "2026-12-07", now: EngineFixture.start)
        try f.gateway.setSetting("conflictPolicy", "skip")
        let otherNeed = try f.gateway.createNeed(project: other.id!, position: f.tutti, quantity: 1, rankingList: f.list,
                                                 strategy: .sequential, now: EngineFixture.start)
        #expect(try f.gateway.preview(need: otherNeed.id!).passed.first { $0.musicianId == f.id(1) }?.reason == .conflict(projectId: f.project.id!))

        try f.gateway.cancelNeed(need.id!, now: EngineFixture.start.addingTimeInterval(60))
        let messages = try f.gateway.outbox().filter { $0.createdAt == EngineFixture.start.addingTimeInterval(60) }
        #expect(messages.filter { $0.type == .positionFilled }.isEmpty)
        #expect(Set(messages.filter { $0.type == .requestWithdrawn }.map(\.recipient)) == ["m2@example.org", "m3@example.org"])
        #expect(messages.first { $0.recipient == "m2@example.org" }?.subject.hasPrefix("Request withdrawn") == true)  // English
        let cancellation = try #require(messages.first { $0.type == .bookingCancelled })
        #expect(cancellation.recipient == "m1@example.org" && cancellation.body.contains("avboka"))
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.cancelled, .cancelled, .cancelled])
        // No longer busy: the overlapping project may ask musician 1 now.
        #expect(try f.gateway.preview(need: otherNeed.id!).ask == [f.id(1)])
    }

    @Test("a parallel need never has more musicians out than open places, after a lowered quantity too")
    func noMoreOutThanPlaces() throws {
        let f = try EngineFixture()
        let need = try f.need(.parallel, quantity: 3)
        #expect(try f.gateway.send(need: need.id!, now: EngineFixture.start).sent.count == 3)
        var changed = try f.gateway.need(need.id!)
        changed.quantity = 1
        _ = try f.gateway.updateNeed(changed, now: EngineFixture.start.addingTimeInterval(10))
        let requests = try f.gateway.requests(need: need.id!)
        #expect(requests.map(\.status) == [.pending, .cancelled, .cancelled])
        #expect(try f.gateway.outbox().filter { $0.type == .requestWithdrawn }.map(\.recipient) == ["m2@example.org", "m3@example.org"])
        // The one still asked accepts as asked and is booked, not told "filled".
        #expect(try f.gateway.answer(token: token(for: f.id(1), f), accept: true, now: EngineFixture.start.addingTimeInterval(20)) == .accepted)
        #expect(try f.gateway.need(need.id!).status == .filled)
    }

    @Test("a withdrawal is its own status: the page says so, statistics count it apart, and the musician is not asked again")
    func withdrawalIsNotADecline() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(3600)) == .accepted)
        let asked = try f.gateway.recordWithdrawal(request: sent[0].requestId, now: EngineFixture.start.addingTimeInterval(7200))
        #expect(asked.sent.map(\.musicianId) == [f.id(2)])
        #expect(try f.gateway.request(sent[0].requestId).status == .withdrawn)
        #expect(try f.gateway.answerView(token: sent[0].token)?.status == .withdrawn)
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(7300)) == .closed(.withdrawn))
        let figures = try #require(try f.gateway.statistics().musicians.first { $0.musicianId == f.id(1) })
        #expect(figures.withdrawn == 1 && figures.declined == 0 && figures.accepted == 0)
        #expect(figures.acceptanceRate == nil && figures.responseRate == 1)
        #expect(try f.gateway.preview(need: need.id!).passed.contains { $0.musicianId == f.id(1) && $0.reason == .alreadyAsked(needId: need.id!, status: .withdrawn) })
    }

    @Test("statistics: acceptance counts answers only, response rate is answered ÷ asked, time to fill leaves direct bookings out")
    func statistics() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential, hours: 10)
        let first = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent[0]
        #expect(try f.gateway.answer(token: first.token, accept: false, now: EngineFixture.start.addingTimeInterval(3600)) == .declined)
        try f.gateway.processDue(now: EngineFixture.start.addingTimeInterval(3600 + 10 * 3600))  // musician 2 times out; 3 is asked
        #expect(try f.gateway.answer(token: token(for: f.id(3), f), accept: true, now: EngineFixture.start.addingTimeInterval(13 * 3600)) == .accepted)
        let direct = try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 1, rankingList: f.list, strategy: .sequential,
                                              now: EngineFixture.start)
        try f.gateway.bookDirectly(need: direct.id!, musician: f.id(9), now: EngineFixture.start)
        let stats = try f.gateway.statistics()
        #expect(stats.acceptanceRate == 0.5)  // one yes, one no; the booking is no answer
        #expect(stats.responseRate.map { ($0 * 1000).rounded() / 1000 } == 0.667)  // two answered of three asked
        #expect(stats.medianHoursToFill == 13 && stats.needsFilledWithDirectBooking == 1 && stats.needsFilled == 2)
        #expect(stats.musicians.first { $0.musicianId == f.id(2) }?.responseRate == 0)
    }

    @Test("a musician freed in a project (a need cancelled, a first-come need filled) is asked by its other needs without pressing send")
    func freedMusicianIsPickedUp() throws {
        let f = try EngineFixture(count: 3)
        let first = try f.need(.firstCome, quantity: 1)
        let second = try f.need(.sequential)
        let sent = try f.gateway.send(need: first.id!, now: EngineFixture.start).sent
        #expect(sent.count == 3)
        #expect(try f.gateway.send(need: second.id!, now: EngineFixture.start).sent.isEmpty)  // everyone is asked by the first
        #expect(try f.gateway.answer(token: sent[1].token, accept: true, now: EngineFixture.start.addingTimeInterval(60)) == .accepted)
        // Musicians 1 and 3 heard the position is filled and are free again: the second need, sent before,
        // asks the best of them by itself.
        #expect(try f.gateway.requests(need: second.id!).map(\.musicianId) == [f.id(1)])
        #expect(try f.gateway.requests(need: second.id!).first?.status == .pending)
        // A need never sent waits for a person, freed musicians or not.
        let waiting = try f.need(.sequential)
        #expect(try f.gateway.requests(need: waiting.id!).isEmpty)
        // Cancelling a need frees its musicians for a need that has begun.
        let f2 = try EngineFixture(count: 2)
        let a = try f2.need(.sequential)
        let b = try f2.need(.sequential)
        let askedA = try f2.gateway.send(need: a.id!, now: EngineFixture.start).sent
        let askedB = try f2.gateway.send(need: b.id!, now: EngineFixture.start).sent
        #expect(askedA.map(\.musicianId) == [f2.id(1)] && askedB.map(\.musicianId) == [f2.id(2)])
        #expect(try f2.gateway.answer(token: askedB[0].token, accept: false, now: EngineFixture.start.addingTimeInterval(60)) == .declined)
        #expect(try f2.gateway.requests(need: b.id!).count == 1)  // nobody left for b
        try f2.gateway.cancelNeed(a.id!, now: EngineFixture.start.addingTimeInterval(120))
        #expect(try f2.gateway.requests(need: b.id!).map(\.musicianId) == [f2.id(2), f2.id(1)])
        #expect(try f2.gateway.requests(need: b.id!).last?.status == .pending)
    }

    @Test("resuming a need that is not paused is refused and sends nothing")
    func resumeOnlyPaused() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential)
        let error = #expect(throws: StoreError.self) { try f.gateway.setNeedPaused(false, need: need.id!, now: EngineFixture.start) }
        #expect(error?.code == .conflict && error?.message.contains("not paused") == true)
        #expect(try f.gateway.requests(need: need.id!).isEmpty)
        _ = try f.gateway.setNeedPaused(true, need: need.id!, now: EngineFixture.start)
        #expect(try f.gateway.setNeedPaused(false, need: need.id!, now: EngineFixture.start).sent.isEmpty)  // never sent: still waits for send
    }

    @Test("a deadline that lands exactly on the start of quiet hours moves to their end")
    func quietBoundary() throws {
        let f = try EngineFixture()
        try f.gateway.setSettings(["quietHoursStart": "21:00", "quietHoursEnd": "08:00"])
        let need = try f.need(.sequential, hours: 1)
        // 20:00 Stockholm (UTC+1) on 30 Nov 2026: the one counted hour ends at 21:00 sharp.
        let eight = Date(timeIntervalSince1970: 1_796_065_200)
        _ = try f.gateway.send(need: need.id!, now: eight)
        let request = try #require(try f.gateway.requests(need: need.id!).first)
        #expect(request.deadlineAt == eight.addingTimeInterval(12 * 3600))  // 08:00 the next morning
        #expect(try f.gateway.processDue(now: eight.addingTimeInterval(3600)) == (1, 0))  // the reminder, not the timeout
    }

    @Test("lists: a new orchestra's positions all have A/B/C lists; unknown and unqualified musicians are refused by id and name")
    func lists() throws {
        let f = try EngineFixture()
        let missing = try f.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM position p WHERE (SELECT count(*) FROM rankingList l WHERE l.positionId = p.id) <> 3")
        }
        #expect(missing == 0)
        let error = #expect(throws: StoreError.self) { try f.gateway.addToList(f.list, musicians: [987_654]) }
        #expect(error?.code == .invalidInput && error?.message.contains("987654") == true)
        #expect(error.map { !$0.message.lowercased().contains("constraint") } == true)
        let outsider = try f.gateway.createMusician(Musician(firstName: "Cello", lastName: "Spelare", email: "c@example.org", now: EngineFixture.start))
        let unqualified = #expect(throws: StoreError.self) { try f.gateway.addToList(f.list, musicians: [outsider.id!]) }
        #expect(unqualified?.message.contains("Cello Spelare") == true && unqualified?.message.contains("not qualified") == true)
        let custom = #expect(throws: StoreError.self) {
            try f.gateway.createCustomList(project: f.project.id!, position: f.tutti, name: "x", musicians: [f.id(1), 55_555])
        }
        #expect(custom?.code == .invalidInput && custom?.message.contains("55555") == true)
        // A new position gets its lists at once.
        let instrument = try f.gateway.instruments().first!.instrument
        let position = try f.gateway.createPosition(instrument: instrument.id!, name: "Extra")
        #expect(try f.gateway.rankingLists(position: position.id!).map(\.listType) == ["A", "B", "C"])
    }

    @Test("lists: add several, remove closes ranks, reorder names everyone once, clear is refused while a need asks from it")
    func listOperations() throws {
        let f = try EngineFixture()
        let b = try f.gateway.rankingList(position: f.tutti, type: "B")
        try f.gateway.addToList(b, musicians: [f.id(3), f.id(1), f.id(2)])
        try f.gateway.addToList(b, musicians: [f.id(1), f.id(4)])  // 1 keeps its place
        #expect(try f.gateway.ranking(list: b) == [f.id(3), f.id(1), f.id(2), f.id(4)])
        try f.gateway.removeFromList(b, musician: f.id(1))
        #expect(try f.database.read { db in try Int.fetchAll(db, sql: "SELECT rank FROM ranking WHERE listId = ? ORDER BY rank", arguments: [b]) } == [1, 2, 3])
        #expect(throws: StoreError.self) { try f.gateway.reorderList(b, order: [f.id(2), f.id(3)]) }
        try f.gateway.reorderList(b, order: [f.id(4), f.id(2), f.id(3)])
        #expect(try f.gateway.ranking(list: b) == [f.id(4), f.id(2), f.id(3)])
        try f.gateway.describeList(b, description: "Frilans i Göteborg")
        #expect(try f.gateway.rankingList(b).description == "Frilans i Göteborg")
        let need = try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 1, rankingList: b, strategy: .sequential,
                                            now: EngineFixture.start)
        let refused = #expect(throws: StoreError.self) { try f.gateway.clearList(b) }
        #expect(refused?.code == .conflict && refused?.message.contains("\(need.id!)") == true)
        #expect(try f.gateway.rankingList(b).usedByNeeds == [need.id!])
        try f.gateway.cancelNeed(need.id!, now: EngineFixture.start)
        try f.gateway.clearList(b)
        #expect(try f.gateway.ranking(list: b).isEmpty)
    }
}
