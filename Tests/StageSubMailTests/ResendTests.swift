import Foundation
import StageSubCore
@testable import StageSubMail
@testable import StageSubStore
import StageSubTestSupport
import Testing

@Suite("Email through Resend's API, played on 127.0.0.1 as its documentation describes it")
struct ResendTests {
    static let settings = ["emailTransport": "resend", "resendApiKey": ProviderAPI.resendKey, "emailFrom": "vikarier@gso.test",
                           "emailFromName": "GSO, kansliet", "emailReplyTo": "kansli@gso.test"]

    @Test("Request emails go whole: the bearer key, one sender whose name has a comma, the file in base64, the provider's id kept")
    func sends() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture()
        try f.gateway.setSettings(Self.settings)
        let pass = await f.service(providers: api.providers).deliverAll()
        #expect(pass.sent == 2 && pass.problems.isEmpty, "\(pass)")

        let sent = try await api.sent()
        let queued = try f.emails()
        #expect(sent.count == 2)
        for (message, record) in zip(queued, sent) {
            let email = try #require(record["email"] as? [String: Any])
            #expect(email["from"] as? String == "\"GSO, kansliet\" <vikarier@gso.test>")
            #expect(email["to"] as? [String] == [message.recipient])
            #expect(email["reply_to"] as? String == "kansli@gso.test")
            #expect(email["subject"] as? String == message.subject)
            #expect(email["text"] as? String == message.body)
            let file = try #require((email["attachments"] as? [[String: Any]])?.first)
            #expect(file["filename"] as? String == "Stämma cello.pdf")
            #expect(Data(base64Encoded: file["content"] as? String ?? "") == f.pdf)
            #expect(message.status == .sent && message.providerMessageId == record["id"] as? String)
        }
        let requests = try await api.requests()
        #expect(requests.allSatisfy { ($0["headers"] as? [String: String])?["authorization"] == "Bearer \(ProviderAPI.resendKey)" })
        #expect(Set(requests.compactMap { ($0["headers"] as? [String: String])?["idempotency-key"] }).count == 2)
        // Nothing goes twice.
        let again = await f.service(providers: api.providers).deliverAll()
        let total = try await api.sent().count
        #expect(again.sent == 0 && total == 2)
    }

    @Test("An answer that never comes is retried with the same idempotency key, and the musician gets one email")
    func lostAnswer() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture()
        try f.gateway.setSettings(Self.settings)
        // Resend takes the first email but answers well after our 5 s timeout (15 s: a starved event loop that
        // wakes to both the answer and the timeout at once takes the answer).
        try await api.script("/emails", [["delay": 15]])
        let first = await f.service(providers: api.providers).deliverAll()
        #expect(first.sent == 0 && first.retrying == 1, "the rest of the batch waits while Resend does not answer: \(first)")
        let waiting = try f.emails("queued")
        #expect(waiting.count == 2 && waiting[0].attempts == 1 && waiting[0].lastError?.contains("no answer") == true)

        f.clock.advance(by: 61)
        let second = await f.service(providers: api.providers).deliverAll()
        #expect(second.sent == 2, "\(second)")
        let requests = try await api.requests()
        let keys = requests.compactMap { ($0["headers"] as? [String: String])?["idempotency-key"] }
        #expect(keys.count == 3 && keys[0] == keys[1] && keys[1] != keys[2])
        let sent = try await api.sent()
        #expect(sent.count == 2, "the repeat was answered with the first email, not sent again")
        let first_ = try #require(f.emails("sent").first)
        #expect(first_.providerMessageId == sent.first { $0["idempotency_key"] as? String == keys[0] }?["id"] as? String)
    }

    @Test("429 waits as long as Resend asks and holds the batch; 422 gives the message up; a wrong key stops all and never shows the key")
    func refusals() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture()
        try f.gateway.setSettings(Self.settings)
        try await api.script("/emails", [["status": 429, "headers": ["Retry-After": "600"],
                                          "body": ["statusCode": 429, "name": "rate_limit_exceeded", "message": "Too many requests"]]])
        let limited = await f.service(providers: api.providers).deliverAll()
        #expect(limited.retrying == 1 && limited.sent == 0)
        #expect(try await api.requests().count == 1)
        let held = try f.emails("queued")[0]
        #expect(held.nextAttemptAt == f.clock.now().addingTimeInterval(600) && held.lastError?.contains("429 rate_limit_exceeded") == true)

        f.clock.advance(by: 601)
        try await api.script("/emails", [["status": 422, "body": ["statusCode": 422, "name": "validation_error", "message": "Invalid `to` field."]]])
        let refused = await f.service(providers: api.providers).deliverAll()
        #expect(refused.givenUp == 1 && refused.sent == 1, "\(refused)")
        let failed = try f.emails("failed")
        #expect(failed.count == 1 && failed[0].lastError?.contains("Invalid `to` field") == true)

        try f.gateway.setSettings(["resendApiKey": "re_wrong_secret_key"])
        try f.gateway.retryMessage(failed[0].id!, now: f.clock.now())
        let wrongKey = await f.service(providers: api.providers).deliverAll()
        let problem = try #require(wrongKey.problems["gso"])
        #expect(problem.contains("403 invalid_api_key"))
        let lastError = try f.emails("queued")[0].lastError ?? ""
        #expect(!problem.contains("re_wrong_secret_key") && !lastError.contains("re_wrong_secret_key"))
        #expect(try f.gateway.settings().publicValues["resendApiKey"] == "(set)")
    }

    @Test("Resend without a key or sender says which setting is missing; nothing is sent")
    func incomplete() async throws {
        let api = try ProviderAPI()
        let f = try MailFixture()
        try f.gateway.setSettings(["emailTransport": "resend", "emailFrom": "vikarier@gso.test"])
        let pass = await f.service(providers: api.providers).deliverAll()
        #expect(pass.problems["gso"] == "emailTransport is resend but resendApiKey is not set")
        #expect(try await api.requests().isEmpty)
        #expect(throws: StoreError.self) { try f.gateway.setSettings(["resendApiKey": "re_key\r\nX-Evil: 1"]) }
        #expect(throws: StoreError.self) { try f.gateway.setSettings(["resendWebhookSecret": "not-a-secret"]) }
    }
}
