import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import StageSubServer
import StageSubStore
import Testing

/// Every log line the server writes, with its metadata, for checking that no secret reaches a log.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            log.append("\(level) \(message) \(metadata.merging(extra ?? [:]) { $1 })")
        }
    }
}

@Suite("A musician's own page: the link by email, answers, details, blackouts, revocation")
struct MusicianPageTests {
    /// The page link in the latest "your link" email to this address.
    static func pageLink(to email: String, client: Client, as credentials: Credentials) async throws -> String {
        let outbox = try await client.call(.get, "/api/v1/outbox?limit=200", as: credentials)
        let items = try #require(outbox.json?["items"] as? [[String: Any]])
        let mine = items.filter { $0["recipient"] as? String == email && $0["type"] as? String == "musician_link" }
        let body = try #require(mine.max { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }?["body"] as? String)
        let start = try #require(body.range(of: "http://stagesub.test/m/"))
        return "/m/" + body[start.upperBound...].prefix { !$0.isWhitespace }
    }

    static func messages(of type: String, to email: String, client: Client, as credentials: Credentials) async throws -> Int {
        let outbox = try await client.call(.get, "/api/v1/outbox?limit=200", as: credentials)
        return (outbox.json?["items"] as? [[String: Any]] ?? []).filter { $0["recipient"] as? String == email && $0["type"] as? String == type }.count
    }

    @Test("'send me my link' answers the same for a known and an unknown address, sends one email, and never twice in ten minutes")
    func sendMeMyLink() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let staff = try await client.login("alpha-user")
            let known = try await client.call(.post, "/my-link", body: "email=anna1%40alpha.test")
            let unknown = try await client.call(.post, "/my-link", body: "email=nobody%40alpha.test")
            #expect(known.status == 200 && unknown.status == 200)
            #expect(known.text == unknown.text, "the page must not tell whether the address exists")
            #expect(try await Self.messages(of: "musician_link", to: "anna1@alpha.test", client: client, as: staff) == 1)
            _ = try await client.call(.post, "/my-link", body: "email=ANNA1%40alpha.test")
            #expect(try await Self.messages(of: "musician_link", to: "anna1@alpha.test", client: client, as: staff) == 1, "one email per ten minutes")
            let bad = try await client.call(.post, "/my-link", body: "email=not-an-address")
            #expect(bad.status == 400 && bad.text.contains("namn@exempel.se"))
            // The link opens the page, in the musician's language, with the orchestra's contact.
            let link = try await Self.pageLink(to: "anna1@alpha.test", client: client, as: staff)
            let page = try await client.call(.get, link)
            #expect(page.status == 200 && page.text.contains("Hej Anna1!") && page.text.contains("admin@alpha.test"))
            // Nothing of the other orchestra, and staff see that a link exists but never its token.
            #expect(!page.text.contains("beta-only"))
            let links = try await client.call(.get, "/api/v1/musicians/\(fixture.alpha.musician)/links", as: staff)
            #expect(links.objects?.count == 1 && links.objects?.first?["purpose"] as? String == "page")
            #expect(!links.text.contains(String(link.dropFirst(3))))
        }
    }

    @Test("a musician answers an open request on their page, sees the booking, edits phone and language, keeps blackout dates")
    func pageActions() async throws {
        let fixture = try Fixture()
        let log = CapturedLog()
        let logger = Logger(label: "test") { _ in CapturedLog.Handler(log: log) }
        let app = Application(router: fixture.state.buildRouter(), logger: logger)
        try await app.test(.router) { raw in
            let client = Client(client: raw)
            let staff = try await client.login("alpha-user")
            _ = try await client.call(.post, "/api/v1/musicians/\(fixture.alpha.musician)/links/send", as: staff)
            let link = try await Self.pageLink(to: "anna1@alpha.test", client: client, as: staff)
            let token = String(link.dropFirst(3))

            let before = try await client.call(.get, link)
            #expect(before.text.contains("Project 1") && before.text.contains("Ja, jag kan"), "the open request is shown with its buttons")
            let request = fixture.alpha.request
            let answered = try await client.call(.post, "\(link)/answer", body: "request=\(request)&answer=accept")
            #expect(answered.status == 303)
            let after = try await client.call(.get, answered.headers[.location] ?? link)
            // Project 1 (10–12 January) is already over on the fixture's clock (15 January): it shows among earlier requests.
            #expect(after.text.contains("Tack — du är bokad") && after.text.contains("Spelat"))
            #expect(!after.text.contains("name=answer value=accept"), "nothing is open any more")
            let need = try await client.call(.get, "/api/v1/needs/\(fixture.alpha.need)", as: staff)
            #expect(need.json?["status"] as? String == "filled")
            // Another musician's request cannot be answered with this link.
            let foreign = try await client.call(.post, "\(link)/answer", body: "request=\(fixture.betaOnly.request)&answer=accept")
            #expect(foreign.status == 404)

            // Phone and language; a number someone else has is refused without naming them.
            _ = try await client.call(.patch, "/api/v1/musicians/\(fixture.alpha.musician + 1)", as: staff, json: #"{"phone":"+46 70 111 22 33"}"#)
            let taken = try await client.call(.post, "\(link)/details", body: "language=sv&phone=%2B46+70+111+22+33")
            #expect(taken.status == 409 && taken.text.contains("kontakta orkestern") && !taken.text.contains("Anna2"))
            #expect(taken.text.contains("+46 70 111 22 33"), "the value typed is kept in the form")
            let saved = try await client.call(.post, "\(link)/details", body: "language=en&phone=%2B46+70+999+00+00")
            #expect(saved.status == 303)
            let english = try await client.call(.get, link)
            #expect(english.text.contains("Hello Anna1!") && english.text.contains("+46 70 999 00 00"))

            // Blackout dates from the page: a bad range is refused beside the form with the values kept.
            let wrong = try await client.call(.post, "\(link)/blackouts", body: "startDate=2027-06-10&endDate=2027-06-01&note=Semester")
            #expect(wrong.status == 400 && wrong.text.contains("endDate is before startDate") && wrong.text.contains("value=\"Semester\""))
            let added = try await client.call(.post, "\(link)/blackouts", body: "startDate=2027-06-01&endDate=2027-06-10&note=Semester+%3Cb%3E")
            #expect(added.status == 303)
            let listed = try await client.call(.get, "/api/v1/musicians/\(fixture.alpha.musician)/blackouts", as: staff)
            let blackout = try #require(listed.objects?.first?["id"] as? Int)
            let shown = try await client.call(.get, link)
            #expect(shown.text.contains("Semester &lt;b&gt;"), "the note is escaped")
            #expect(try await client.call(.post, "\(link)/blackouts/\(blackout)/delete").status == 303)
            #expect(try await client.call(.get, "/api/v1/musicians/\(fixture.alpha.musician)/blackouts", as: staff).objects?.isEmpty == true)

            // The musician stops the link: it no longer opens anything.
            #expect(try await client.call(.post, "\(link)/revoke").status == 200)
            #expect(try await client.call(.get, link).status == 404)
            #expect(!log.text.isEmpty && !log.text.contains(token), "a page token reached the log")
        }
    }

    @Test("page links expire after 90 days and an admin can stop every link of a musician")
    func expiryAndAdminRevocation() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let staff = try await client.login("alpha-user"), admin = try await client.login("alpha-admin")
            _ = try await client.call(.post, "/api/v1/musicians/\(fixture.alpha.musician)/links/send", as: staff)
            let link = try await Self.pageLink(to: "anna1@alpha.test", client: client, as: staff)
            #expect(try await client.call(.get, link).status == 200)
            let userTry = try await client.call(.post, "/api/v1/musicians/\(fixture.alpha.musician)/links/revoke", as: staff)
            #expect(userTry.status == 403)
            let revoked = try await client.call(.post, "/api/v1/musicians/\(fixture.alpha.musician)/links/revoke", as: admin)
            #expect(revoked.json?["revoked"] as? Int == 1)
            #expect(try await client.call(.get, link).status == 404)

            fixture.clock.advance(by: 11 * 60)
            _ = try await client.call(.post, "/api/v1/musicians/\(fixture.alpha.musician)/links/send", as: staff)
            let fresh = try await Self.pageLink(to: "anna1@alpha.test", client: client, as: staff)
            let opened = try await client.call(.get, fresh)
            #expect(fresh != link && opened.status == 200)
            fixture.clock.advance(by: 90 * 86_400 + 1)
            #expect(try await client.call(.get, fresh).status == 404)
        }
    }
}
