import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("The audit log")
struct AuditTests {
    @Test("every change is recorded with who, what, which record, when and from where, never a secret, and survives backup and restore")
    func everyChange() async throws {
        let fixture = try Fixture()
        let secret = "smtp-secret-\(UUID().uuidString)"
        try await fixture.test { client in
            let user = try await client.login("alpha-user")
            let project = try await client.call(.post, "/api/v1/projects", as: user, json: #"{"name":"Audit","startDate":"2027-02-01"}"#)
            #expect(project.status == 201)
            _ = try await client.call(.post, "/api/v1/needs/\(fixture.alpha.need)/pause", as: .apiKey(fixture.alphaKey))
            let admin = try await client.login("alpha-admin")
            _ = try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"smtpPassword":"\#(secret)"}"#)
            let superadmin = try await client.login("admin")
            #expect(try await client.call(.post, "/api/v1/admin/orchestras/alpha/enter", as: superadmin).status == 200)
            _ = try await client.call(.post, "/api/v1/needs/\(fixture.alpha.need)/resume", as: superadmin)
            // Refused and read-only calls change nothing and are not recorded.
            _ = try await client.call(.post, "/api/v1/needs/\(fixture.alpha.need)/resume", as: user)
            _ = try await client.call(.get, "/api/v1/projects", as: user)

            let log = try await client.call(.get, "/api/v1/audit?limit=50", as: admin)
            #expect(log.status == 200 && !log.text.contains(secret))
            let items = try #require(log.json?["items"] as? [[String: Any]])
            let actions = items.map { "\($0["actorKind"] as? String ?? "") \($0["actorName"] as? String ?? "") \($0["action"] as? String ?? "") \($0["target"] as? String ?? "")" }
            #expect(actions == [
                "superadmin admin POST /api/v1/needs/{id}/resume id=\(fixture.alpha.need)",
                "user alpha-admin PATCH /api/v1/settings ",
                "api_key api key integration POST /api/v1/needs/{id}/pause id=\(fixture.alpha.need)",
                "user alpha-user POST /api/v1/projects ",
            ], "\(actions)")
            #expect(items.allSatisfy { $0["at"] as? String != nil && ($0["status"] as? Int ?? 0) < 400 })
            let filtered = try await client.call(.get, "/api/v1/audit?actor=alpha-user", as: admin)
            #expect((filtered.json?["items"] as? [[String: Any]])?.count == 1)
            #expect(try await client.call(.get, "/api/v1/audit", as: user).status == 403)
            #expect(try await client.call(.get, "/api/v1/audit?from=yesterday", as: admin).status == 400)
        }
        fixture.state.pool.closeAll()
        let backup = try fixture.appliance.backup("alpha")
        _ = try fixture.appliance.restore(backup.file, as: "alpha-copy")
        let rows = try fixture.appliance.query("SELECT count(*) FROM auditLog", orchestra: "alpha-copy").rows
        #expect(rows.first?.first == "4")
    }
}
