import Foundation
import StageSubCore
import Testing
@testable import StageSubStore

extension EngineFixture {
    /// Violin 1's concertmaster position with an A list in this order; its musicians become qualified for
    /// it as well as for tutti.
    func concertmasterList(_ musicians: [Int]) throws -> (position: Int64, list: Int64) {
        let position = try gateway.positionId(instrument: "Violin 1", position: "Förste konsertmästare")
        let list = try gateway.rankingList(position: position, type: "A")
        for index in musicians { try gateway.setQualifications(musician: id(index), positions: [tutti, position]) }
        try gateway.setRanking(list: list, musicians: musicians.map(id))
        return (position, list)
    }
}

@Suite("Editing needs")
struct NeedEditTests {
    @Test("before any request every setting may change, checked like a new need, and nothing is sent")
    func draft() throws {
        let f = try EngineFixture()
        var need = try f.need(.sequential)
        need.strategy = .firstCome
        need.quantity = 2
        need.maxRecipients = 4
        need.responseTimeHours = 48
        #expect(try f.gateway.updateNeed(need, now: EngineFixture.start).sent.isEmpty)
        let stored = try f.gateway.need(need.id!)
        #expect(stored.strategy == .firstCome && stored.quantity == 2 && stored.maxRecipients == 4 && stored.responseTimeHours == 48)
        #expect(try f.gateway.requests(need: need.id!).isEmpty)

        need.maxRecipients = 1
        #expect((#expect(throws: StoreError.self) { try f.gateway.updateNeed(need, now: .now) })?.message
                == "maxRecipients (1) must be at least the quantity (2)")
        need.maxRecipients = nil
        need.rankingListId = try f.gateway.rankingList(position: f.gateway.positionId(instrument: "Cello", position: "Tutti"), type: "A")
        #expect((#expect(throws: StoreError.self) { try f.gateway.updateNeed(need, now: .now) })?.message.contains("another position") == true)
    }

    @Test("once musicians are asked only the quantity may change: more asks more, down to the accepted fills the need")
    func afterRequests() throws {
        let f = try EngineFixture()
        let need = try f.need(.parallel, quantity: 2)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(60)) == .accepted)

        var changed = try f.gateway.need(need.id!)
        changed.strategy = .sequential
        changed.responseTimeHours = 48
        let refused = #expect(throws: StoreError.self) { try f.gateway.updateNeed(changed, now: .now) }
        #expect(refused?.code == .conflict)
        #expect(refused?.message.contains("only its quantity may change (not its strategy, response time)") == true)

        changed = try f.gateway.need(need.id!)
        changed.quantity = 0
        #expect((#expect(throws: StoreError.self) { try f.gateway.updateNeed(changed, now: .now) })?.message
                    .contains("cannot be less than the 1 already accepted") == true)

        changed.quantity = 4
        let more = try f.gateway.updateNeed(changed, now: EngineFixture.start.addingTimeInterval(120))
        #expect(more.sent.map(\.musicianId) == [f.id(3), f.id(4)])
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.accepted, .pending, .pending, .pending])

        changed.quantity = 1
        #expect(try f.gateway.updateNeed(changed, now: EngineFixture.start.addingTimeInterval(180)).sent.isEmpty)
        #expect(try f.gateway.need(need.id!).status == .filled)
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.accepted, .cancelled, .cancelled, .cancelled])
        #expect(try f.gateway.outbox().filter { $0.type == .positionFilled }.count == 3)

        // Filled, then one more wanted: the need reopens and asks again from the top of the list (a cancelled
        // request never counted as an answer, so musician 2 is asked first).
        changed.quantity = 2
        #expect(try f.gateway.updateNeed(changed, now: EngineFixture.start.addingTimeInterval(240)).sent.map(\.musicianId) == [f.id(2)])
        #expect(try f.gateway.need(need.id!).status == .active)
    }
}

@Suite("Sending a whole project")
struct ProjectSendTests {
    @Test("every open need is asked in one go, in score order, exactly as the project preview showed; paused needs wait")
    func sendProject() throws {
        let f = try EngineFixture()
        let tutti = try f.need(.sequential)
        let (concertmaster, list) = try f.concertmasterList([1, 5, 6])
        let leader = try f.gateway.createNeed(project: f.project.id!, position: concertmaster, quantity: 1, rankingList: list,
                                              strategy: .sequential, now: EngineFixture.start)
        let paused = try f.need(.parallel, quantity: 2)
        _ = try f.gateway.setNeedPaused(true, need: paused.id!, now: EngineFixture.start)

        let preview = try f.gateway.previewProject(project: f.project.id!)
        #expect(preview.map(\.needId) == [leader.id!, tutti.id!])
        // Musician 1 tops both lists; the concertmaster need comes first in the score and asks them.
        #expect(preview.map(\.plan.ask) == [[f.id(1)], [f.id(2)]])

        let sent = try f.gateway.sendProject(project: f.project.id!, now: EngineFixture.start)
        #expect(sent.map(\.needId) == preview.map(\.needId))
        #expect(sent.map(\.result.plan) == preview.map { Optional($0.plan) })
        #expect(sent.flatMap(\.result.sent).map(\.musicianId) == [f.id(1), f.id(2)])
        #expect(try f.gateway.requests(need: paused.id!).isEmpty)
        #expect(try f.gateway.outbox().filter { $0.type == .request }.map(\.recipient) == ["m1@example.org", "m2@example.org"])
        #expect(try f.gateway.needs(project: f.project.id!).map(\.id) == [leader.id, tutti.id, paused.id])

        // Sending again asks nobody new: both sequential needs wait for their answers.
        #expect(try f.gateway.sendProject(project: f.project.id!, now: EngineFixture.start).allSatisfy { $0.result.sent.isEmpty })
        #expect((#expect(throws: StoreError.self) { try f.gateway.sendProject(project: 99_999, now: .now) })?.code == .notFound)
    }

    @Test("smart list conflicts: a musician on two lists is asked only by the need where they rank best; a tie goes to the higher position")
    func smartMode() throws {
        let f = try EngineFixture()
        try f.gateway.setSetting("listConflictMode", "smart")
        // Tutti list: 1, 2, 3, 4, … Concertmaster list: 3 (first), 2 (second, as on tutti), 9.
        let (concertmaster, list) = try f.concertmasterList([3, 2, 9])
        let tutti = try f.need(.parallel, quantity: 3)
        let leader = try f.gateway.createNeed(project: f.project.id!, position: concertmaster, quantity: 2, rankingList: list,
                                              strategy: .parallel, now: EngineFixture.start)

        // Tutti asks first, and still leaves 3 and 9 (ranked better as concertmaster) and 2 (a tie: the higher position).
        let first = try f.gateway.send(need: tutti.id!, now: EngineFixture.start)
        #expect(first.sent.map(\.musicianId) == [f.id(1), f.id(4), f.id(5)])
        let passed = try #require(first.plan).passed.filter { if case .betterRankedElsewhere = $0.reason { true } else { false } }
        #expect(passed.map(\.musicianId) == [f.id(2), f.id(3), f.id(9)])
        #expect(passed.allSatisfy { $0.reason == .betterRankedElsewhere(needId: leader.id!) })

        let second = try f.gateway.send(need: leader.id!, now: EngineFixture.start)
        #expect(second.sent.map(\.musicianId) == [f.id(3), f.id(2)])
    }
}
