import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("The engine through the API: lists of a fresh orchestra, refusals in plain words, the demo clock")
struct EngineAPITests {
    @Test("a fresh orchestra (not the demo) ranks musicians on its A list and fills a need through the API")
    func freshOrchestraFillsANeed() async throws {
        let fixture = try Fixture()
        _ = try fixture.appliance.createOrchestra(slug: "gamma", name: "Gamma Kammarorkester", adminEmail: "admin@gamma.test",
                                                  adminUsername: "gamma-admin", adminPassword: Fixture.password)
        try await fixture.test { client in
            let admin = try await client.login("gamma-admin")
            let instruments = try await client.call(.get, "/api/v1/instruments", as: admin)
            let sections = try #require(instruments.objects)
            let cello = try #require(sections.first { ($0["instrument"] as? [String: Any])?["nameEn"] as? String == "Cello" })
            let tutti = try #require((cello["positions"] as? [[String: Any]])?.first { $0["nameEn"] as? String == "Tutti" }?["id"] as? Int)
            var musicians: [Int] = []
            for i in 1...3 {
                let made = try await client.call(.post, "/api/v1/musicians", as: admin, json: """
                    {"firstName":"Cellist\(i)","lastName":"Ek","email":"c\(i)@gamma.test","positionIds":[\(tutti)]}
                    """)
                #expect(made.status == 201, "\(made.text)")
                musicians.append(try #require(made.json?["id"] as? Int))
            }
            let lists = try #require(try await client.call(.get, "/api/v1/positions/\(tutti)/lists", as: admin).objects)
            #expect(lists.compactMap { $0["listType"] as? String } == ["A", "B", "C"])
            let listA = try #require(lists.first?["id"] as? Int)
            let added = try await client.call(.post, "/api/v1/lists/\(listA)/musicians", as: admin, json: #"{"ids":[\#(musicians[2]),\#(musicians[0])]}"#)
            #expect(added.status == 200 && added.json?["musicianIds"] as? [Int] == [musicians[2], musicians[0]], "\(added.text)")
            let reordered = try await client.call(.put, "/api/v1/lists/\(listA)/order", as: admin, json: #"{"ids":[\#(musicians[0]),\#(musicians[2])]}"#)
            #expect(reordered.json?["musicianIds"] as? [Int] == [musicians[0], musicians[2]])

            let project = try await client.call(.post, "/api/v1/projects", as: admin, json: #"{"name":"Haydn","startDate":"2027-03-01"}"#)
            let projectId = try #require(project.json?["id"] as? Int)
            let need = try await client.call(.post, "/api/v1/projects/\(projectId)/needs", as: admin,
                                             json: #"{"positionId":\#(tutti),"quantity":1,"rankingListId":\#(listA),"strategy":"sequential"}"#)
            let needId = try #require(need.json?["id"] as? Int)
            let sent = try await client.call(.post, "/api/v1/needs/\(needId)/send", as: admin)
            #expect((sent.json?["sent"] as? [[String: Any]])?.first?["musicianId"] as? Int == musicians[0])
            let link = try await FlowTests.link(to: "c1@gamma.test", client: client, as: admin)
            let answered = try await client.call(.post, link, body: "answer=accept")
            #expect(answered.status == 200 || answered.status == 303, "\(answered.status)")
            let filled = try await client.call(.get, "/api/v1/needs/\(needId)", as: admin)
            #expect(filled.json?["status"] as? String == "filled")
            // The list is in use by no open need now, so it may be cleared, but only when confirmed.
            let unconfirmed = try await client.call(.post, "/api/v1/lists/\(listA)/clear", as: admin, json: #"{}"#)
            #expect(unconfirmed.status == 400 && unconfirmed.text.contains("confirm"))
            let cleared = try await client.call(.post, "/api/v1/lists/\(listA)/clear", as: admin, json: #"{"confirm":true}"#)
            #expect(cleared.status == 200 && cleared.json?["musicianIds"] as? [Int] == [])
        }
    }

    @Test("refusals name the field or id to fix and never carry SQLite's words")
    func refusalsInPlainWords() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let list = fixture.alpha.list, position = fixture.alpha.position
            var replies: [Reply] = []
            replies.append(try await client.call(.post, "/api/v1/lists/\(list)/musicians", as: user, json: #"{"ids":[987654]}"#))
            replies.append(try await client.call(.put, "/api/v1/lists/\(list)", as: user, json: #"{"ids":[987654]}"#))
            replies.append(try await client.call(.post, "/api/v1/projects/\(fixture.alpha.project)/custom-lists", as: user,
                                                 json: #"{"positionId":\#(position),"name":"x","musicianIds":[987654]}"#))
            for reply in replies {
                #expect(reply.status == 400 && reply.text.contains("987654"), "\(reply.status) \(reply.text)")
            }
            replies.append(try await client.call(.post, "/api/v1/needs/\(fixture.alpha.need)/book", as: user, json: #"{"musicianId":987654}"#))
            replies.append(try await client.call(.post, "/api/v1/needs/\(fixture.alpha.need)/resume", as: user))
            #expect(replies.last?.status == 409 && replies.last?.text.contains("not paused") == true)
            replies.append(try await client.call(.post, "/api/v1/musicians", as: user, json: #"{"firstName":"A","lastName":"B","email":"anna1@alpha.test"}"#))
            replies.append(try await client.call(.post, "/api/v1/projects/\(fixture.alpha.project)/needs", as: user,
                                                 json: #"{"positionId":\#(position),"quantity":1,"rankingListId":999999,"strategy":"parallel"}"#))
            let huge = try await client.call(.post, "/api/v1/projects/\(fixture.alpha.project)/needs", as: user,
                                             json: #"{"positionId":\#(position),"quantity":1,"rankingListId":\#(list),"strategy":"parallel","responseTimeHours":71000000}"#)
            #expect(huge.status == 400 && huge.text.contains("responseTimeHours"), "\(huge.text)")
            for reply in replies {
                #expect(reply.status < 500, "\(reply.status) \(reply.text)")
                for word in ["constraint", "sqlite", "foreign key"] {
                    #expect(!reply.text.lowercased().contains(word), "\(reply.text)")
                }
            }
            // A musician with a position that does not exist is refused whole: nobody half-made on the roster.
            let halfMade = try await client.call(.post, "/api/v1/musicians", as: user,
                                                 json: #"{"firstName":"Ulla","lastName":"Ek","email":"ulla@alpha.test","positionIds":[424242]}"#)
            #expect(halfMade.status == 400 && halfMade.text.contains("positionIds") && halfMade.text.contains("424242"), "\(halfMade.text)")
            let found = try await client.call(.get, "/api/v1/musicians?search=ulla", as: user)
            #expect(found.json?["total"] as? Int == 0)
            let csv = "Förnamn;Efternamn;E-post;Lokalt boende;Skostorlek\nEva;Ek;eva@alpha.test;ja;42\n"
            let dry = try await client.call(.post, "/api/v1/musicians/import?dryRun=true", as: user, json: csv, contentType: "text/csv")
            #expect(dry.status == 200 && dry.json?["ignoredColumns"] as? [String] == ["Skostorlek"], "\(dry.text)")
            let done = try await client.call(.post, "/api/v1/musicians/import", as: user, json: csv, contentType: "text/csv")
            #expect(done.json?["committed"] as? Bool == true)
            let eva = try #require(try fixture.appliance.query("SELECT localResidence FROM musician WHERE email = 'eva@alpha.test'", orchestra: "alpha").rows.first)
            #expect(eva.first == "1")
        }
    }

    @Test("the demo clock moves forward on request, acts on what fell due at once, says so on every answer and survives a restart")
    func demoClock() async throws {
        let plain = try Fixture()
        try await plain.test { client in
            let admin = try await client.login("alpha-admin")
            let reply = try await client.call(.post, "/api/v1/demo/clock", as: admin, json: #"{"advanceHours":1}"#)
            #expect(reply.status == 404)  // there is no demo clock without --demo
        }
        let fixture = try Fixture(demo: true)
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            #expect(try await client.call(.post, "/api/v1/demo/clock", as: user, json: #"{"advanceHours":1}"#).status == 403)
            let admin = try await client.login("alpha-admin")
            #expect(try await client.call(.get, "/healthz").headers[HTTPField.Name("X-StageSub-Demo-Clock")!] == nil)
            let tooFar = try await client.call(.post, "/api/v1/demo/clock", as: admin, json: #"{"advanceHours":100000}"#)
            #expect(tooFar.status == 400 && tooFar.text.contains("advanceHours"))
            // alpha's request has 48 hours to answer: its reminder is due at 36.
            let moved = try await client.call(.post, "/api/v1/demo/clock", as: admin, json: #"{"advanceHours":37}"#)
            #expect(moved.status == 200 && moved.json?["offsetHours"] as? Double == 37, "\(moved.text)")
            let outbox = try await client.call(.get, "/api/v1/outbox?limit=100", as: admin)
            #expect(outbox.headers[HTTPField.Name("X-StageSub-Demo-Clock")!]?.hasPrefix("+37h") == true)
            let types = (outbox.json?["items"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(types.contains("reminder"))
            // Past the deadline the request times out and the next musician is asked, at once.
            _ = try await client.call(.post, "/api/v1/demo/clock", as: admin, json: #"{"advanceHours":12}"#)
            let requests = try await client.call(.get, "/api/v1/needs/\(fixture.alpha.need)/requests", as: admin)
            let statuses = (requests.objects ?? []).compactMap { $0["status"] as? String }
            #expect(statuses.contains("timed_out") && statuses.contains("pending"), "\(statuses)")
        }
        let restarted = ServerState(appliance: fixture.appliance, configuration: fixture.state.configuration, clock: fixture.clock)
        #expect(restarted.demoClock.map { Int($0.offsetSeconds) } == 49 * 3600)
        #expect(restarted.clock.now() == fixture.clock.now().addingTimeInterval(49 * 3600))
    }

    @Test("a stored row that cannot be read answers 500 with a request id for that page only; the server and the pass go on")
    func unreadableRowDoesNotStopTheAppliance() async throws {
        let fixture = try Fixture()
        let database = try fixture.state.pool.database("alpha")
        try await database.write { db in
            try db.execute(sql: "UPDATE request SET deadlineAt = '+71000000-01-01 00:00:00.000' WHERE id = ?", arguments: [fixture.alpha.request])
        }
        try await fixture.test { client in
            let page = try await client.call(.get, "/r/\(fixture.alphaTokens[0])")
            #expect(page.status == 500)
            let requestId = try #require(page.headers[HTTPField.Name("X-Request-Id")!])
            #expect(page.text.contains(requestId))
            #expect(try await client.call(.get, "/healthz").status == 200)
            let user = try await client.login("beta-user")
            #expect(try await client.call(.get, "/api/v1/projects", as: user).status == 200)
        }
        let pass = fixture.state.dueWorkService().processAll()
        #expect(pass.orchestras == 2)  // alpha's pass went on around the row, beta's too
        #expect(pass.failures.contains { $0.hasPrefix("alpha") && $0.contains("\(fixture.alpha.request)") })
    }
}
