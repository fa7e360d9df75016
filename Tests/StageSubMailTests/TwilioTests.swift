import Foundation
import StageSubCore
@testable import StageSubMail
@testable import StageSubStore
import StageSubTestSupport
import Testing

@Suite("SMS through Twilio's API, played on 127.0.0.1 as its documentation describes it")
struct TwilioTests {
    static let settings = ["smsOnRequest": "true", "smsTransport": "twilio", "twilioAccountSid": ProviderAPI.twilioSid,
                           "twilioAuthToken": ProviderAPI.twilioToken, "twilioFromNumber": "+46700000001"]

    @Test("Request SMS go with basic auth, a form body and a status callback naming the message; the sid is kept; parts are told")
    func sends() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture(phones: ["+46701234567", "+46709876543"], settings: Self.settings)
        // Before it goes, the outbox tells the admin the text will be split: "Mahler 5 — vår" has a dash that is not GSM-7.
        for queued in try f.messages(.sms, "queued") {
            let length = SMSLength(queued.body)
            #expect(length.encoding == .ucs2 && length.parts > 1)
            #expect(queued.deliveryDetail == "goes as \(length.summary)")
        }
        let pass = await f.service(providers: api.providers).deliverAll()
        #expect(pass.sent == 2 && pass.problems.isEmpty, "\(pass)")
        let sent = try await api.sent()
        let messages = try f.messages(.sms)
        #expect(sent.count == 2)
        for (message, record) in zip(messages, sent) {
            let form = try #require(record["form"] as? [String: String])
            #expect(form["To"] == message.recipient && form["From"] == "+46700000001" && form["Body"] == message.body)
            #expect(form["StatusCallback"] == "https://vikarier.example.org/api/v1/hooks/twilio/gso?message=\(message.id!)")
            #expect(message.status == .sent && message.providerMessageId == record["sid"] as? String)
            #expect(message.deliveryDetail?.hasPrefix("goes as ") == true, "the note stays once it went")
        }
        // Email stays in the outbox (its transport is still outbox).
        #expect(try f.emails("queued").count == 2)
    }

    @Test("A number Twilio refuses fails for good; a wrong token stops the batch and never shows itself")
    func refusals() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture(phones: ["+0123456", "+46709876543"], settings: Self.settings)
        let refused = await f.service(providers: api.providers).deliverAll()
        #expect(refused.givenUp == 1 && refused.sent == 1, "\(refused)")
        let failed = try f.messages(.sms, "failed")
        #expect(failed.count == 1 && failed[0].lastError?.contains("error 21211") == true)

        try f.gateway.setSettings(["twilioAuthToken": "wrong-token-value"])
        try f.gateway.retryMessage(failed[0].id!, now: f.clock.now())
        let wrong = await f.service(providers: api.providers).deliverAll()
        let problem = try #require(wrong.problems["gso"])
        #expect(problem.contains("401 (error 20003)") && !problem.contains("wrong-token-value"))
        #expect(!(try f.messages(.sms, "queued").first?.lastError ?? "").contains("wrong-token-value"))
    }

    @Test("A connection reset after the request was read: the SMS is given up with a note, never sent twice")
    func resetAfterRequest() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture(phones: ["+46701234567"], settings: Self.settings)
        try await api.script("/2010-04-01", [["reset": true]])
        let first = await f.service(providers: api.providers).deliverAll()
        #expect(first.givenUp == 1, "\(first)")
        f.clock.advance(by: 3600)
        _ = await f.service(providers: api.providers).deliverAll()
        let requests = try await api.requests().filter { ($0["path"] as? String)?.hasPrefix("/2010-04-01") == true }
        #expect(requests.count == 1, "the SMS was not sent again")
        #expect(try f.messages(.sms, "failed").first?.lastError?.contains("Twilio's message log") == true)
    }

    @Test("When the request reached Twilio and no answer came, the SMS is given up, never repeated; Twilio's callback marks it sent")
    func lostAnswer() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture(phones: ["+46701234567", "+46709876543"], settings: Self.settings)
        try await api.script("/2010-04-01", [["delay": 15]])
        let lost = await f.service(providers: api.providers).deliverAll()
        #expect(lost.givenUp == 1 && lost.sent == 1, "\(lost)")
        let uncertain = try #require(try f.messages(.sms, "failed").first)
        #expect(uncertain.lastError?.contains("may have gone") == true && uncertain.lastError?.contains("Twilio's message log") == true)
        f.clock.advance(by: 3600)
        _ = await f.service(providers: api.providers).deliverAll()
        let requests = try await api.requests().filter { ($0["path"] as? String)?.hasPrefix("/2010-04-01") == true }
        #expect(requests.count == 2, "nothing repeated")

        // Twilio did take it: its status callback (which names the outbox message) makes it sent after all.
        #expect(try f.gateway.adoptProviderMessage(outbox: uncertain.id!, providerMessageId: "SM" + String(repeating: "a", count: 32), at: f.clock.now()))
        let adopted = try #require(try f.messages(.sms).first { $0.id == uncertain.id })
        #expect(adopted.status == .sent && adopted.lastError == nil)
    }

    @Test("A phone number not in international form is refused before Twilio is asked")
    func localNumber() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture(phones: ["070-123 45 67"], settings: Self.settings)
        let pass = await f.service(providers: api.providers).deliverAll()
        #expect(pass.givenUp == 1)
        #expect(try f.messages(.sms, "failed").first?.lastError?.contains("international form") == true)
        #expect(try await api.requests().isEmpty)
    }
}

@Suite("Twilio's status callback address")
struct TwilioCallbackURLTests {
    @Test("Only a public address gets a callback: Twilio cannot reach this machine's loopback", arguments: [
        ("https://vikarier.gso.se", "https://vikarier.gso.se/api/v1/hooks/twilio/gso?message=7"),
        ("http://localhost:8080", nil), ("http://127.0.0.1:8080", nil),
    ])
    func url(base: String, expected: String?) {
        #expect(OutboxDeliveryService.twilioCallbackURL(base: base, slug: "gso", message: 7) == expected)
    }
}
