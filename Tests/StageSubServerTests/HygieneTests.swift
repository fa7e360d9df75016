import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("HTTP hygiene: headers, files, HEAD, exact content types, duplicate keys, huge numbers, guards")
struct HygieneTests {
    @Test("every answer carries the browser protections; HSTS only behind TLS (--secure-cookies)")
    func headers() async throws {
        for secure in [false, true] {
            let fixture = try Fixture(secureCookies: secure)
            try await fixture.test { client in
                let reply = try await client.call(.get, "/healthz")
                #expect(reply.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] == "same-origin")
                #expect(reply.headers[HTTPField.Name("Permissions-Policy")!]?.contains("camera=()") == true)
                #expect((reply.headers[HTTPField.Name("Strict-Transport-Security")!] != nil) == secure)
            }
        }
    }

    @Test("an uploaded file is always a download; only PDFs, pictures and MusicXML keep their type, and never run")
    func files() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            for (name, type, served) in [("evil.html", "text/html", "application/octet-stream"), ("noter.pdf", "application/pdf", "application/pdf"),
                                         ("bild.svg", "image/svg+xml", "application/octet-stream"), ("Stämma 1.musicxml", "application/vnd.recordare.musicxml+xml; charset=utf-8", "application/vnd.recordare.musicxml+xml")] {
                let query = "name=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&sendWith=request"
                let stored = try await client.call(.post, "/api/v1/projects/\(fixture.alpha.project)/files?\(query)", as: user,
                                                   body: "<script>alert(1)</script>", contentType: type)
                #expect(stored.status == 201, "\(name): \(stored.text)")
                let id = try #require(stored.json?["id"] as? Int)
                let download = try await client.call(.get, "/api/v1/files/\(id)", as: user)
                #expect(download.headers[.contentType] == served, "\(name)")
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(download.headers[HTTPField.Name("Content-Security-Policy")!]?.hasPrefix("sandbox") == true)
            }
        }
    }

    @Test("HEAD answers every GET with its headers and no body, and changes nothing")
    func head() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            for path in ["/api/v1/projects", "/api/v1/musicians", "/api/v1/openapi.json", "/healthz", "/r/\(fixture.alphaTokens[0])"] {
                let get = try await client.call(.get, path, as: user)
                let head = try await client.call(.head, path, as: user)
                #expect(head.status == get.status && head.text.isEmpty, "\(path): \(head.status)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(path)")
                // A length, where given, is the page's (not the empty body's).
                if let length = head.headers[.contentLength] { #expect(length == String(get.text.utf8.count), "\(path): \(length)") }
            }
            let requests = try await client.call(.get, "/api/v1/needs/\(fixture.alpha.need)/requests", as: user)
            #expect((requests.objects ?? []).allSatisfy { $0["status"] as? String == "pending" })
        }
    }

    @Test("bodies are refused unless their type is exactly right, keys appear once and numbers fit")
    func bodies() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let project = #"{"name":"X","startDate":"2027-01-04"}"#
            #expect(try await client.call(.post, "/api/v1/projects", as: user, json: project, contentType: "application/jsonp").status == 415)
            #expect(try await client.call(.post, "/api/v1/projects", as: user, json: project, contentType: "Application/JSON; charset=utf-8").status == 201)
            let twice = try await client.call(.post, "/api/v1/projects", as: user, json: #"{"name":"A","name":"B","startDate":"2027-01-04"}"#)
            #expect(twice.status == 400 && twice.text.contains("name"), "\(twice.text)")
            let nested = try await client.call(.patch, "/api/v1/settings", as: try await client.login("alpha-admin"),
                                               json: #"{"timeZone":"Europe/Oslo","timeZone":"UTC"}"#)
            #expect(nested.status == 400 && nested.text.contains("timeZone"))
            let huge = try await client.call(.post, "/api/v1/projects/\(fixture.alpha.project)/needs", as: user,
                                             json: #"{"positionId":\#(fixture.alpha.position),"quantity":99999999999999999999,"rankingListId":\#(fixture.alpha.list),"strategy":"parallel"}"#)
            #expect(huge.status == 400 && huge.text.contains("quantity"), "\(huge.text)")
            let csv = try await client.call(.post, "/api/v1/musicians/import?dryRun=true", as: user, json: "Förnamn;Efternamn;E-post\n", contentType: "text/plain")
            #expect(csv.status == 415)
        }
    }

    @Test("an admin cannot disable themselves or the orchestra's last admin; users read settings without the transport")
    func guards() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin")
            let users = try #require(try await client.call(.get, "/api/v1/users", as: admin).objects)
            let me = try #require(users.first { $0["username"] as? String == "alpha-admin" }?["id"] as? Int)
            let own = try await client.call(.post, "/api/v1/users/\(me)/disable", as: admin)
            #expect(own.status == 409 && own.text.contains("your own"))
            #expect(throws: StoreError.self) { try fixture.appliance.disableUser("alpha-admin") }  // the last admin
            _ = try await client.call(.patch, "/api/v1/settings", as: admin,
                                      json: #"{"emailTransport":"smtp","smtpHost":"mail.alpha.test","smtpUsername":"kansli","smtpPassword":"pw-123"}"#)
            let read = try await client.call(.get, "/api/v1/settings", as: try await client.login("alpha-user"))
            #expect(read.status == 200 && read.json?["smtpHost"] == nil && read.json?["smtpUsername"] == nil && read.json?["emailTransport"] == nil)
            #expect(read.json?["timeZone"] as? String == "Europe/Stockholm")
            #expect(try await client.call(.get, "/api/v1/settings", as: admin).json?["smtpHost"] as? String == "mail.alpha.test")
        }
    }
}
