import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("Answer pages, the whole request flow, bad input, health")
struct FlowTests {
    /// The answer link in the newest outbox message to this address.
    static func link(to email: String, client: Client, as credentials: Credentials) async throws -> String {
        let outbox = try await client.call(.get, "/api/v1/outbox?limit=100", as: credentials)
        let items = try #require(outbox.json?["items"] as? [[String: Any]])
        let body = try #require(items.first { $0["recipient"] as? String == email && $0["type"] as? String == "request" }?["body"] as? String)
        let start = try #require(body.range(of: "http://stagesub.test/r/"))
        return "/r/" + body[start.upperBound...].prefix { !$0.isWhitespace }
    }

    @Test("A personnel manager drives the flow through the API; musicians answer on the pages; first come fills once")
    func wholeFlow() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let manager = try await client.login("alpha-user")
            let project = try await client.call(.post, "/api/v1/projects", as: manager,
                                                json: #"{"name":"Mahler 5","startDate":"2027-05-03","endDate":"2027-05-06","rehearsalSchedule":"Mån 10–13"}"#)
            #expect(project.status == 201)
            let projectId = try #require(project.json?["id"] as? Int)
            let need = try await client.call(.post, "/api/v1/projects/\(projectId)/needs", as: manager,
                                             json: #"{"positionId":\#(fixture.alpha.position),"quantity":1,"rankingListId":\#(fixture.alpha.list),"strategy":"first_come","responseTimeHours":24}"#)
            #expect(need.status == 201, "\(need.text)")
            let needId = try #require(need.json?["id"] as? Int)
            // Preview says who; send asks exactly them.
            let preview = try await client.call(.get, "/api/v1/needs/\(needId)/preview", as: manager)
            let asked = (preview.json?["ask"] as? [[String: Any]] ?? []).compactMap { $0["musicianId"] as? Int }
            #expect(!asked.isEmpty)
            let sent = try await client.call(.post, "/api/v1/needs/\(needId)/send", as: manager)
            #expect((sent.json?["sent"] as? [[String: Any]] ?? []).compactMap { $0["musicianId"] as? Int } == asked)

            // A score goes with the request, the rehearsal plan only with the confirmation.
            let score = try await client.call(.post, "/api/v1/projects/\(projectId)/files?name=score.pdf&sendWith=request", as: manager,
                                              json: "%PDF-score", contentType: "application/pdf")
            #expect(score.status == 201, "\(score.text)")
            let plan = try await client.call(.post, "/api/v1/projects/\(projectId)/files?name=plan.txt&sendWith=confirmation&needId=\(needId)",
                                             as: manager, json: "rehearsal plan", contentType: "text/plain")
            let scoreId = try #require(score.json?["id"] as? Int), planId = try #require(plan.json?["id"] as? Int)
            // Two musicians got links. Looking changes nothing.
            let emails = try await client.call(.get, "/api/v1/needs/\(needId)/requests", as: manager)
            #expect((emails.array?.count ?? 0) == asked.count)
            let first = try await Self.link(to: "anna2@alpha.test", client: client, as: manager)
            let second = try await Self.link(to: "anna3@alpha.test", client: client, as: manager)
            let outboxBefore = try await client.call(.get, "/api/v1/outbox", as: manager).json?["total"] as? Int
            let page = try await client.call(.get, first)
            #expect(page.status == 200 && page.text.contains("Mahler 5") && page.text.contains("Svara senast") && page.text.contains("Mån 10–13"))
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("score.pdf") && !page.text.contains("plan.txt"))
            #expect(try await client.call(.get, first + "/files/\(scoreId)").text == "%PDF-score")
            #expect(try await client.call(.get, first + "/files/\(planId)").status == 404)
            let head = try await client.call(.head, first)
            #expect(head.status == 200 && head.text.isEmpty)
            #expect(try await client.call(.get, "/api/v1/outbox", as: manager).json?["total"] as? Int == outboxBefore)
            #expect(try await client.call(.get, "/api/v1/needs/\(needId)", as: manager).json?["status"] as? String == "active")

            // The first to accept is booked; a second POST answers nothing new; the other is told it is filled.
            let accepted = try await client.call(.post, first, body: "answer=accept")
            #expect(accepted.status == 200 && accepted.text.contains("du är bokad") && accepted.text.contains("calendar.ics"))
            let again = try await client.call(.post, first, body: "answer=decline")
            #expect(again.status == 409 && again.text.contains("redan tackat ja"))
            let late = try await client.call(.post, second, body: "answer=accept")
            #expect(late.text.contains("redan tillsatt"))
            #expect(try await client.call(.get, "/api/v1/needs/\(needId)", as: manager).json?["status"] as? String == "filled")
            let ics = try await client.call(.get, first + "/calendar.ics")
            #expect(ics.status == 200 && ics.text.contains("BEGIN:VCALENDAR") && ics.text.contains("DTSTART;VALUE=DATE:20270503")
                    && ics.text.contains("DTEND;VALUE=DATE:20270507"))
            #expect(try await client.call(.get, second + "/calendar.ics").status == 404)
            #expect(try await client.call(.get, first + "/files/\(planId)").text == "rehearsal plan")
            let statistics = try await client.call(.get, "/api/v1/statistics", as: manager)
            #expect((statistics.json?["needsFilled"] as? Int ?? 0) >= 1)
        }
    }

    @Test("The reminder carries its own link, which answers the same request")
    func reminderLink() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            fixture.clock.advance(by: 37 * 3600)   // past 75 % of 48 hours
            #expect(fixture.state.dueWorkService().processAll().reminders == 3)   // alpha's one, beta's two
            let manager = try await client.login("alpha-user")
            let outbox = try await client.call(.get, "/api/v1/outbox?limit=100", as: manager)
            let reminder = try #require((outbox.json?["items"] as? [[String: Any]])?.first { $0["type"] as? String == "reminder" })
            let body = try #require(reminder["body"] as? String)
            let start = try #require(body.range(of: "http://stagesub.test/r/"))
            let link = "/r/" + body[start.upperBound...].prefix { !$0.isWhitespace }
            #expect(link != "/r/\(fixture.alphaTokens[0])")
            #expect(try await client.call(.get, link).text.contains("Svara senast"))
            #expect(try await client.call(.post, link, body: "answer=decline").text.contains("tackat nej"))
            #expect(try await client.call(.get, "/r/\(fixture.alphaTokens[0])").text.contains("redan tackat nej"))
        }
    }

    @Test("An expired link says so and cannot be answered; an unknown link is not found")
    func expiredAndUnknown() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let token = fixture.alphaTokens[0]
            fixture.clock.advance(by: 49 * 3600)
            let page = try await client.call(.get, "/r/\(token)")
            #expect(page.text.contains("har gått ut"))
            let post = try await client.call(.post, "/r/\(token)", body: "answer=accept")
            #expect(post.status == 410)
            #expect(try await client.call(.get, "/r/alpha.forged-token").status == 404)
            #expect(try await client.call(.get, "/r/nodot").status == 404)
            // A real alpha token presented as beta's is simply unknown there.
            let swapped = "beta." + token.split(separator: ".", maxSplits: 1)[1]
            #expect(try await client.call(.get, "/r/\(swapped)").status == 404)
        }
    }

    @Test("Bad input: the field and the problem, 400/413/415, never a 500, nothing written")
    func badInput() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let cases: [(String, Int, String)] = [
                ("{", 400, "the body must be a JSON object"),
                (#"{"firstName":"A","lastName":"B","email":"x@alpha.test","colour":"red"}"#, 400, "colour: unknown field"),
                (#"{"firstName":1,"lastName":"B","email":"x@alpha.test"}"#, 400, "firstName: must be a string"),
                (#"{"firstName":"A","lastName":"B","email":"not-an-email"}"#, 400, "is not an email address"),
                (#"{"firstName":"A","lastName":"B","email":"anna1@alpha.test"}"#, 409, "already belongs to Anna1 Berg"),
            ]
            for (body, status, message) in cases {
                let reply = try await client.call(.post, "/api/v1/musicians", as: user, json: body)
                #expect(reply.status == status && reply.text.contains(message), "\(body): \(reply.status) \(reply.text)")
            }
            #expect(try await client.call(.get, "/api/v1/musicians", as: user).json?["total"] as? Int == 3)
            let need = try await client.call(.post, "/api/v1/projects/1/needs", as: user,
                                             json: #"{"positionId":\#(fixture.alpha.position),"quantity":2,"rankingListId":\#(fixture.alpha.list),"strategy":"first_come","maxRecipients":1}"#)
            #expect(need.status == 400 && need.text.contains("maxRecipients"))
            let strategy = try await client.call(.post, "/api/v1/projects/1/needs", as: user,
                                                 json: #"{"positionId":1,"quantity":1,"strategy":"whoever"}"#)
            #expect(strategy.status == 400 && strategy.text.contains("strategy"))
            let wrongType = try await client.call(.post, "/api/v1/projects", as: user, json: #"{"name":"X","startDate":"2027-01-01"}"#,
                                                  contentType: "text/plain")
            #expect(wrongType.status == 415)
            let huge = try await client.call(.post, "/api/v1/projects", as: user,
                                             json: #"{"name":""# + String(repeating: "x", count: 2 << 20) + #"","startDate":"2027-01-01"}"#)
            #expect(huge.status == 413)
            let date = try await client.call(.post, "/api/v1/projects", as: user, json: #"{"name":"X","startDate":"1 maj"}"#)
            #expect(date.status == 400 && date.text.contains("startDate"))
            let limit = try await client.call(.get, "/api/v1/musicians?limit=0", as: user)
            #expect(limit.status == 400 && limit.text.contains("limit"))
            let settings = try await client.call(.patch, "/api/v1/settings", as: try await client.login("alpha-admin"),
                                                 json: #"{"conflictPolicy":"skip","timeZone":"Mars/Olympus"}"#)
            #expect(settings.status == 400 && settings.text.contains("timeZone"))
            #expect(try await client.call(.get, "/api/v1/settings", as: user).json?["conflictPolicy"] as? String == "warn")
            #expect(try await client.call(.get, "/api/v1/musicians/abc", as: user).status == 404)
            let csv = "Förnamn;Efternamn;E-post\nEva;Lind;eva@alpha.test\nOla;;ola@alpha.test\n"
            let dry = try await client.call(.post, "/api/v1/musicians/import?dryRun=true", as: user, json: csv, contentType: "text/csv")
            #expect(dry.status == 422 && dry.text.contains("\"line\":3"))
        }
    }

    @Test("Over a live socket: health, metrics with route latencies, JSON API and an answer page")
    func liveSocket() async throws {
        let fixture = try Fixture()
        try await fixture.application().test(.live) { raw in
            let client = Client(client: raw)
            let health = try await client.call(.get, "/healthz")
            #expect(health.status == 200 && health.text.contains("ok"))
            let key = Credentials.apiKey(fixture.alphaKey)
            #expect(try await client.call(.get, "/api/v1/musicians?limit=200", as: key).json?["total"] as? Int == 3)
            #expect(try await client.call(.get, "/r/\(fixture.alphaTokens[0])").status == 200)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains(#"stagesub_http_requests_total{method="GET",route="/api/v1/musicians",status="200"} 1"#))
            #expect(metrics.text.contains(#"stagesub_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1"#))
            #expect(metrics.text.contains("stagesub_open_orchestra_databases"))
            #expect(metrics.text.contains(#"stagesub_outbox_depth{orchestra="alpha"}"#))
        }
    }
}
