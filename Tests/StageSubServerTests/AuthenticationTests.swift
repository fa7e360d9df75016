import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("Login, sessions, CSRF, throttling")
struct AuthenticationTests {
    @Test("Login sets an HttpOnly SameSite cookie; logout and a changed password end sessions")
    func loginAndRevocation() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let reply = try await client.call(.post, "/api/v1/login", json: #"{"username":"admin@alpha.test","password":"\#(Fixture.password)"}"#)
            #expect(reply.status == 200)
            let cookie = try #require(reply.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            #expect(reply.json?["user"].flatMap { ($0 as? [String: Any])?["username"] as? String } == "alpha-admin")

            let admin = try await client.login("alpha-admin")
            #expect(try await client.call(.get, "/api/v1/session", as: admin).status == 200)
            // Logout without the CSRF token is refused and the session lives on.
            #expect(try await client.call(.post, "/api/v1/logout", as: admin, csrf: false).status == 403)
            #expect(try await client.call(.get, "/api/v1/musicians", as: admin).status == 200)
            #expect(try await client.call(.post, "/api/v1/logout", as: admin).status == 204)
            #expect(try await client.call(.get, "/api/v1/musicians", as: admin).status == 401)

            // A password change ends every session of the user, the current one too.
            let first = try await client.login("alpha-user"), second = try await client.login("alpha-user")
            let wrong = try await client.call(.post, "/api/v1/session/password", as: first,
                                              json: #"{"currentPassword":"nope-nope-nope","newPassword":"a-new-password-1"}"#)
            #expect(wrong.status == 400 && wrong.text.contains("current password is wrong"))
            #expect(try await client.call(.post, "/api/v1/session/password", as: first,
                                          json: #"{"currentPassword":"\#(Fixture.password)","newPassword":"a-new-password-1"}"#).status == 204)
            #expect(try await client.call(.get, "/api/v1/session", as: first).status == 401)
            #expect(try await client.call(.get, "/api/v1/session", as: second).status == 401)
            _ = try await client.login("alpha-user", password: "a-new-password-1")
            await #expect(throws: LoginFailed.self) { try await client.login("alpha-user") }
        }
    }

    @Test("Suspending an orchestra logs its users out, refuses their logins and closes its musicians' links")
    func suspension() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let alphaAdmin = try await client.login("alpha-admin"), betaAdmin = try await client.login("beta-admin")
            let superadmin = try await client.login("admin")
            #expect(try await client.call(.post, "/api/v1/admin/orchestras/alpha/suspend", as: superadmin).status == 200)
            #expect(try await client.call(.get, "/api/v1/musicians", as: alphaAdmin).status == 401)
            #expect(try await client.call(.get, "/api/v1/musicians", as: betaAdmin).status == 200)
            #expect(try await client.call(.get, "/api/v1/musicians", as: .apiKey(fixture.alphaKey)).status == 401)
            let refused = try await client.call(.post, "/api/v1/login", json: #"{"username":"alpha-user","password":"\#(Fixture.password)"}"#)
            #expect(refused.status == 403 && refused.text.contains("suspended"))
            let page = try await client.call(.get, "/r/\(fixture.alphaTokens[0])")
            #expect(page.status == 403 && page.text.contains("inte tillgänglig"))
            #expect(try await client.call(.post, "/api/v1/admin/orchestras/alpha/resume", as: superadmin).status == 200)
            _ = try await client.login("alpha-user")
        }
    }

    @Test("Five wrong passwords lock the account for 15 minutes, with a message that says how long")
    func throttling() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            for _ in 0..<5 {
                let reply = try await client.call(.post, "/api/v1/login", json: #"{"username":"alpha-user","password":"wrong-password!"}"#)
                #expect(reply.status == 401 && reply.text.contains("wrong username or password"))
            }
            let locked = try await client.call(.post, "/api/v1/login", json: #"{"username":"alpha-user","password":"\#(Fixture.password)"}"#)
            #expect(locked.status == 429)
            #expect(locked.text.contains("try again in 15 minutes"))
            #expect(locked.headers[.retryAfter] == "900")
            // Other accounts are not locked by one account's failures.
            _ = try await client.login("alpha-admin")
            fixture.clock.advance(by: 14 * 60)
            #expect(try await client.call(.post, "/api/v1/login", json: #"{"username":"alpha-user","password":"\#(Fixture.password)"}"#).status == 429)
            fixture.clock.advance(by: 61)
            _ = try await client.login("alpha-user")
            // An unknown user gets the same answer as a wrong password.
            let unknown = try await client.call(.post, "/api/v1/login", json: #"{"username":"nobody","password":"whatever-it-is"}"#)
            #expect(unknown.status == 401 && unknown.text.contains("wrong username or password"))
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains("stagesub_failed_logins_total 8"))
        }
    }

    @Test("The account limit holds however the name is typed: spaces, case, or the account's email")
    func throttleBypasses() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            for name in [" alpha-user", "alpha-user ", "ALPHA-USER", "user@alpha.test", " User@Alpha.test "] {
                let reply = try await client.call(.post, "/api/v1/login", json: #"{"username":"\#(name)","password":"wrong-password!"}"#)
                #expect(reply.status == 401, "\(name): \(reply.status)")
            }
            let locked = try await client.call(.post, "/api/v1/login", json: #"{"username":"alpha-user","password":"\#(Fixture.password)"}"#)
            #expect(locked.status == 429)
        }
    }

    @Test("Failures from one address for made-up names slow that address but never lock real accounts out")
    func addressNeverLocksEveryone() async throws {
        let fixture = try Fixture(loginSlowdownStep: .milliseconds(1))
        try await fixture.test { client in
            for i in 0..<(LoginThrottle.perAddress + 5) {
                let reply = try await client.call(.post, "/api/v1/login", json: #"{"username":"made-up-\#(i)","password":"wrong-password!"}"#)
                #expect(reply.status == 401)
            }
            // Every request of the router test comes from the same (unknown) address, as behind a proxy.
            #expect(fixture.state.throttle.check(account: "name:someone", address: nil) != .proceed(after: .zero))
            _ = try await client.login("alpha-user")
            _ = try await client.login("beta-admin")
        }
    }

    @Test("Behind a trusted proxy the client is the address it forwards; from anyone else X-Forwarded-For is ignored")
    func trustedProxy() async throws {
        for trusted in [true, false] {
            let fixture = try Fixture(trustedProxies: trusted ? ["127.0.0.1"] : [])
            try await fixture.application().test(.live) { client in
                let reply = try await client.execute(uri: "/api/v1/login", method: .post,
                                                     headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "203.0.113.9, 198.51.100.7"],
                                                     body: ByteBuffer(string: #"{"username":"alpha-user","password":"\#(Fixture.password)"}"#))
                #expect(reply.status == .ok)
            }
            let addresses = try fixture.appliance.query("SELECT clientAddress FROM session", orchestra: nil).rows.compactMap { $0.first ?? nil }
            #expect(addresses == [trusted ? "198.51.100.7" : "127.0.0.1"], "trusted: \(trusted)")
        }
    }

    @Test("A session changes nothing without its CSRF token; an API key needs none; a revoked key stops working")
    func csrfAndKeys() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let body = #"{"firstName":"Kalle","lastName":"Ek","email":"kalle@alpha.test"}"#
            let refused = try await client.call(.post, "/api/v1/musicians", as: user, json: body, csrf: false)
            #expect(refused.status == 403 && refused.text.contains("X-CSRF-Token"))
            #expect(try await client.call(.get, "/api/v1/musicians?search=Kalle", as: user).json?["total"] as? Int == 0)
            #expect(try await client.call(.post, "/api/v1/musicians", as: user, json: body).status == 201)
            let key = Credentials.apiKey(fixture.alphaKey)
            #expect(try await client.call(.post, "/api/v1/musicians", as: key,
                                          json: #"{"firstName":"Lisa","lastName":"Ek","email":"lisa@alpha.test"}"#).status == 201)
            // Keys: listed without the secret, created once, revoked.
            let admin = try await client.login("alpha-admin")
            let created = try await client.call(.post, "/api/v1/api-keys", as: admin, json: #"{"name":"payroll"}"#)
            #expect(created.status == 201)
            let secret = try #require(created.json?["key"] as? String)
            let id = try #require(created.json?["id"] as? Int)
            let list = try await client.call(.get, "/api/v1/api-keys", as: admin)
            #expect(!list.text.contains(secret) && list.text.contains("payroll"))
            #expect(try await client.call(.get, "/api/v1/projects", as: .apiKey(secret)).status == 200)
            #expect(try await client.call(.delete, "/api/v1/api-keys/\(id)", as: admin).status == 204)
            #expect(try await client.call(.get, "/api/v1/projects", as: .apiKey(secret)).status == 401)
            // A user is not an admin: no users, no keys, no settings.
            #expect(try await client.call(.get, "/api/v1/users", as: user).status == 403)
            #expect(try await client.call(.patch, "/api/v1/settings", as: key, json: #"{"conflictPolicy":"skip"}"#).status == 403)
        }
    }

    @Test("The HTML login form needs its own CSRF cookie, and logs in to the home page")
    func loginForm() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let page = try await client.call(.get, "/login")
            #expect(page.status == 200 && page.text.contains("<form method=\"post\" action=\"/login\""))
            let csrfCookie = try #require(page.headers[.setCookie])
            let csrf = String(csrfCookie.split(separator: ";")[0].split(separator: "=")[1])
            let forged = try await client.call(.post, "/login", body: "username=alpha-admin&password=\(Fixture.password)&csrf=\(csrf)")
            #expect(forged.status == 403)
            let ok = try await client.call(.post, "/login", body: "username=alpha-admin&password=\(Fixture.password)&csrf=\(csrf)",
                                           headers: [.cookie: "stagesub_login_csrf=\(csrf)"])
            #expect(ok.status == 303 && ok.headers[.location] == "/")
            let session = String(try #require(ok.headers[.setCookie]).split(separator: ";")[0])
            let home = try await client.call(.get, "/", headers: [.cookie: session])
            #expect(home.status == 200 && home.text.contains("Alpha Sinfonietta"))
            #expect(try await client.call(.get, "/").status == 303)
        }
    }
}
