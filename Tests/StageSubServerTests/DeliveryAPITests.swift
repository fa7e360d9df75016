import Foundation
import HTTPTypes
import StageSubCore
@testable import StageSubMail
@testable import StageSubServer
import StageSubStore
import StageSubTestSupport
import Testing

@Suite("Delivery state from the providers' webhooks, and outgoing webhooks, over the API")
struct DeliveryAPITests {
    /// The delivery service of the fixture's appliance, with the providers on 127.0.0.1.
    static func deliver(_ fixture: Fixture, _ api: ProviderAPI) async -> OutboxDeliveryService.Pass {
        await OutboxDeliveryService(pool: fixture.state.pool, clock: fixture.clock, answerBaseURL: "http://stagesub.test",
                                    providers: api.providers).deliverAll()
    }

    @Test("Resend's signed webhooks mark emails delivered in the outbox; a forged, stale or foreign one is refused")
    func resendWebhooks() async throws {
        let api = try ProviderAPI()
        let fixture = try Fixture()
        try await api.configure(now: fixture.clock.now())
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin")
            let patched = try await client.call(.patch, "/api/v1/settings", as: admin, json: """
                {"emailTransport":"resend","resendApiKey":"\(ProviderAPI.resendKey)","resendWebhookSecret":"\(ProviderAPI.resendWebhookSecret)",
                 "emailFrom":"vikarier@alpha.test"}
                """)
            #expect(patched.status == 200 && patched.json?["resendApiKey"] as? String == "(set)"
                    && patched.json?["resendWebhookSecret"] as? String == "(set)" && !patched.text.contains(ProviderAPI.resendKey))
            let pass = await Self.deliver(fixture, api)
            #expect(pass.sent > 0, "\(pass)")

            let callbacks = try await api.callbacks()
            #expect(callbacks.count == 2 * pass.sent)
            for callback in callbacks {
                let headers = try #require(callback["headers"] as? [String: String])
                var fields = HTTPFields()
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                let reply = try await client.call(.post, "/api/v1/hooks/resend/alpha", json: try #require(callback["body"] as? String), headers: fields)
                #expect(reply.status == 204, "\(reply.text)")
            }
            let outbox = try await client.call(.get, "/api/v1/outbox?status=sent", as: admin)
            let items = try #require(outbox.json?["items"] as? [[String: Any]])
            #expect(items.count == pass.sent && items.allSatisfy { $0["deliveryState"] as? String == "delivered" && $0["providerMessageId"] is String })

            // Forged: the body changed after signing.
            let first = try #require(callbacks.first), headers = try #require(first["headers"] as? [String: String])
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            let forged = (first["body"] as? String ?? "").replacingOccurrences(of: "email.sent", with: "email.bounced")
            let refused = try await client.call(.post, "/api/v1/hooks/resend/alpha", json: forged, headers: fields)
            #expect(refused.status == 403 && refused.text.contains("svix-signature does not match"))
            // Another orchestra has no such secret; an unknown one does not exist.
            #expect(try await client.call(.post, "/api/v1/hooks/resend/beta", json: first["body"] as? String, headers: fields).status == 403)
            #expect(try await client.call(.post, "/api/v1/hooks/resend/nobody", json: "{}", headers: fields).status == 404)
            fixture.clock.advance(by: 3600)
            let stale = try await client.call(.post, "/api/v1/hooks/resend/alpha", json: first["body"] as? String, headers: fields)
            #expect(stale.status == 403 && stale.text.contains("five minutes"))
        }
    }

    @Test("Twilio's signed status callbacks mark SMS delivered or bounced; a wrong signature is refused and changes nothing")
    func twilioCallbacks() async throws {
        let api = try ProviderAPI()
        let fixture = try Fixture()
        let gateway = try fixture.state.gateway(try #require(try fixture.appliance.registry.orchestra(slug: "alpha")))
        try gateway.setSettings(["smsOnRequest": "true", "smsTransport": "twilio", "twilioAccountSid": ProviderAPI.twilioSid,
                                 "twilioAuthToken": ProviderAPI.twilioToken, "twilioFromNumber": "StageSub"])
        // Musicians with phones, asked for a new project: the request goes by SMS too ("…0000" is a number Twilio cannot reach).
        for (index, id) in try gateway.musicians(search: nil, includeArchived: false, limit: 100, offset: 0).items.map(\.id!).enumerated() {
            var musician = try gateway.musician(id)
            musician.phone = index == 0 ? "+46700000000" : "+4670111222\(index)"
            try gateway.updateMusician(musician, now: fixture.clock.now())
        }
        let project = try gateway.createProject(name: "Brahms", startDate: "2027-09-01", endDate: "2027-09-03", now: fixture.clock.now())
        let need = try gateway.createNeed(project: project.id!, position: fixture.alpha.position, quantity: 3, rankingList: fixture.alpha.list,
                                          strategy: .parallel, responseTimeHours: 48, now: fixture.clock.now())
        _ = try gateway.send(need: need.id!, now: fixture.clock.now())
        let pass = await Self.deliver(fixture, api)
        #expect(pass.sent >= 2, "\(pass)")

        try await fixture.test { client in
            let callbacks = try await api.callbacks()
            #expect(!callbacks.isEmpty)
            for callback in callbacks {
                let url = try #require(callback["url"] as? String), params = try #require(callback["params"] as? [String: String])
                let body = params.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
                var fields = HTTPFields()
                fields[HTTPField.Name("X-Twilio-Signature")!] = try #require(callback["signature"] as? String)
                let reply = try await client.call(.post, String(url.dropFirst("http://stagesub.test".count)), body: body, headers: fields)
                #expect(reply.status == 204, "\(reply.text)")
            }
            let admin = try await client.login("alpha-admin")
            let sms = try #require(try await client.call(.get, "/api/v1/outbox?status=sent&limit=500", as: admin).json?["items"] as? [[String: Any]])
                .filter { $0["channel"] as? String == "sms" }
            #expect(sms.count == pass.sent)
            #expect(sms.filter { $0["recipient"] as? String == "+46700000000" }.allSatisfy {
                $0["deliveryState"] as? String == "bounced" && $0["deliveryDetail"] as? String == "Twilio error 30003" })
            #expect(sms.filter { $0["recipient"] as? String != "+46700000000" }.allSatisfy { $0["deliveryState"] as? String == "delivered" })

            let callback = try #require(callbacks.last), url = try #require(callback["url"] as? String)
            var fields = HTTPFields()
            fields[HTTPField.Name("X-Twilio-Signature")!] = callback["signature"] as? String
            let forged = try await client.call(.post, String(url.dropFirst("http://stagesub.test".count)),
                                               body: "MessageSid=\(callback["params"].flatMap { ($0 as? [String: String])?["MessageSid"] } ?? "")&MessageStatus=failed",
                                               headers: fields)
            #expect(forged.status == 403 && forged.text.contains("X-Twilio-Signature"))
            #expect(try await client.call(.post, "/api/v1/hooks/twilio/alpha", body: "MessageSid=x").status == 403)
        }
    }

    @Test("An admin adds an endpoint (the secret shown once), sends a test event that its receiver verifies, reads the log, removes it")
    func endpoints() async throws {
        let api = try ProviderAPI()
        let fixture = try Fixture(webhookLoopback: true)
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin"), user = try await client.login("alpha-user")
            let bad = try await client.call(.post, "/api/v1/webhooks", as: admin, json: #"{"url":"http://payroll.alpha.test/hook","events":["need.filled"]}"#)
            #expect(bad.status == 400 && bad.text.contains("https://"))
            let badEvent = try await client.call(.post, "/api/v1/webhooks", as: admin, json: #"{"url":"https://payroll.alpha.test/hook","events":["need.exploded"]}"#)
            #expect(badEvent.status == 400 && badEvent.text.contains("need.exploded"))
            #expect(try await client.call(.post, "/api/v1/webhooks", as: user, json: #"{"url":"https://p.alpha.test/","events":["need.filled"]}"#).status == 403)

            let created = try await client.call(.post, "/api/v1/webhooks", as: admin,
                                                json: #"{"url":"\#(api.base)/hook/payroll","description":"Lön","events":["request.accepted","need.filled"]}"#)
            #expect(created.status == 201, "\(created.text)")
            let secret = try #require(created.json?["secret"] as? String), id = try #require(created.json?["id"] as? Int)
            let listed = try await client.call(.get, "/api/v1/webhooks", as: admin)
            #expect(listed.objects?.count == 1 && !listed.text.contains(secret))
            #expect(try await client.call(.get, "/api/v1/webhooks", as: try await client.login("beta-admin")).objects?.isEmpty == true)

            try await api.configure(hookSecret: secret)
            let test = try await client.call(.post, "/api/v1/webhooks/\(id)/test", as: admin)
            #expect(test.status == 200 && test.json?["status"] as? String == "delivered" && test.json?["lastStatusCode"] as? Int == 200, "\(test.text)")
            #expect(try await api.requests().last?["signature_ok"] as? Bool == true)
            let log = try await client.call(.get, "/api/v1/webhooks/\(id)/deliveries", as: admin)
            #expect(log.json?["total"] as? Int == 1)

            let off = try await client.call(.patch, "/api/v1/webhooks/\(id)", as: admin, json: #"{"isActive":false}"#)
            #expect(off.status == 200 && off.json?["isActive"] as? Bool == false)
            #expect(try await client.call(.delete, "/api/v1/webhooks/\(id)", as: admin).status == 204)
            #expect(try await client.call(.get, "/api/v1/webhooks/\(id)/deliveries", as: admin).status == 404)
        }
    }

    @Test("A signed callback with a body that makes no sense is a 400 naming what is missing, never a 500; a huge one is a 413")
    func badCallbacks() async throws {
        let fixture = try Fixture()
        let gateway = try fixture.state.gateway(try #require(try fixture.appliance.registry.orchestra(slug: "alpha")))
        try gateway.setSettings(["resendWebhookSecret": ProviderAPI.resendWebhookSecret, "twilioAuthToken": ProviderAPI.twilioToken])
        let key = try #require(Data(base64Encoded: String(ProviderAPI.resendWebhookSecret.dropFirst(6))))
        let stamp = String(Int(fixture.clock.now().timeIntervalSince1970))
        try await fixture.test { client in
            for body in ["not json", #"{"type":"email.delivered"}"#, "[1,2]"] {
                var fields = HTTPFields()
                fields[HTTPField.Name("svix-id")!] = "msg_1"
                fields[HTTPField.Name("svix-timestamp")!] = stamp
                fields[HTTPField.Name("svix-signature")!] = "v1," + WebhookSignature.svix(id: "msg_1", timestamp: stamp, body: Data(body.utf8), key: key)
                let reply = try await client.call(.post, "/api/v1/hooks/resend/alpha", json: body, headers: fields)
                #expect(reply.status == 400 && reply.text.contains("data.email_id"), "\(body): \(reply.text)")
            }
            let path = "/api/v1/hooks/twilio/alpha?message=x"
            var fields = HTTPFields()
            fields[HTTPField.Name("X-Twilio-Signature")!] = WebhookSignature.twilio(url: "http://stagesub.test" + path, parameters: [("MessageStatus", "delivered")],
                                                                                   authToken: ProviderAPI.twilioToken)
            let missing = try await client.call(.post, path, body: "MessageStatus=delivered", headers: fields)
            #expect(missing.status == 400 && missing.text.contains("MessageSid"))
            let huge = try await client.call(.post, path, body: String(repeating: "a", count: 100_000), headers: fields)
            #expect(huge.status == 413)
        }
    }

    @Test("Provider settings are checked and say what they take", arguments: [
        ("twilioAccountSid", "SK123"), ("twilioFromNumber", "0701234567"), ("smsTransport", "sinch"), ("emailTransport", "mailgun"),
        ("resendWebhookSecret", "secret"), ("twilioAuthToken", "has space"),
    ])
    func settings(key: String, value: String) async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let reply = try await client.call(.patch, "/api/v1/settings", as: try await client.login("alpha-admin"), json: #"{"\#(key)":"\#(value)"}"#)
            #expect(reply.status == 400 && reply.text.contains(key), "\(reply.text)")
        }
    }
}
