import Foundation
import StageSubCore
@testable import StageSubMail
@testable import StageSubStore
import StageSubTestSupport
import Testing

@Suite("Signatures on webhooks, ours and the providers'")
struct SignatureTests {
    @Test("Twilio's documented example signs as Twilio says; one changed parameter does not")
    func twilio() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        var parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
                          ("To", "+18005551212")]
        #expect(WebhookSignature.twilio(url: url, parameters: parameters, authToken: "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        #expect(WebhookSignature.isValidTwilio(signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: url, parameters: parameters.reversed(), authToken: "12345"))
        parameters[2].1 = "1235"
        #expect(!WebhookSignature.isValidTwilio(signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: url, parameters: parameters, authToken: "12345"))
        #expect(!WebhookSignature.isValidTwilio(signature: nil, url: url, parameters: parameters, authToken: "12345"))
    }

    @Test("Svix's documented example verifies; a changed body, an old timestamp or another secret do not")
    func svix() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id = "msg_p5jXN8AQM9LWM0D4loKWxJek", stamp = "1614265330"
        let body = Data(#"{"test": 2432232314}"#.utf8), now = Date(timeIntervalSince1970: 1614265330 + 10)
        let signature = "v0,ignored v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        try WebhookSignature.verifySvix(id: id, timestamp: stamp, signatures: signature, body: body, secret: secret, now: now)
        #expect(throws: WebhookSignature.SvixProblem.mismatch) {
            try WebhookSignature.verifySvix(id: id, timestamp: stamp, signatures: signature, body: Data(#"{"test": 1}"#.utf8), secret: secret, now: now)
        }
        #expect(throws: WebhookSignature.SvixProblem.stale) {
            try WebhookSignature.verifySvix(id: id, timestamp: stamp, signatures: signature, body: body, secret: secret, now: now.addingTimeInterval(600))
        }
        #expect(throws: WebhookSignature.SvixProblem.mismatch) {
            try WebhookSignature.verifySvix(id: id, timestamp: stamp, signatures: signature, body: body,
                                            secret: "whsec_" + Data("another secret".utf8).base64EncodedString(), now: now)
        }
        #expect(throws: WebhookSignature.SvixProblem.missingHeaders) {
            try WebhookSignature.verifySvix(id: nil, timestamp: stamp, signatures: signature, body: body, secret: secret, now: now)
        }
    }
}

@Suite("Outgoing webhooks to an orchestra's own systems")
struct OutgoingWebhookTests {
    @Test("Sending a need tells the payroll endpoint, signed so its receiver believes it; ids only, no personal data")
    func requestSent() async throws {
        let api = try ProviderAPI()
        var secret = ""
        let f = try MailFixture { gateway in
            let endpoint = try gateway.createWebhookEndpoint(url: "http://127.0.0.1:1/hook/payroll", description: "Lön",
                                                             events: [.requestSent, .requestAccepted], now: Date(timeIntervalSince1970: 1_800_000_000))
            secret = endpoint.secret ?? ""
            _ = try gateway.updateWebhookEndpoint(endpoint.id, url: "\(api.base)/hook/payroll", description: nil, events: nil, isActive: nil)
        }
        try await api.configure(hookSecret: secret)
        let listed = try f.gateway.webhookEndpoints()
        #expect(secret.hasPrefix("whsec_") && listed.count == 1 && listed.allSatisfy { $0.secret == nil })

        let pass = await f.service(webhooks: .init(allowLoopback: true)).deliverAll()
        #expect(pass.webhooksDelivered == 2, "\(pass)")
        let hooks = try await api.requests().filter { ($0["path"] as? String) == "/hook/payroll" }
        #expect(hooks.count == 2 && hooks.allSatisfy { $0["signature_ok"] as? Bool == true })
        let events = hooks.compactMap { $0["json"] as? [String: Any] }
        #expect(events.allSatisfy { $0["type"] as? String == "request.sent" && $0["orchestra"] as? String == "gso" })
        #expect(Set(events.compactMap { ($0["data"] as? [String: Any])?["requestId"] as? Int }).count == 2)
        #expect(hooks.allSatisfy { !($0["body"] as? String ?? "").contains("Lind") && !($0["body"] as? String ?? "").contains("@example.org") })

        // A musician accepts: one more event, as it happens.
        _ = try f.gateway.answer(token: f.tokens[0], accept: true, now: f.clock.now())
        let accepted = await f.service(webhooks: .init(allowLoopback: true)).deliverAll()
        #expect(accepted.webhooksDelivered == 1)
        let last = try await api.requests().last
        #expect((last?["json"] as? [String: Any])?["type"] as? String == "request.accepted")
        #expect((last?["headers"] as? [String: String])?["x-stagesub-event"] == "request.accepted")
    }

    @Test("A receiver that fails is tried again with backoff and the log shows each attempt; the test event goes at once")
    func retriesAndTest() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture()
        let endpoint = try f.gateway.createWebhookEndpoint(url: "\(api.base)/hook/calendar", description: "", events: [.needFilled], now: f.clock.now())
        try await api.configure(hookSecret: endpoint.secret!)
        try await api.script("/hook/", [["status": 500, "body": [:]]])
        let policy = OutgoingWebhookPolicy(allowLoopback: true)

        let failed = try await WebhookSender.sendTest(endpoint: endpoint.id, gateway: f.gateway, policy: policy, timeout: .seconds(10), now: f.clock.now())
        #expect(failed.status == "queued" && failed.attempts == 1 && failed.lastStatusCode == 500)
        #expect(failed.nextAttemptAt == f.clock.now().addingTimeInterval(60))
        #expect(await f.service(webhooks: policy).deliverAll().webhooksDelivered == 0, "not due before its retry time")
        f.clock.advance(by: 61)
        #expect(await f.service(webhooks: policy).deliverAll().webhooksDelivered == 1)
        let log = try f.gateway.webhookDeliveries(endpoint: endpoint.id, limit: 10, offset: 0)
        #expect(log.items.map(\.status) == ["delivered"] && log.items[0].attempts == 2 && log.items[0].lastStatusCode == 200)
        #expect(try await api.requests().last?["signature_ok"] as? Bool == true)
    }

    @Test("A receiver that is down costs one attempt per pass, not one per event; its events wait in order")
    func deadReceiver() async throws {
        var endpoint: Int64 = 0
        let f = try MailFixture { gateway in
            // Nothing listens on port 1.
            endpoint = try gateway.createWebhookEndpoint(url: "http://127.0.0.1:1/hook", description: "", events: [.requestSent],
                                                         now: Date(timeIntervalSince1970: 1_800_000_000)).id
        }
        let pass = await f.service(webhooks: .init(allowLoopback: true)).deliverAll()
        #expect(pass.webhooksRetrying == 1 && pass.webhooksDelivered == 0)
        let log = try f.gateway.webhookDeliveries(endpoint: endpoint, limit: 10, offset: 0).items
        #expect(log.map(\.attempts).sorted() == [0, 1] && log.allSatisfy { $0.status == "queued" })
        #expect(log.first { $0.attempts == 1 }?.lastError == "connection refused")
    }

    @Test("Only https, never the appliance itself unless the operator allows loopback on a test bench", arguments: [
        ("https://payroll.gso.se/hooks/stagesub", false, true),
        ("http://payroll.gso.se/hooks", false, false),
        ("https://127.0.0.1/hook", false, false),
        ("http://127.0.0.1:8080/hook", true, true),
        ("http://localhost:8080/hook", false, false),
        ("https://user:pw@payroll.gso.se/", false, false),
        ("ftp://payroll.gso.se/", true, false),
        ("payroll.gso.se/hooks", false, false),
        ("https://2130706433/hook", false, false),
        ("https://0x7f.0.0.1/hook", false, false),
        ("https://0.0.0.0/hook", false, false),
        ("https://[::1]/hook", false, false),
        ("https://localhost./hook", false, false),
        ("https://0177.0.0.1/hook", false, false),
        ("https://10.0.0.5/payroll", false, true),
        ("https://cafe.de/payroll", false, true),
        ("https://[2001:db8::5]/payroll", false, true),
    ])
    func policy(url: String, loopback: Bool, allowed: Bool) {
        #expect((OutgoingWebhookPolicy(allowLoopback: loopback).problem(with: url) == nil) == allowed)
    }
}

@Suite("Which changes become webhook events")
struct WebhookEventTests {
    /// The event types queued for an endpoint that wants every event, oldest first.
    static func events(_ f: MailFixture, _ endpoint: Int64) throws -> [String] {
        try f.gateway.webhookDeliveries(endpoint: endpoint, limit: 100, offset: 0).items.reversed().map(\.eventType.rawValue)
    }

    static func everything(_ gateway: OrchestraGateway) throws -> Int64 {
        try gateway.createWebhookEndpoint(url: "https://payroll.gso.se/hook", description: "", events: WebhookEventType.subscribable,
                                          now: Date(timeIntervalSince1970: 1_800_000_000)).id
    }

    @Test("Sent, accepted, declined, then the need cancelled: the accepted booking is cancelled")
    func acceptDeclineCancel() throws {
        var endpoint: Int64 = 0
        let f = try MailFixture { endpoint = try Self.everything($0) }
        _ = try f.gateway.answer(token: f.tokens[0], accept: true, now: f.clock.now())
        _ = try f.gateway.answer(token: f.tokens[1], accept: false, now: f.clock.now())
        let need = try #require(try f.gateway.requestViews().first?.needId)
        try f.gateway.cancelNeed(need, now: f.clock.now())
        #expect(try Self.events(f, endpoint) == ["request.sent", "request.sent", "request.accepted", "request.declined", "booking.cancelled"])
    }

    @Test("Both accept: the need is filled; nobody answers in time: both time out; an inactive endpoint hears nothing")
    func filledAndTimedOut() throws {
        var endpoint: Int64 = 0
        let filled = try MailFixture { endpoint = try Self.everything($0) }
        for token in filled.tokens { _ = try filled.gateway.answer(token: token, accept: true, now: filled.clock.now()) }
        #expect(try Self.events(filled, endpoint) == ["request.sent", "request.sent", "request.accepted", "request.accepted", "need.filled"])

        var quiet: Int64 = 0
        let late = try MailFixture { gateway in
            endpoint = try Self.everything(gateway)
            quiet = try Self.everything(gateway)
            _ = try gateway.updateWebhookEndpoint(quiet, url: nil, description: nil, events: nil, isActive: false)
        }
        _ = try late.gateway.processDueWork(now: late.clock.now().addingTimeInterval(49 * 3600))
        #expect(try Self.events(late, endpoint) == ["request.sent", "request.sent", "request.timed_out", "request.timed_out"])
        #expect(try Self.events(late, quiet).isEmpty)
    }
}
