import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

/// Random rosters, lists, needs and answer sequences through the real engine on a sealed database, with
/// the gateway recreated between steps (a restart: all state is in the database).
@Suite("Engine properties over random answer sequences")
struct EnginePropertyTests {
    @Test("preview is what is sent; never over quantity; nobody asked twice; every deadline acted on once")
    func randomRuns() throws {
        let f = try EngineFixture(count: 14)
        var rng = SplitMix64(state: 20261122)
        var clock = EngineFixture.start
        var lastMessage: Int64 = 0
        // Without the plan's limits: this test makes more projects than a medium plan allows.
        let unlimited = OrchestraGateway(database: f.database, orchestraName: "GSO", answerBaseURL: "https://x")
        for scenario in 0..<80 {
            // A fresh project and a reshuffled list; musicians' flags change between scenarios.
            for m in f.musicians where Int.random(in: 0..<5, using: &rng) == 0 {
                try f.gateway.setArchived(Bool.random(using: &rng), musician: m.id!, now: clock)
            }
            try f.gateway.setRanking(list: f.list, musicians: f.musicians.map { $0.id! }.shuffled(using: &rng)
                .prefix(Int.random(in: 3...14, using: &rng)).map { $0 })
            let day = CalendarDay(iso: "2027-01-04")!.adding(days: scenario * 7)
            let project = try unlimited.createProject(name: "Projekt \(scenario)", startDate: day.description, now: clock)
            let strategy = RequestStrategy.allCases.randomElement(using: &rng)!
            let quantity = Int.random(in: 1...3, using: &rng)
            let need = try unlimited.createNeed(project: project.id!, position: f.tutti, quantity: quantity, rankingList: f.list,
                                                strategy: strategy, maxRecipients: strategy == .firstCome ? quantity + Int.random(in: 0...3, using: &rng) : nil,
                                                responseTimeHours: Int.random(in: 1...48, using: &rng), now: clock)
            var tokens: [Int64: String] = [:]
            var gateway = unlimited
            for step in 0..<12 {
                let context = "scenario \(scenario) step \(step)"
                switch Int.random(in: 0..<10, using: &rng) {
                case 0...2:
                    let preview = try gateway.preview(need: need.id!)
                    let result = try gateway.send(need: need.id!, now: clock)
                    #expect(result.sent.map(\.musicianId) == preview.ask, "\(context): send did not do what preview showed")
                    for s in result.sent { tokens[s.requestId] = s.token }
                case 3...6:
                    let pending = try gateway.requests(need: need.id!).filter { $0.status == .pending }
                    if let request = pending.randomElement(using: &rng), let token = tokens[request.id!] {
                        _ = try gateway.answer(token: token, accept: Int.random(in: 0..<3, using: &rng) > 0, now: clock)
                    }
                case 7, 8:
                    clock = clock.addingTimeInterval(Double(Int.random(in: 1...30, using: &rng)) * 3600)
                    try gateway.processDue(now: clock)
                    let overdue = try gateway.requests(need: need.id!).filter { $0.status == .pending && $0.deadlineAt <= clock }
                    #expect(overdue.isEmpty, "\(context): a passed deadline was not acted on")
                default:
                    gateway = OrchestraGateway(database: f.database, orchestraName: "GSO", answerBaseURL: "https://x")  // restart
                }
                let requests = try gateway.requests(need: need.id!)
                #expect(requests.filter { $0.status == .accepted }.count <= quantity, "\(context): overfilled")
                let asked = requests.filter { $0.status != .cancelled }.map(\.musicianId)
                #expect(Set(asked).count == asked.count, "\(context): someone asked twice")
                // Learn tokens of requests the engine sent by itself (refills after declines and timeouts).
                let fresh = try f.database.read { db in
                    try OutboxMessage.filter(sql: "id > ? AND type = 'request'", arguments: [lastMessage]).fetchAll(db)
                }
                lastMessage = fresh.last?.id ?? lastMessage
                for message in fresh {
                    if let id = message.requestId, tokens[id] == nil,
                       let token = message.body.components(separatedBy: "/r/").last?.components(separatedBy: "\n").first {
                        tokens[id] = token
                    }
                }
            }
            // Reminders: at most one per request.
            let reminders = try f.database.read { db in
                try Int.fetchAll(db, sql: "SELECT count(*) FROM communicationLog WHERE type = 'reminder' GROUP BY requestId")
            }
            #expect(reminders.allSatisfy { $0 == 1 }, "scenario \(scenario): a reminder sent twice")
        }
    }
}
