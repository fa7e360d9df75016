import Foundation
import HTTPTypes
import StageSubServer
import StageSubStore
import Testing

@Suite("A musician's private calendar feed, read by Python's icalendar")
struct CalendarFeedTests {
    /// The events of a feed as Python's `icalendar` reads them (installed by scripts/setup --test into .build/icalendar-venv).
    static func parse(_ feed: String) throws -> [[String: Any]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".build/icalendar-venv/bin/python")
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("Tests/StageSubServerTests/parse_ics.py").path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(feed.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ParseFailed(message: err) }
        return try #require(try JSONSerialization.jsonObject(with: out) as? [[String: Any]])
    }

    struct ParseFailed: Error { let message: String }

    @Test("bookings appear with dates, rehearsals, concerts and place; a cancelled booking comes back cancelled with the same UID and a higher SEQUENCE")
    func feed() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let staff = try await client.login("alpha-user")
            let musician = fixture.alpha.musician, position = fixture.alpha.position, list = fixture.alpha.list
            func bookedProject(_ json: String) async throws -> Int {
                let project = try await client.call(.post, "/api/v1/projects", as: staff, json: json)
                let projectId = try #require(project.json?["id"] as? Int, "\(project.text)")
                let need = try await client.call(.post, "/api/v1/projects/\(projectId)/needs", as: staff,
                                                 json: #"{"positionId":\#(position),"quantity":1,"rankingListId":\#(list),"strategy":"sequential"}"#)
                let needId = try #require(need.json?["id"] as? Int)
                let booked = try await client.call(.post, "/api/v1/needs/\(needId)/book", as: staff, json: #"{"musicianId":\#(musician)}"#)
                #expect(booked.status == 200, "\(booked.text)")
                return needId
            }
            let concert = "Fre 7 maj 19:30 och lör 8 maj 15:00, Stora salen; frack, svart fluga; ta med eget notställ \\ pultlampa — "
                + String(repeating: "långt värde med å, ä, ö och emoji 🎻 ", count: 4)
            let body: [String: String] = ["name": "Mahler 5", "startDate": "2027-05-03", "endDate": "2027-05-08",
                                          "rehearsalSchedule": "Mån–tor 10–13\nGeneralrepetition fre 10–13", "concertInfo": concert,
                                          "location": "Konserthuset, Götaplatsen, Göteborg"]
            _ = try await bookedProject(String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            let cancelledNeed = try await bookedProject(#"{"name":"Julkonsert","startDate":"2027-12-18"}"#)

            _ = try await client.call(.post, "/api/v1/musicians/\(musician)/links/send", as: staff)
            let page = try await MusicianPageTests.pageLink(to: "anna1@alpha.test", client: client, as: staff)
            let made = try await client.call(.post, "\(page)/calendar-link")
            let start = try #require(made.text.range(of: "http://stagesub.test/c/"))
            let feedPath = "/c/" + made.text[start.upperBound...].prefix { $0 != "<" }
            #expect(feedPath.hasSuffix("/calendar.ics"))

            let first = try await client.call(.get, feedPath)
            #expect(first.status == 200 && first.headers[.contentType]?.hasPrefix("text/calendar") == true)
            let before = try Self.parse(first.text)
            #expect(before.count == 2)
            let mahler = try #require(before.first { ($0["summary"] as? String)?.hasSuffix("Mahler 5") == true })
            #expect(mahler["status"] as? String == "CONFIRMED" && mahler["start"] as? String == "2027-05-03" && mahler["end"] as? String == "2027-05-09")
            #expect(mahler["location"] as? String == "Konserthuset, Götaplatsen, Göteborg")
            #expect((mahler["description"] as? String)?.contains("Generalrepetition fre 10–13") == true)
            #expect((mahler["description"] as? String)?.contains(concert) == true, "the long concert text comes back whole after folding")

            fixture.clock.advance(by: 3600)
            #expect(try await client.call(.post, "/api/v1/needs/\(cancelledNeed)/cancel", as: staff).status == 200)
            let after = try Self.parse(try await client.call(.get, feedPath).text)
            let christmasBefore = try #require(before.first { ($0["summary"] as? String)?.hasSuffix("Julkonsert") == true })
            let christmasAfter = try #require(after.first { $0["uid"] as? String == christmasBefore["uid"] as? String })
            #expect(christmasBefore["status"] as? String == "CONFIRMED" && christmasAfter["status"] as? String == "CANCELLED")
            #expect((christmasAfter["sequence"] as? Int ?? 0) > (christmasBefore["sequence"] as? Int ?? 0))
            #expect(christmasAfter["start"] as? String == "2027-12-18" && christmasAfter["end"] as? String == "2027-12-19", "a project without an end date is its start day")

            // A new calendar address stops the old one; the page link itself is no calendar address.
            _ = try await client.call(.post, "\(page)/calendar-link")
            #expect(try await client.call(.get, feedPath).status == 404)
            #expect(try await client.call(.get, "/c/\(page.dropFirst(3))/calendar.ics").status == 404)
        }
    }
}
