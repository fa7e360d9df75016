import Foundation
import HTTPTypes
import StageSubServer
import StageSubStore
import Testing

@Suite("Blackout dates and escalation through the API")
struct BlackoutAPITests {
    @Test("staff keep a musician's blackouts; preview names the blackout; bad dates are a 400 naming the field; another orchestra's musician is not found")
    func blackoutsThroughTheAPI() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let musician = fixture.alpha.musician
            // Alpha's Project 1 runs 2027-01-10 to 12; the second musician is asked next once a place opens.
            let project = try await client.call(.post, "/api/v1/projects", as: user, json: #"{"name":"Brahms","startDate":"2027-05-03","endDate":"2027-05-05"}"#)
            let projectId = try #require(project.json?["id"] as? Int)
            let need = try await client.call(.post, "/api/v1/projects/\(projectId)/needs", as: user,
                                             json: #"{"positionId":\#(fixture.alpha.position),"quantity":1,"rankingListId":\#(fixture.alpha.list),"strategy":"sequential"}"#)
            let needId = try #require(need.json?["id"] as? Int)

            let made = try await client.call(.post, "/api/v1/musicians/\(musician)/blackouts", as: user,
                                             json: #"{"startDate":"2027-05-01","endDate":"2027-05-03","note":"Bröllop"}"#)
            #expect(made.status == 201 && made.json?["note"] as? String == "Bröllop", "\(made.text)")
            let blackoutId = try #require(made.json?["id"] as? Int)
            let preview = try await client.call(.get, "/api/v1/needs/\(needId)/preview", as: user)
            let passed = try #require(preview.json?["passed"] as? [[String: Any]])
            let mine = try #require(passed.first { $0["musicianId"] as? Int == Int(musician) })
            #expect((mine["reason"] as? String)?.contains("blackout 2027-05-01 – 2027-05-03") == true, "\(mine)")
            #expect(mine["detail"] as? Int == blackoutId)
            #expect((preview.json?["ask"] as? [[String: Any]])?.first?["musicianId"] as? Int != Int(musician))

            let bad = try await client.call(.post, "/api/v1/musicians/\(musician)/blackouts", as: user, json: #"{"startDate":"2027-05-09","endDate":"2027-05-01"}"#)
            #expect(bad.status == 400 && bad.text.contains("endDate is before startDate"), "\(bad.text)")
            let missing = try await client.call(.post, "/api/v1/musicians/\(musician)/blackouts", as: user, json: #"{"startDate":"2027-05-09"}"#)
            #expect(missing.status == 400 && missing.text.contains("endDate"))
            let foreign = try await client.call(.get, "/api/v1/musicians/\(fixture.betaOnly.musician)/blackouts", as: user)
            #expect(foreign.status == 404)

            let changed = try await client.call(.patch, "/api/v1/musicians/\(musician)/blackouts/\(blackoutId)", as: user, json: #"{"endDate":"2027-05-02"}"#)
            #expect(changed.json?["endDate"] as? String == "2027-05-02")
            let listed = try await client.call(.get, "/api/v1/musicians/\(musician)/blackouts", as: user)
            #expect(listed.objects?.count == 1)
            let removed = try await client.call(.delete, "/api/v1/musicians/\(musician)/blackouts/\(blackoutId)", as: user)
            #expect(removed.status == 204)
            let again = try await client.call(.delete, "/api/v1/musicians/\(musician)/blackouts/\(blackoutId)", as: user)
            #expect(again.status == 404)
        }
    }

    @Test("an escalating need's preview shows its step and when the next begins; an admin sets the steps, a bad text is a 400")
    func escalatingPreview() async throws {
        let fixture = try Fixture()  // the clock stands at 2027-01-15 08:00 UTC
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin")
            let bad = try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"escalationSteps":"sequential 48h until 21d"}"#)
            #expect(bad.status == 400 && bad.text.contains("escalationSteps"), "\(bad.status) \(bad.text)")
            let set = try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"escalationSteps":"sequential 72h until 30d; parallel x3 24h until 10d; first_come 6h"}"#)
            #expect(set.status == 200, "\(set.text)")
            let project = try await client.call(.post, "/api/v1/projects", as: admin, json: #"{"name":"Nielsen","startDate":"2027-02-05"}"#)
            let projectId = try #require(project.json?["id"] as? Int)
            let need = try await client.call(.post, "/api/v1/projects/\(projectId)/needs", as: admin,
                                             json: #"{"positionId":\#(fixture.alpha.position),"quantity":1,"rankingListId":\#(fixture.alpha.list),"strategy":"escalating"}"#)
            #expect(need.status == 201, "\(need.text)")
            let needId = try #require(need.json?["id"] as? Int)
            let preview = try await client.call(.get, "/api/v1/needs/\(needId)/preview", as: admin)
            let escalation = try #require(preview.json?["escalation"] as? [String: Any], "\(preview.text)")
            // 2027-01-15 is 21 days before 5 February: past 30 days, before 10 days → the parallel ×3 step.
            #expect(escalation["step"] as? Int == 2 && escalation["strategy"] as? String == "parallel" && escalation["width"] as? Int == 3)
            #expect(escalation["nextStepAt"] as? String == "2027-01-25T23:00:00Z")
            #expect(escalation["responseTimeHours"] as? Int == 24)
        }
    }
}
