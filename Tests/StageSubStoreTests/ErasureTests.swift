import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

@Suite("GDPR: export and erasure keep the statistics and leave no trace of the person")
struct ErasureTests {
    /// Every text and blob value in every table of the orchestra database, as SQL reads it.
    static func everything(_ database: DatabasePool) throws -> String {
        try database.read { db in
            var out = ""
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for value in row.databaseValues {
                        if let text = String.fromDatabaseValue(value) { out += text + "\n" }
                    }
                }
            }
            return out
        }
    }

    @Test("an erased musician's name, email, phone, notes and blackout note are nowhere in the database; requests and statistics stay")
    func eraseLeavesNoTrace() throws {
        let f = try EngineFixture(count: 3)
        var person = try f.gateway.musician(f.id(1))
        person.firstName = "Ingeborg"
        person.lastName = "Qvarnström"
        person.email = "ingeborg.qvarnstrom@example.org"
        person.phone = "+46 70 555 12 34"
        person.notes = "Föredrar att spela tutti"
        try f.gateway.updateMusician(person, now: EngineFixture.start)
        _ = try f.gateway.addBlackout(musician: f.id(1), startDate: "2027-03-01", endDate: "2027-03-05", note: "Ingeborgs bröllop", now: EngineFixture.start)
        _ = try f.gateway.issueLink(musician: f.id(1), purpose: .page, now: EngineFixture.start)
        let filled = try f.need(.sequential)
        let first = try f.gateway.send(need: filled.id!, now: EngineFixture.start)
        _ = try f.gateway.answer(token: first.sent[0].token, accept: true, now: EngineFixture.start)  // booked: a confirmation too
        let pendingNeed = try f.gateway.createNeed(project: try f.gateway.createProject(name: "Sibelius 2", startDate: "2027-02-01", now: EngineFixture.start).id!,
                                                   position: f.tutti, quantity: 1, rankingList: f.list, strategy: .sequential, now: EngineFixture.start)
        _ = try f.gateway.send(need: pendingNeed.id!, now: EngineFixture.start)
        let export = try f.gateway.export(musician: f.id(1), now: EngineFixture.start)
        #expect(export.requests.count == 2 && export.blackouts.count == 1 && export.messages.count >= 3 && export.links.count == 1)
        #expect(!export.messages.contains { $0.body.contains("/r/") }, "links are redacted in an export")
        let before = try f.gateway.statistics()

        try f.gateway.erase(musician: f.id(1), now: EngineFixture.start.addingTimeInterval(60))
        let dump = try Self.everything(f.database)
        // The same through what `stagesub sql` runs: its own read-only connection to the sealed file.
        let appliance = f.appliance.appliance
        var seen = ""
        for table in try appliance.query("SELECT name FROM sqlite_master WHERE type = 'table'", orchestra: "gso").rows.compactMap({ $0.first ?? nil }) {
            for row in try appliance.query("SELECT * FROM \"\(table)\"", orchestra: "gso").rows { seen += row.compactMap { $0 }.joined(separator: "\n") + "\n" }
        }
        #expect(seen.contains("@erased.invalid"), "stagesub sql reads the erased row")
        for trace in ["Ingeborg", "Qvarnström", "ingeborg.qvarnstrom", "555 12 34", "Föredrar", "bröllop"] {
            #expect(!dump.contains(trace), "\(trace) is still in the database")
            #expect(!seen.contains(trace), "\(trace) is still there for stagesub sql")
        }
        let after = try f.gateway.statistics()
        #expect(after.needsFilled == before.needsFilled && after.acceptanceRate == before.acceptanceRate)
        // Every request counted before still counts (plus the one that replaced the withdrawn request), the erased one's acceptance included.
        let totalBefore: Int = before.musicians.map(\.requests).reduce(0, +)
        let totalAfter: Int = after.musicians.map(\.requests).reduce(0, +)
        #expect(totalAfter == totalBefore + 1)
        let erasedFigures = after.musicians.first { $0.musicianId == f.id(1) }
        #expect(erasedFigures?.accepted == 1)
        // The pending request was withdrawn and the next musician asked instead; the booking stays.
        let sibelius = try f.gateway.requests(need: pendingNeed.id!)
        #expect(sibelius.map(\.status) == [.cancelled, .pending] && sibelius.last?.musicianId == f.id(2))
        #expect(try f.gateway.requests(need: filled.id!).first?.status == .accepted)
        let erased = try f.gateway.musician(f.id(1))
        #expect(erased.erasedAt != nil && erased.isArchived && erased.fullName == "Erased musician \(f.id(1))")
        #expect(try f.gateway.ranking(list: f.list) == [f.id(2), f.id(3)], "the list closes up")
        #expect { try f.gateway.erase(musician: f.id(1), now: EngineFixture.start) } throws: { ($0 as? StoreError)?.code == .conflict }
    }

    @Test("the retention rule erases only musicians inactive for the set years, and the audit log names the rule")
    func retention() throws {
        let f = try EngineFixture(count: 3)
        let need = try f.need(.sequential)
        _ = try f.gateway.send(need: need.id!, now: EngineFixture.start)  // musician 1 is asked: active
        let later = EngineFixture.start.addingTimeInterval(3 * 365.25 * 86_400 + 86_400)
        #expect(try f.gateway.eraseInactive(now: later).isEmpty, "off by default")
        try f.gateway.setSetting("retentionYears", "3")
        #expect(throws: StoreError.self) { try f.gateway.setSetting("retentionYears", "-1") }
        // Musician 1's request is still pending, so they are not inactive; 2 and 3 were never asked.
        #expect(try f.gateway.eraseInactive(now: later) == [f.id(2), f.id(3)])
        let audit = try f.gateway.auditLog(AuditFilter(), limit: 10, offset: 0).items
        #expect(audit.count == 2 && audit.allSatisfy { $0.actorKind == .system && $0.actorName == "retention rule" })
    }
}
