import Foundation
@testable import StageSubServer
import StageSubStore
import Testing

/// The hand-written fast paths (JSON for roster pages, dates on answer pages) must say exactly what the
/// general tools they replace would say: those tools are the oracle here.
@Suite("Hand-written JSON and dates agree with Foundation")
struct PresentationTests {
    static let awkward = [
        "Åsa Öberg", "O'Brien \"Bob\"", "back\\slash", "a/b", "tab\there", "new\nline\r\n", "bell\u{07}null\u{00}",
        "\u{1F}\u{0B}\u{0C}\u{08}", "😀 emoji", "line\u{2028}sep\u{2029}", "", " ", "<script>&amp;</script>",
    ]

    static func musician(_ index: Int) -> Musician {
        let text = awkward[index % awkward.count]
        var musician = Musician(firstName: text, lastName: awkward[(index + 3) % awkward.count], email: "m\(index)@example.org",
                                phone: index % 2 == 0 ? nil : "+46 70-\(index)", preferredLanguage: index % 3 == 0 ? "en" : "sv",
                                localResidence: index % 2 == 0, notes: index % 4 == 0 ? nil : text, now: Date())
        musician.id = Int64(index * 7919)
        musician.isArchived = index % 5 == 0
        musician.isActive = index % 6 != 0
        return musician
    }

    @Test("A roster page written by hand is byte for byte what JSONEncoder writes")
    func rosterPage() throws {
        let views = (0..<40).map { MusicianView(musician: Self.musician($0), positionIds: nil) }
        let page = Page(items: views, total: 1234, limit: 40, offset: 80)
        var json = JSONWriter()
        page.write(to: &json)
        let expected = try JSON.encoder.encode(page)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))

        for positions in [[], [3], [1, 2, 99]] as [[Int64]] {
            let view = MusicianView(musician: Self.musician(1), positionIds: positions)
            var one = JSONWriter()
            view.write(to: &one)
            #expect(one.bytes == Array(try JSON.encoder.encode(view)))
        }
        let empty = Page<MusicianView>(items: [], total: 0, limit: 50, offset: 0)
        var none = JSONWriter()
        empty.write(to: &none)
        #expect(none.bytes == Array(try JSON.encoder.encode(empty)))
    }

    @Test("The roster over HTTP: search (with % and _ taken literally), archived, paging, awkward text intact")
    func rosterOverHTTP() async throws {
        let fixture = try Fixture()
        let gateway = try fixture.state.gateway(try #require(try fixture.appliance.registry.orchestra(slug: "alpha")))
        let odd = try gateway.createMusician(Musician(firstName: "Zoë \"100%\"", lastName: "O'Neil_x\\", email: "zoe@alpha.test",
                                                      phone: "+46 70 123 45 67", notes: "line\none", now: fixture.clock.now()))
        try await fixture.test { client in
            let key = Credentials.apiKey(fixture.alphaKey)
            func names(_ query: String) async throws -> (names: [String], total: Int?) {
                let reply = try await client.call(.get, "/api/v1/musicians" + query, as: key)
                #expect(reply.status == 200, "\(query): \(reply.text)")
                let items = reply.json?["items"] as? [[String: Any]] ?? []
                return (items.compactMap { "\($0["firstName"] as? String ?? "?") \($0["lastName"] as? String ?? "?")" }, reply.json?["total"] as? Int)
            }
            let all = try await names("")
            #expect(all.total == 4)
            #expect(all.names == ["Anna1 Berg", "Anna2 Berg", "Anna3 Berg", "Zoë \"100%\" O'Neil_x\\"])
            #expect(try await names("?search=100%25").names == ["Zoë \"100%\" O'Neil_x\\"])
            #expect(try await names("?search=%25").total == 1)
            #expect(try await names("?search=_").total == 1)
            #expect(try await names("?search=anna2").names == ["Anna2 Berg"])
            #expect(try await names("?search=70%20123").total == 1)
            #expect(try await names("?search=nobody").total == 0)
            let page = try await names("?limit=2&offset=1")
            #expect(page.names == ["Anna2 Berg", "Anna3 Berg"] && page.total == 4)

            let archived = try await client.call(.post, "/api/v1/musicians/\(odd.id!)/archive", as: key)
            #expect(archived.status == 200)
            #expect(try await names("").total == 3)
            #expect(try await names("?includeArchived=true").total == 4)
            #expect(try await names("?search=zo&includeArchived=true").total == 1)
            #expect(try await names("?search=zo").total == 0)
        }
    }

    @Test("Dates on answer pages read as DateFormatter writes them, in the orchestra's time zone, across DST")
    func dates() {
        var generator = SystemRandomNumberGenerator()
        var instants: [Date] = [
            Date(timeIntervalSince1970: 1_774_746_000),  // 2026-03-29 01:00 UTC: Stockholm springs forward
            Date(timeIntervalSince1970: 1_792_890_000),  // 2026-10-25 01:00 UTC: and falls back
            Date(timeIntervalSince1970: 1_792_889_999), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -86_401),
        ]
        for _ in 0..<300 { instants.append(Date(timeIntervalSince1970: Double(Int.random(in: -1_000_000_000...4_000_000_000, using: &generator)))) }
        for zone in ["Europe/Stockholm", "Europe/Helsinki", "America/New_York", "Asia/Kolkata", "UTC", "No/Such_Zone"] {
            for language in ["sv", "en"] {
                let formatter = DateFormatter()
                formatter.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "Europe/Stockholm")
                formatter.locale = Locale(identifier: language == "en" ? "en_GB" : "sv_SE")
                formatter.dateFormat = language == "en" ? "EEEE d MMMM yyyy, HH:mm" : "EEEE d MMMM yyyy 'kl.' HH:mm"
                for instant in instants {
                    #expect(HTML.dateTime(instant, timeZone: zone, language: language) == formatter.string(from: instant),
                            "\(instant) in \(zone), \(language)")
                }
            }
        }
        let days = DateFormatter()
        days.timeZone = TimeZone(identifier: "UTC")
        days.locale = Locale(identifier: "sv_SE")
        days.dateFormat = "EEEE d MMMM yyyy"
        #expect(HTML.day("2026-12-05", language: "sv") == "lördag 5 december 2026")
        #expect(HTML.day("2026-12-05", language: "en") == "Saturday 5 December 2026")
        #expect(HTML.day("2024-02-29", language: "sv") == days.string(from: Date(timeIntervalSince1970: 1_709_164_800)))
        #expect(HTML.day("not a day", language: "sv") == "not a day")
    }

    @Test("An answer page gives its deadline in the orchestra's own time zone, as the settings hold it")
    func answerPageInTheOrchestrasZone() async throws {
        let fixture = try Fixture()
        let gateway = try fixture.appliance.gateway("alpha", database: try fixture.state.pool.database("alpha"), answerBaseURL: "http://stagesub.test")
        let token = try #require(fixture.alphaTokens.first)
        let deadline = try #require(try gateway.answerView(token: token)).deadlineAt
        try gateway.setSettings(["timeZone": "America/New_York"])
        try await fixture.test { client in
            let page = try await client.call(.get, "/r/\(token)").text
            #expect(page.contains(HTML.dateTime(deadline, timeZone: "America/New_York", language: "sv")))
            #expect(!page.contains(HTML.dateTime(deadline, timeZone: "Europe/Stockholm", language: "sv")), "not in Stockholm's time")
        }
    }
}

@Suite("Email settings and the outbox over the API")
struct EmailSettingsAPITests {
    @Test("The SMTP password is write-only; a failed message can be queued again, once; metrics count deliveries")
    func settingsAndRetry() async throws {
        let fixture = try Fixture()
        let gateway = try fixture.state.gateway(try #require(try fixture.appliance.registry.orchestra(slug: "alpha")))
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin")
            let secret = "hunter2-\(UUID().uuidString)"
            let patched = try await client.call(.patch, "/api/v1/settings", as: admin, json: """
                {"emailTransport":"smtp","smtpHost":"mail.alpha.test","smtpPort":"587","smtpSecurity":"starttls",
                 "smtpUsername":"alpha","smtpPassword":"\(secret)","emailFrom":"vikarier@alpha.test"}
                """)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.json?["smtpPassword"] as? String == "(set)" && !patched.text.contains(secret))
            let user = try await client.login("alpha-user")
            let read = try await client.call(.get, "/api/v1/settings", as: user)
            #expect(read.json?["smtpHost"] == nil && !read.text.contains(secret))  // the user role sees no transport settings
            #expect(try gateway.settings().smtpPassword == secret)
            let bad = try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"emailFrom":"Kansliet <k@alpha.test>"}"#)
            #expect(bad.status == 400 && bad.text.contains("emailFrom"))

            let message = try #require(try gateway.outbox(status: "queued", limit: 1, offset: 0).items.first)
            try gateway.markAttemptFailed(message.id!, error: "550 no such mailbox", permanent: true, at: fixture.clock.now())
            #expect(try await client.call(.get, "/api/v1/outbox?status=failed", as: user).json?["total"] as? Int == 1)
            let outbox = try await client.call(.get, "/outbox?status=failed", as: user)
            #expect(outbox.text.contains("misslyckades") && outbox.text.contains("550 no such mailbox"), "the outbox page shows the failure and why")
            #expect(try await client.call(.post, "/api/v1/outbox/\(message.id!)/retry", as: user).status == 204)
            #expect(try await client.call(.post, "/api/v1/outbox/\(message.id!)/retry", as: user).status == 404)
            #expect(try await client.call(.get, "/api/v1/outbox?status=failed", as: user).json?["total"] as? Int == 0)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains("stagesub_emails_sent_total 0"))
        }
    }
}
