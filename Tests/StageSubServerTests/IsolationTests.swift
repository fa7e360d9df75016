import Foundation
import HTTPTypes
@testable import StageSubServer
import StageSubStore
import Testing

@Suite("Isolation between orchestras, roles, and the OpenAPI document")
struct IsolationTests {
    /// A route's path with ids filled in: alpha's own, or ids that exist only in beta.
    static func fill(_ route: APIRoute, fixture: Fixture, other: Bool, backupFile: String) -> String {
        var path = route.path
        let id: Int64
        switch true {
        case path.contains("/musicians/{id}"): id = other ? fixture.betaOnly.musician : fixture.alpha.musician
        case path.contains("/projects/{id}"): id = other ? fixture.betaOnly.project : fixture.alpha.project
        case path.contains("/needs/{id}"): id = other ? fixture.betaOnly.need : fixture.alpha.need
        case path.contains("/requests/{id}"): id = other ? fixture.betaOnly.request : fixture.alpha.request
        case path.contains("/lists/{id}"): id = fixture.alpha.list
        case path.contains("/positions/{id}"): id = fixture.alpha.position
        case path.contains("/api-keys/{id}"), path.contains("/users/{id}"): id = 999   // never revoke the test's own key
        default: id = other ? 999 : 1
        }
        path = path.replacingOccurrences(of: "{id}", with: String(id))
        path = path.replacingOccurrences(of: "{slug}", with: other ? "beta" : "alpha")
        path = path.replacingOccurrences(of: "{file}", with: backupFile)
        path = path.replacingOccurrences(of: "{token}", with: other ? "beta.not-a-token" : fixture.alphaTokens[0])
        return path
    }

    static let routesThatEndTheSession: Set<String> = ["/api/v1/logout", "/api/v1/session/password", "/logout"]

    @Test("Every route × role × own/other ids: allowed or refused as it should be, never another orchestra's data")
    func matrix() async throws {
        let fixture = try Fixture()
        let backup = try fixture.appliance.backup("alpha").file.lastPathComponent
        try await fixture.test { client in
            let roles: [(Credentials, User.Role?)] = [
                (.anonymous, nil), (try await client.login("alpha-user"), .user), (try await client.login("alpha-admin"), .admin),
                (.apiKey(fixture.alphaKey), .user), (try await client.login("admin"), .superadmin),
            ]
            var checked = 0
            for route in ServerState.routes where !Self.routesThatEndTheSession.contains(route.path) && route.path != "/api/v1/login" {
                // Restore, suspend, enter and leave would change what the rest of the matrix stands on: every
                // role but the superadmin is checked (and refused); the superadmin's own use has its own tests.
                let changesTheGround = ["/restore", "/suspend", "/enter", "/leave"].contains { route.path.hasSuffix($0) }
                for (credentials, role) in roles where !(changesTheGround && role == .superadmin) {
                    for other in [false, true] {
                        let path = Self.fill(route, fixture: fixture, other: other, backupFile: backup)
                        let reply = try await client.call(route.method, path + (route.requestContentType == "text/csv" ? "?dryRun=true" : ""),
                                                          as: credentials, json: route.requestContentType == "application/json" ? "{}" : nil,
                                                          body: route.requestContentType == "application/json" ? nil : "",
                                                          contentType: route.requestContentType)
                        checked += 1
                        let context = "\(route.method) \(path) as \(credentials): \(reply.status) \(reply.text.prefix(160))"
                        #expect(reply.status != 500, "\(context)")
                        if role != .superadmin {
                            #expect(!reply.text.contains("beta-only") && !reply.text.contains("@beta.test"), "\(context)")
                        }
                        let expected = Self.expectation(route, role: role)
                        switch expected {
                        case .open: break
                        case .refused(let status): #expect(reply.status == status, "\(context)")
                        case .allowed:
                            #expect(![401, 403].contains(reply.status), "\(context)")
                            if other && route.pathParameters.contains(where: { $0 == "id" }) && Self.orchestraIdRoute(route) {
                                #expect([400, 404, 415].contains(reply.status), "another orchestra's id must be not found: \(context)")
                            }
                        }
                    }
                }
            }
            #expect(checked > 400)
        }
    }

    /// `open`: anonymous routes (pages with their own checks): only no 500 and no leak.
    enum Expectation { case open, allowed, refused(Int) }

    static func orchestraIdRoute(_ route: APIRoute) -> Bool {
        ["/musicians/{id}", "/projects/{id}", "/needs/{id}", "/requests/{id}"].contains { route.path.contains($0) }
    }

    static func expectation(_ route: APIRoute, role: User.Role?) -> Expectation {
        switch route.access {
        case .anonymous: return .open
        case .authenticated: return role == nil ? .refused(401) : .allowed
        case .superadmin: return role == nil ? .refused(401) : role == .superadmin ? .allowed : .refused(403)
        case .orchestra(let minimum):
            guard let role else { return .refused(401) }
            if role == .superadmin { return .refused(403) }   // not entered into an orchestra
            if minimum == .admin && role != .admin { return .refused(403) }
            return .allowed
        }
    }

    @Test("A superadmin acts in an orchestra only after entering it, and that is logged")
    func superadminEnters() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            let superadmin = try await client.login("admin")
            #expect(try await client.call(.get, "/api/v1/musicians", as: superadmin).status == 403)
            #expect(try await client.call(.post, "/api/v1/admin/orchestras/beta/enter", as: superadmin).status == 200)
            let list = try await client.call(.get, "/api/v1/musicians", as: superadmin)
            #expect(list.json?["total"] as? Int == 6 && list.text.contains("beta-only"))
            let log = try await client.call(.get, "/api/v1/admin/log", as: superadmin)
            #expect(log.text.contains("admin entered orchestra beta"))
            #expect(try await client.call(.post, "/api/v1/admin/leave", as: superadmin).status == 204)
            #expect(try await client.call(.get, "/api/v1/musicians", as: superadmin).status == 403)
        }
    }

    @Test("The OpenAPI document and the router agree: every documented operation answers as documented, nothing else answers")
    func openAPIAgreement() async throws {
        let fixture = try Fixture()
        let backup = try fixture.appliance.backup("alpha").file.lastPathComponent
        try await fixture.test { client in
            let document = try await client.call(.get, "/api/v1/openapi.json")
            let paths = try #require(document.json?["paths"] as? [String: [String: Any]])
            #expect(document.json?["openapi"] as? String == "3.1.0")
            let superadmin = try await client.login("admin")
            _ = try await client.call(.post, "/api/v1/admin/orchestras/alpha/enter", as: superadmin)
            let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
            var operations = 0
            // Routes that end the session or replace the orchestra go last.
            let ordered = paths.keys.sorted { a, b in
                let late = { (p: String) in
                    Self.routesThatEndTheSession.contains(p) || p.hasSuffix("/restore") || p.hasSuffix("/suspend") || p.hasSuffix("/leave")
                }
                return late(a) == late(b) ? a < b : !late(a)
            }
            for path in ordered {
                let documented = try #require(paths[path])
                for method in methods {
                    let route = ServerState.routes.first { $0.path == path && $0.method == method }
                    let uri = route.map { Self.fill($0, fixture: fixture, other: false, backupFile: backup) }
                        ?? path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{slug}", with: "alpha")
                            .replacingOccurrences(of: "{token}", with: fixture.alphaTokens[0]).replacingOccurrences(of: "{file}", with: backup)
                    guard let operation = documented[method.rawValue.lowercased()] as? [String: Any] else {
                        if method == .head { continue }
                        // Not documented: the router must not answer it either.
                        let reply = try await client.call(method, uri, as: superadmin, json: "{}")
                        #expect(reply.status == 405, "\(method) \(path) is undocumented but answered \(reply.status)")
                        continue
                    }
                    operations += 1
                    let statuses = Set((operation["responses"] as? [String: Any] ?? [:]).keys.compactMap(Int.init))
                    let content = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?.keys.first
                    let reply = try await client.call(method, uri, as: superadmin, json: content == "application/json" ? "{}" : nil,
                                                      body: content.map { $0 == "application/json" ? nil : "" } ?? nil, contentType: content)
                    #expect(statuses.contains(reply.status), "\(method) \(path) answered \(reply.status), documented \(statuses.sorted()): \(reply.text.prefix(200))")
                }
            }
            #expect(operations == ServerState.routes.count)
            for undocumented in ["/api/v1/secret", "/api/v1/musicians/1/delete", "/admin/secret", "/api/v2/musicians"] {
                #expect(try await client.call(.get, undocumented, as: superadmin).status == 404)
            }
        }
    }
}
