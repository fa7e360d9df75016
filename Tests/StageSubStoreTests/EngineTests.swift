import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

/// An orchestra with a violin section: ten musicians qualified for Violin 1 tutti, all on its A list.
struct EngineFixture {
    let appliance: ApplianceFixture
    let gateway: OrchestraGateway
    let database: DatabasePool
    let tutti: Int64
    let list: Int64
    let musicians: [Musician]
    let project: Project
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // a Monday morning in 2026

    init(count: Int = 10, english: Set<Int> = []) throws {
        appliance = try ApplianceFixture()
        _ = try appliance.appliance.createOrchestra(slug: "gso", name: "Göteborgs Symfoniker", adminEmail: "kansli@gso.se")
        database = try appliance.appliance.openOrchestraDatabase("gso")
        gateway = try appliance.appliance.gateway("gso", database: database, answerBaseURL: "https://vikarier.example.org")
        tutti = try gateway.positionId(instrument: "Violin 1", position: "Tutti")
        list = try gateway.rankingList(position: tutti, type: "A")
        var made: [Musician] = []
        for i in 1...count {
            let m = try gateway.createMusician(Musician(firstName: "Musiker\(i)", lastName: "Svensson", email: "m\(i)@example.org",
                                                        preferredLanguage: english.contains(i) ? "en" : "sv", now: Self.start))
            try gateway.setQualifications(musician: m.id!, positions: [tutti])
            made.append(m)
        }
        musicians = made
        try gateway.setRanking(list: list, musicians: made.map { $0.id! })
        project = try gateway.createProject(name: "Mahler 5", startDate: "2026-12-07", rehearsalSchedule: "Mån–tor 10–13",
                                            concertInfo: "Fre 19.30", now: Self.start)
    }

    func need(_ strategy: RequestStrategy, quantity: Int = 1, max: Int? = nil, hours: Int = 24) throws -> ProjectNeed {
        try gateway.createNeed(project: project.id!, position: tutti, quantity: quantity, rankingList: list, strategy: strategy,
                               maxRecipients: max, responseTimeHours: hours, now: Self.start)
    }

    func id(_ index: Int) -> Int64 { musicians[index - 1].id! }
}

@Suite("The request engine")
struct EngineTests {
    @Test("sequential: preview is what send does; a decline asks the next; an accept fills and confirms")
    func sequential() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential)
        let preview = try f.gateway.preview(need: need.id!)
        #expect(preview.ask == [f.id(1)])
        let first = try f.gateway.send(need: need.id!, now: EngineFixture.start)
        #expect(first.plan == preview)
        #expect(first.sent.map(\.musicianId) == [f.id(1)])
        #expect(try f.gateway.send(need: need.id!, now: EngineFixture.start).sent.isEmpty)  // one at a time

        let message = try #require(try f.gateway.outbox().last)
        #expect(message.type == .request && message.recipient == "m1@example.org")
        #expect(message.body.contains("https://vikarier.example.org/r/\(first.sent[0].token)"))
        #expect(message.subject.contains("Tutti") && message.subject.contains("Mahler 5") && message.subject.contains("v. 50"))
        // Only the hash of the token is stored.
        let stored = try f.database.read { db in try String.fetchAll(db, sql: "SELECT tokenHash FROM request") }
        #expect(!stored.contains(first.sent[0].token))

        #expect(try f.gateway.answer(token: first.sent[0].token, accept: false, now: EngineFixture.start.addingTimeInterval(60)) == .declined)
        #expect(try f.gateway.answer(token: first.sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(61)) == .closed(.declined))
        let requests = try f.gateway.requests(need: need.id!)
        #expect(requests.map(\.musicianId) == [f.id(1), f.id(2)])
        #expect(requests.map(\.status) == [.declined, .pending])
        let second = try f.database.read { db in try SubstituteRequest.fetchOne(db, key: requests[1].id) }!
        let token = try #require(try f.gateway.outbox().last?.body.components(separatedBy: "/r/").last?.components(separatedBy: "\n").first)
        #expect(OrchestraGateway.hash(token) == second.tokenHash)
        #expect(try f.gateway.answer(token: token, accept: true, now: EngineFixture.start.addingTimeInterval(120)) == .accepted)
        #expect(try f.gateway.need(need.id!).status == .filled)
        #expect(try f.gateway.outbox().last?.type == .confirmation)
        #expect(try f.gateway.send(need: need.id!, now: EngineFixture.start).plan?.hold == .filled)
    }

    @Test("first come: many simultaneous accepts never exceed the quantity; the others hear the position is filled")
    func firstComeRace() throws {
        let f = try EngineFixture(count: 12)
        let need = try f.need(.firstCome, quantity: 3, max: 10)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(sent.count == 10)
        let outcomes = LockedList<AnswerOutcome>()
        let gateway = f.gateway
        DispatchQueue.concurrentPerform(iterations: sent.count) { i in
            let outcome = (try? gateway.answer(token: sent[i].token, accept: true, now: EngineFixture.start.addingTimeInterval(30))) ?? .unknownToken
            outcomes.append(outcome)
        }
        #expect(outcomes.items.filter { $0 == .accepted }.count == 3)
        #expect(outcomes.items.filter { $0 == .positionFilled || $0 == .closed(.cancelled) }.count == 7)
        let statuses = try f.gateway.requests(need: need.id!).map(\.status)
        #expect(statuses.filter { $0 == .accepted }.count == 3)
        #expect(!statuses.contains(.pending))
        #expect(try f.gateway.need(need.id!).status == .filled)
        #expect(try f.gateway.outbox().filter { $0.type == .confirmation }.count == 3)
    }

    @Test("a reminder once at 75 %, a timeout at the deadline and the next musician asked; running twice does nothing twice")
    func deadlines() throws {
        let f = try EngineFixture()
        let need = try f.need(.parallel, quantity: 2, hours: 24)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(sent.count == 2)
        #expect(try f.gateway.processDue(now: EngineFixture.start.addingTimeInterval(17 * 3600)) == (0, 0))
        #expect(try f.gateway.processDue(now: EngineFixture.start.addingTimeInterval(18 * 3600)) == (2, 0))
        #expect(try f.gateway.processDue(now: EngineFixture.start.addingTimeInterval(18 * 3600 + 5)) == (0, 0))
        #expect(try f.gateway.outbox().filter { $0.type == .reminder }.count == 2)
        // Musician 1 answers in time; musician 2 does not.
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(20 * 3600)) == .accepted)
        let deadline = EngineFixture.start.addingTimeInterval(24 * 3600)
        #expect(try f.gateway.processDue(now: deadline) == (0, 1))
        #expect(try f.gateway.processDue(now: deadline) == (0, 0))
        #expect(try f.gateway.answer(token: sent[1].token, accept: true, now: deadline.addingTimeInterval(1)) == .closed(.timedOut))
        let requests = try f.gateway.requests(need: need.id!)
        #expect(requests.map(\.status) == [.accepted, .timedOut, .pending])
        #expect(requests.last?.musicianId == f.id(3))
    }

    @Test("an answer after the deadline is refused as expired, and the engine moves on")
    func expiredToken() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential, hours: 1)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(3600)) == .expired)
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.timedOut, .pending])
        #expect(try f.gateway.answer(token: "not-a-token", accept: true, now: EngineFixture.start) == .unknownToken)
    }

    @Test("messages follow the musician's language; empty schedules say so")
    func languages() throws {
        let f = try EngineFixture(english: [1])
        let need = try f.need(.parallel, quantity: 2)
        _ = try f.gateway.send(need: need.id!, now: EngineFixture.start)
        let messages = try f.gateway.outbox()
        #expect(messages[0].subject.hasPrefix("Request: Tutti, First violin in Mahler 5"))
        #expect(messages[1].subject.hasPrefix("Förfrågan: Tutti, Violin 1 i Mahler 5"))
        #expect(messages[0].body.contains("Hello Musiker1"))
        #expect(messages[1].body.contains("Göteborgs Symfoniker"))
    }

    @Test("pause stops new requests; resume asks again; a withdrawal reopens a filled need")
    func pauseResumeWithdraw() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential)
        let first = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent[0]
        _ = try f.gateway.setNeedPaused(true, need: need.id!, now: EngineFixture.start)
        #expect(try f.gateway.answer(token: first.token, accept: false, now: EngineFixture.start.addingTimeInterval(10)) == .declined)
        #expect(try f.gateway.requests(need: need.id!).count == 1)  // paused: nobody new
        let resumed = try f.gateway.setNeedPaused(false, need: need.id!, now: EngineFixture.start.addingTimeInterval(20))
        #expect(resumed.sent.map(\.musicianId) == [f.id(2)])
        #expect(try f.gateway.answer(token: resumed.sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(30)) == .accepted)
        let accepted = try #require(try f.gateway.requests(need: need.id!).last)
        let reopened = try f.gateway.recordWithdrawal(request: accepted.id!, now: EngineFixture.start.addingTimeInterval(40))
        #expect(reopened.sent.map(\.musicianId) == [f.id(3)])
        #expect(try f.gateway.need(need.id!).status == .active)
    }

    @Test("a duplicate email or phone is refused, naming the musician who has it")
    func duplicates() throws {
        let f = try EngineFixture(count: 2)
        let error = #expect(throws: StoreError.self) {
            try f.gateway.createMusician(Musician(firstName: "Ny", lastName: "Person", email: "M1@example.org", now: .now))
        }
        #expect(error?.message.contains("Musiker1 Svensson") == true)
        _ = try f.gateway.createMusician(Musician(firstName: "A", lastName: "B", email: "ab@example.org", phone: "070-1234567", now: .now))
        let phone = #expect(throws: StoreError.self) {
            try f.gateway.createMusician(Musician(firstName: "C", lastName: "D", email: "cd@example.org", phone: "070-1234567", now: .now))
        }
        #expect(phone?.message.contains("A B") == true)
    }

    @Test("needs with impossible settings are refused with what to fix")
    func needValidation() throws {
        let f = try EngineFixture(count: 2)
        #expect((#expect(throws: StoreError.self) { try f.need(.firstCome, quantity: 3, max: 2) })?.message.contains("maxRecipients") == true)
        #expect(throws: StoreError.self) { try f.need(.sequential, quantity: 0) }
        #expect(throws: StoreError.self) { try f.need(.parallel, max: 3) }
    }
}

final class LockedList<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T] = []
    var items: [T] { lock.withLock { values } }
    func append(_ value: T) { lock.withLock { values.append(value) } }
}

@Suite("The engine's settings")
struct EngineSettingsTests {
    @Test("quiet hours move deadlines and reminders out of the night")
    func quietHours() throws {
        let f = try EngineFixture()
        try f.gateway.setSetting("quietHoursStart", "21:00")
        try f.gateway.setSetting("quietHoursEnd", "08:00")
        let need = try f.need(.sequential, hours: 4)
        // 20:00 Stockholm time on a Monday in December (UTC+1).
        let evening = Date(timeIntervalSince1970: 1_796_065_200)  // 2026-12-01 19:00 UTC
        _ = try f.gateway.send(need: need.id!, now: evening)
        let request = try #require(try f.gateway.requests(need: need.id!).first)
        // 1 hour before 21:00, 3 more from 08:00: 11:00 local = 10:00 UTC the next day.
        #expect(request.deadlineAt == evening.addingTimeInterval(15 * 3600))
        // 75 % of 4 hours = 3 counted hours: 10:00 local.
        #expect(request.reminderDueAt == evening.addingTimeInterval(14 * 3600))
        #expect(throws: StoreError.self) { try f.gateway.setSetting("quietHoursStart", "25:00") }
        #expect(throws: StoreError.self) { try f.gateway.setSetting("reminderPercentage", "95") }
    }

    @Test("conflicts with an overlapping project: warn asks and records it; skip passes the musician over")
    func conflicts() throws {
        let f = try EngineFixture(count: 3)
        let other = try f.gateway.createProject(name: "Julkonsert", startDate: "2026-12-09", endDate: "2026-12-10", now: EngineFixture.start)
        let otherNeed = try f.gateway.createNeed(project: other.id!, position: f.tutti, quantity: 1, rankingList: f.list,
                                                  strategy: .sequential, now: EngineFixture.start)
        _ = try f.gateway.send(need: otherNeed.id!, now: EngineFixture.start)  // musician 1 pending in the other project
        let need = try f.need(.parallel, quantity: 2)
        let warned = try f.gateway.preview(need: need.id!)
        #expect(warned.ask == [f.id(1), f.id(2)])
        #expect(warned.conflictWarnings[f.id(1)] == other.id)
        try f.gateway.setSetting("conflictPolicy", "skip")
        let skipped = try f.gateway.preview(need: need.id!)
        #expect(skipped.ask == [f.id(2), f.id(3)])
        #expect(skipped.passed.first?.reason == .conflict(projectId: other.id!))
        try f.gateway.setSetting("conflictPolicy", "warn")
        _ = try f.gateway.send(need: need.id!, now: EngineFixture.start)
        #expect(try f.gateway.requests(need: need.id!).first?.conflictProjectId == other.id)
    }
}

@Suite("The demo orchestra")
struct DemoTests {
    @Test("about 150 musicians, lists for every position, and needs in every state")
    func demo() throws {
        let fixture = try ApplianceFixture()
        let summary = try DemoOrchestra.create(on: fixture.appliance, adminPassword: "demo password 1")
        #expect((140...160).contains(summary.musicians))
        let db = try fixture.appliance.openOrchestraDatabase("demo")
        defer { try? SealedDatabase.close(db) }
        try db.read { db in
            let positions = try Int.fetchOne(db, sql: "SELECT count(*) FROM position") ?? 0
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rankingList") == positions * 3)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rankingList l WHERE listType = 'A' AND NOT EXISTS (SELECT 1 FROM ranking r WHERE r.listId = l.id)") == 0)
            let states = try String.fetchAll(db, sql: """
                SELECT CASE WHEN n.status <> 'active' THEN n.status
                            WHEN NOT EXISTS (SELECT 1 FROM request r WHERE r.needId = n.id) THEN 'draft'
                            WHEN (SELECT count(*) FROM request r WHERE r.needId = n.id AND r.status = 'accepted') > 0 THEN 'partly filled'
                            ELSE 'sending' END FROM projectNeed n
                """)
            for state in ["draft", "sending", "partly filled", "filled", "paused"] {
                #expect(states.contains(state), "no need is \(state)")
            }
            #expect(try Int.fetchOne(db, sql: "SELECT count(DISTINCT lastName) FROM musician") ?? 0 > 20)
        }
        // Same seed, same demo.
        let other = try ApplianceFixture()
        _ = try DemoOrchestra.create(on: other.appliance, adminPassword: "demo password 1")
        let names = { (a: Appliance) in try a.query("SELECT firstName || ' ' || lastName FROM musician ORDER BY id", orchestra: "demo").rows }
        #expect(try names(fixture.appliance) == names(other.appliance))
    }
}

@Suite("Booking, custom lists and plan limits")
struct BookingAndLimitsTests {
    @Test("booking directly confirms without asking, counts toward the quantity, withdraws the request beyond the places left, and fills the need")
    func bookDirectly() throws {
        let f = try EngineFixture()
        let need = try f.need(.parallel, quantity: 2)
        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        #expect(sent.count == 2)
        try f.gateway.bookDirectly(need: need.id!, musician: f.id(5), now: EngineFixture.start)
        // One place left and two musicians asked: the newer request is withdrawn, and its musician told so
        // (not, later, "the position is filled" after accepting as asked).
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.pending, .cancelled, .accepted])
        let withdrawn = try f.gateway.outbox().filter { $0.type == .requestWithdrawn }
        #expect(withdrawn.map(\.recipient) == ["m2@example.org"])
        #expect(withdrawn.first?.subject.contains("återkallad") == true)
        #expect((#expect(throws: StoreError.self) { try f.gateway.bookDirectly(need: need.id!, musician: f.id(1), now: EngineFixture.start) })?.code == .conflict)
        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start) == .accepted)
        #expect(try f.gateway.need(need.id!).status == .filled)
        #expect(try f.gateway.requests(need: need.id!).map(\.status) == [.accepted, .cancelled, .accepted])
        #expect(try f.gateway.outbox().filter { $0.type == .confirmation }.count == 2)
        #expect(try f.gateway.outbox().filter { $0.type == .positionFilled }.isEmpty)
        let stats = try f.gateway.statistics()
        #expect(stats.needsFilledWithDirectBooking == 1 && stats.medianHoursToFill == nil)
        #expect(stats.musicians.first { $0.musicianId == f.id(5) }?.bookedDirectly == 1)
        #expect(stats.musicians.first { $0.musicianId == f.id(5) }?.requests == 0)
    }

    @Test("a custom list of the project is asked in its own order")
    func customList() throws {
        let f = try EngineFixture()
        let list = try f.gateway.createCustomList(project: f.project.id!, position: f.tutti, name: "Mahler-listan",
                                                  musicians: [f.id(9), f.id(4), f.id(1)])
        let need = try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 2, customList: list,
                                            strategy: .parallel, now: EngineFixture.start)
        #expect(try f.gateway.preview(need: need.id!).ask == [f.id(9), f.id(4)])
        #expect(throws: StoreError.self) {
            try f.gateway.createNeed(project: f.project.id!, position: f.tutti, quantity: 1, rankingList: f.list, customList: list,
                                     strategy: .parallel, now: EngineFixture.start)
        }
    }

    @Test("the plan's limits on musicians and projects are enforced with a clear message")
    func limits() throws {
        let f = try EngineFixture(count: 3)
        let limited = OrchestraGateway(database: f.database, orchestraName: "GSO", answerBaseURL: "x", limits: (3, 1))
        let error = #expect(throws: StoreError.self) {
            try limited.createMusician(Musician(firstName: "Fjärde", lastName: "Person", email: "fourth@example.org", now: .now))
        }
        #expect(error?.code == .limitReached)
        #expect(error?.message.contains("allows 3 musicians") == true)
        try limited.setArchived(true, musician: f.id(1), now: .now)
        _ = try limited.createMusician(Musician(firstName: "Fjärde", lastName: "Person", email: "fourth@example.org", now: .now))
        #expect((#expect(throws: StoreError.self) { try limited.createProject(name: "Två", startDate: "2027-01-01", now: .now) })?.code == .limitReached)
    }
}

@Suite("The background service")
struct DueWorkServiceTests {
    @Test("one pass acts on every active orchestra's due work once; a restarted service repeats nothing; suspended orchestras wait")
    func passes() async throws {
        let f = try EngineFixture()
        let app = f.appliance.appliance
        // A second orchestra with its own pending request.
        _ = try app.createOrchestra(slug: "mso", name: "MSO", adminEmail: "kansli@mso.se")
        let msoDb = try app.openOrchestraDatabase("mso")
        let mso = try app.gateway("mso", database: msoDb, answerBaseURL: "https://x")
        let position = try mso.positionId(instrument: "Cello", position: "Tutti")
        let player = try mso.createMusician(Musician(firstName: "Cellist", lastName: "Ek", email: "c@example.org", now: EngineFixture.start))
        try mso.setQualifications(musician: player.id!, positions: [position])
        let list = try mso.rankingList(position: position, type: "A")
        try mso.setRanking(list: list, musicians: [player.id!])
        let project = try mso.createProject(name: "Brahms", startDate: "2026-12-14", now: EngineFixture.start)
        let msoNeed = try mso.createNeed(project: project.id!, position: position, quantity: 1, rankingList: list, strategy: .sequential,
                                         responseTimeHours: 10, now: EngineFixture.start)
        _ = try mso.send(need: msoNeed.id!, now: EngineFixture.start)
        let gsoNeed = try f.need(.sequential, hours: 10)
        _ = try f.gateway.send(need: gsoNeed.id!, now: EngineFixture.start)

        let clock = ManualClock(EngineFixture.start)
        let pool = OrchestraPool(appliance: app, maximumOpen: 4)
        let service = DueWorkService(pool: pool, clock: clock, answerBaseURL: "https://x")
        #expect(service.processAll() == .init(orchestras: 2, reminders: 0, timeouts: 0))
        clock.advance(by: 7.5 * 3600)
        #expect(service.processAll() == .init(orchestras: 2, reminders: 2, timeouts: 0))
        let restarted = DueWorkService(pool: OrchestraPool(appliance: app), clock: clock, answerBaseURL: "https://x")
        #expect(restarted.processAll() == .init(orchestras: 2, reminders: 0, timeouts: 0))
        try app.suspendOrchestra("mso")
        clock.advance(by: 2.5 * 3600)
        #expect(restarted.processAll() == .init(orchestras: 1, reminders: 0, timeouts: 1))
        try app.resumeOrchestra("mso")
        #expect(restarted.processAll() == .init(orchestras: 2, reminders: 0, timeouts: 1))
        #expect(try mso.requests(need: msoNeed.id!).map(\.status) == [.timedOut])  // nobody left to ask

        // Running as a service: it works until cancelled.
        clock.advance(by: 11 * 3600)
        let running = Task { try await DueWorkService(pool: pool, clock: clock, interval: .milliseconds(20), answerBaseURL: "https://x").run() }
        for _ in 0..<200 where try f.gateway.requests(need: gsoNeed.id!).count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        _ = await running.result
        #expect(try f.gateway.requests(need: gsoNeed.id!).map(\.status).prefix(2) == [.timedOut, .timedOut])
        try SealedDatabase.close(msoDb)
    }
}

@Suite("Importing musicians")
struct ImportTests {
    @Test("a dry run reports and changes nothing; a good file is imported whole; one bad row stops everything")
    func importAllOrNothing() throws {
        let f = try EngineFixture(count: 2)
        let good = Data("Förnamn;Efternamn;E-post;Telefon;Språk\nÅsa;Öberg;asa@example.se;070-111;english\nNils;Ek;nils@example.se;;\n".utf8)
        let dry = try f.gateway.importMusicians(good, dryRun: true, now: .now)
        #expect(dry.musicians == 2 && !dry.committed && dry.issues.isEmpty)
        #expect(try f.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM musician") } == 2)

        let bad = Data("Förnamn;Efternamn;E-post;Telefon\nÅsa;Öberg;asa@example.se;070-111\nKarl;Berg;m1@example.org;\nEva;Ek;eva@example.se;070-111\n".utf8)
        let refused = try f.gateway.importMusicians(bad, dryRun: false, now: .now)
        #expect(!refused.committed)
        #expect(refused.issues.map(\.line) == [3, 4])
        #expect(refused.issues[0].message.contains("Musiker1 Svensson"))
        #expect(refused.issues[1].message.contains("also on line 2"))
        #expect(try f.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM musician") } == 2)

        let done = try f.gateway.importMusicians(good, dryRun: false, now: .now)
        #expect(done.committed && done.musicians == 2)
        let asa = try f.database.read { db in try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE email = 'asa@example.se'") }
        #expect(asa?.firstName == "Åsa" && asa?.preferredLanguage == "en" && asa?.phone == "070-111")
    }
}

@Suite("Statistics")
struct StatisticsTests {
    @Test("needs open and filled, time to fill, and each musician's answers with acceptance rate and median response")
    func figures() throws {
        let f = try EngineFixture()
        let need = try f.need(.sequential)
        let first = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent[0]
        _ = try f.gateway.answer(token: first.token, accept: false, now: EngineFixture.start.addingTimeInterval(2 * 3600))
        let second = try #require(try f.gateway.outbox().last?.body.components(separatedBy: "/r/").last?.components(separatedBy: "\n").first)
        _ = try f.gateway.answer(token: second, accept: true, now: EngineFixture.start.addingTimeInterval(6 * 3600))
        _ = try f.need(.parallel, quantity: 2)
        let stats = try f.gateway.statistics()
        #expect(stats.needsFilled == 1 && stats.needsOpen == 1)
        #expect(stats.medianHoursToFill == 6)
        let one = try #require(stats.musicians.first { $0.musicianId == f.id(1) })
        #expect(one.requests == 1 && one.declined == 1 && one.acceptanceRate == 0 && one.medianResponseHours == 2)
        let two = try #require(stats.musicians.first { $0.musicianId == f.id(2) })
        #expect(two.accepted == 1 && two.acceptanceRate == 1 && two.medianResponseHours == 4)
    }
}
