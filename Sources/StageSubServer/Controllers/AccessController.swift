import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct LoginInput: APIInput {
    var username: String, password: String
}

struct PasswordInput: APIInput {
    var currentPassword: String, newPassword: String
}

struct UserInput: APIInput {
    var username: String, email: String, role: User.Role, password: String?
    static let annotations: [String: [SchemaNote]] = ["role": [.oneOf(["admin", "user"])]]
}

struct APIKeyInput: APIInput {
    var name: String
}

struct OrchestraInput: APIInput {
    var slug: String?, name: String?, adminEmail: String?, adminUsername: String?, adminPassword: String?
    var plan: String?, maxMusicians: Int?, maxProjects: Int?, contactName: String?, contactEmail: String?
}

/// An orchestra as clients see it: never its sealed secrets.
struct OrchestraView: APIContent {
    let slug: String, name: String, status: Orchestra.Status, plan: String, maxMusicians: Int, maxProjects: Int
    let contactName: String, contactEmail: String, createdAt: Date
    let schemaVersion: Int?, sizeBytes: Int?, users: Int?

    init(_ o: Orchestra, summary: Appliance.OrchestraSummary?) {
        slug = o.slug; name = o.name; status = o.status; plan = o.plan; maxMusicians = o.maxMusicians
        maxProjects = o.maxProjects; contactName = o.contactName; contactEmail = o.contactEmail; createdAt = o.createdAt
        schemaVersion = summary?.schemaVersion; sizeBytes = summary?.sizeBytes; users = summary?.users
    }

    static let componentName: String? = "Orchestra"
    static var example: OrchestraView { get throws { OrchestraView(try SchemaBook.example(), summary: try SchemaBook.example(Appliance.OrchestraSummary.self)) } }
}

struct UserView: APIContent {
    let id: Int64, username: String, email: String, role: User.Role, orchestra: String?, active: Bool, lastLogin: Date?
    init(_ user: User, orchestra: String?) {
        id = user.id ?? 0; username = user.username; email = user.email; role = user.role
        self.orchestra = orchestra; active = user.active; lastLogin = user.lastLogin
    }

    static let componentName: String? = "User"
    static var example: UserView { get throws { UserView(try SchemaBook.example(), orchestra: "alpha") } }
}

struct SessionView: APIContent {
    let user: UserView?
    let orchestra: OrchestraView?
    let csrfToken: String?
    let expiresAt: Date?

    static let componentName: String? = "Session"
    static var example: SessionView { get throws { SessionView(user: try .example, orchestra: try .example, csrfToken: "token", expiresAt: Date()) } }
}

struct APIKeyView: APIContent {
    let id: Int64, name: String, hint: String, createdAt: Date, revokedAt: Date?
    var key: String? = nil
    init(_ key: APIKey, secret: String? = nil) {
        id = key.id ?? 0; name = key.name; hint = key.hint; createdAt = key.createdAt; revokedAt = key.revokedAt; self.key = secret
    }

    static let componentName: String? = "APIKey"
    static var example: APIKeyView { get throws { APIKeyView(try SchemaBook.example(), secret: "key") } }
}

/// A user just made, with the password generated for them (shown once).
struct CreatedUser: APIContent {
    let user: UserView
    let generatedPassword: String?
    static var example: CreatedUser { get throws { CreatedUser(user: try .example, generatedPassword: "secret") } }
}

/// Logging in and out, the caller's session and password, and an orchestra's users and API keys.
struct AccessController {
    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/api/v1/login", summary: "Log in with username (or email) and password; sets the session cookie.",
                     access: .anonymous, input: LoginInput.self, reply: SessionView.self, errors: [401, 403, 429]) { input, request, context, scope in
                let state = scope.state
                switch try await state.attemptLogin(username: input.username, password: input.password, request: request, context: context) {
                case .failure(let error): throw error
                case .success(let session):
                    return JSONReply(body: Self.sessionView(session.principal, token: session.token, expiresAt: session.expiresAt),
                                     headers: [.setCookie: Authentication.cookie(session.token, expires: session.expiresAt,
                                                                                 secure: state.configuration.secureCookies)])
                }
            },
            APIRoute(method: .post, path: "/api/v1/logout", summary: "End this session.", access: .authenticated, success: (204, nil)) { _, _, scope in
                if let principal = scope.principal { try scope.state.appliance.logout(principal) }
                return Response(status: .noContent, headers: [.setCookie: Authentication.cookie("", expires: nil, secure: scope.state.configuration.secureCookies)])
            },
            APIRoute(method: .get, path: "/api/v1/session", summary: "Who is logged in, their orchestra, and the CSRF token for changes.",
                     access: .authenticated, output: SessionView.self) { request, _, scope in
                Self.sessionView(try scope.principal.unwrap(), token: Authentication.sessionToken(request), expiresAt: nil)
            },
            APIRoute(method: .post, path: "/api/v1/session/password", summary: "Change your password; every session of yours ends, log in again.",
                     access: .authenticated, input: PasswordInput.self) { input, _, _, scope in
                let appliance = scope.state.appliance, principal = try scope.principal.unwrap()
                // Argon2id, twice: off the event loop.
                try await Blocking.run { try appliance.changePassword(principal, current: input.currentPassword, new: input.newPassword) }
                return Response(status: .noContent, headers: [.setCookie: Authentication.cookie("", expires: nil, secure: scope.state.configuration.secureCookies)])
            },
            // The orchestra's users and API keys: admins only.
            APIRoute(method: .get, path: "/api/v1/users", summary: "The orchestra's users.", access: .orchestra(.admin),
                     output: [UserView].self) { _, _, scope in
                let slug = try scope.slug
                return try scope.state.appliance.users(orchestra: slug).map { UserView($0, orchestra: slug) }
            },
            APIRoute(method: .post, path: "/api/v1/users", summary: "Add a user (role admin or user); without a password one is generated and returned once.",
                     access: .orchestra(.admin), input: UserInput.self, status: .created, output: CreatedUser.self,
                     errors: [409]) { input, _, _, scope in
                guard input.role != .superadmin else { throw APIError.badField("role", "must be admin or user") }
                let slug = try scope.slug
                let appliance = scope.state.appliance
                let (user, generated) = try await Blocking.run {
                    try appliance.createUser(username: input.username, email: input.email, role: input.role, orchestra: slug, password: input.password)
                }
                scope.log("created user \(user.username)")
                return CreatedUser(user: UserView(user, orchestra: slug), generatedPassword: generated)
            },
            APIRoute(method: .post, path: "/api/v1/users/{id}/disable", summary: "Disable a user of the orchestra (their sessions end); not yourself, not the last admin.",
                     access: .orchestra(.admin), success: (204, nil), errors: [409]) { _, _, scope in
                let id = try scope.id(), slug = try scope.slug
                guard let user = try scope.state.appliance.users(orchestra: slug).first(where: { $0.id == id }) else { throw APIError.notFound }
                guard user.id != scope.principal?.user?.id else {
                    throw APIError(.conflict, "you cannot disable your own account; ask another admin of the orchestra")
                }
                try scope.state.appliance.disableUser(user.username)
                scope.log("disabled user \(user.username)")
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/api-keys", summary: "The orchestra's API keys (never the keys themselves).",
                     access: .orchestra(.admin), output: [APIKeyView].self) { _, _, scope in
                try scope.state.appliance.apiKeys(orchestra: try scope.slug).map { APIKeyView($0) }
            },
            APIRoute(method: .post, path: "/api/v1/api-keys", summary: "Create an API key; the key is in this response only.",
                     access: .orchestra(.admin), input: APIKeyInput.self, status: .created, output: APIKeyView.self) { input, _, _, scope in
                let (key, secret) = try scope.state.appliance.createAPIKey(orchestra: try scope.slug, name: input.name)
                return APIKeyView(key, secret: secret)
            },
            APIRoute(method: .delete, path: "/api/v1/api-keys/{id}", summary: "Revoke an API key.", access: .orchestra(.admin),
                     success: (204, nil)) { _, _, scope in
                try scope.state.appliance.revokeAPIKey(try scope.id(), orchestra: try scope.slug)
                return Response(status: .noContent)
            },
        ]
    }

    /// What a session looks like to its caller.
    static func sessionView(_ principal: Principal, token: String?, expiresAt: Date?) -> SessionView {
        SessionView(user: principal.user.map { UserView($0, orchestra: principal.orchestra?.slug) },
                    orchestra: principal.orchestra.map { OrchestraView($0, summary: nil) },
                    csrfToken: token.map(Authentication.csrfToken), expiresAt: expiresAt)
    }
}
