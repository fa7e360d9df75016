import Foundation
import GRDB

/// Who is asking, once a session token or an API key has been checked against the registry.
public struct Principal: Sendable {
    public enum Kind: Sendable, Equatable {
        case user(User)
        /// An integration with one orchestra's API key: daily work, no users or settings.
        case apiKey(APIKey)
    }

    public let kind: Kind
    /// The orchestra this principal works in: the user's own, the key's, or the one a superadmin entered.
    public let orchestra: Orchestra?
    /// Hash of the session token, for logout and for entering an orchestra (nil for API keys).
    public let sessionHash: String?

    public var user: User? {
        if case .user(let user) = kind { return user }
        return nil
    }

    public var role: User.Role {
        switch kind {
        case .user(let user): return user.role
        case .apiKey: return .user
        }
    }

    /// Who did it, for the log.
    public var actorName: String {
        switch kind {
        case .user(let user): return user.username
        case .apiKey(let key): return "api key \(key.name)"
        }
    }
}

/// A new login session; `token` goes into the cookie and exists nowhere else.
public struct NewSession: Sendable {
    public let token: String
    public let principal: Principal
    public let expiresAt: Date
}

/// Access to the appliance: passwords, sessions, API keys. The HTTP layer holds no secrets of its own;
/// every check reads the registry, so revocation (logout, password change, a disabled user, a suspended
/// orchestra) takes effect on the very next request.
extension Appliance {
    /// How long a session lives without use, and at most.
    public static let sessionIdleLifetime: TimeInterval = 12 * 3600
    public static let sessionMaximumLifetime: TimeInterval = 14 * 24 * 3600

    /// Checks a username (or email) and password and opens a session. A disabled user, an unknown name and
    /// a wrong password get the same answer, so the answer does not tell which usernames exist; a suspended
    /// orchestra's users are told that their orchestra is suspended (only after the password matched).
    public func login(_ nameOrEmail: String, password: String, clientAddress: String?, userAgent: String?) throws(StoreError) -> NewSession {
        let refused = StoreError(.unauthorised, "wrong username or password")
        guard let user = try registry.user(named: nameOrEmail.trimmingCharacters(in: .whitespaces)) else {
            // Spend the same time as a real check, so timing does not reveal unknown names either.
            _ = PasswordHash.verify(password, against: Self.decoyHash)
            throw refused
        }
        guard PasswordHash.verify(password, against: user.passwordHash), user.active else { throw refused }
        var orchestra: Orchestra?
        if let id = user.orchestraId {
            orchestra = try registry.orchestra(id: id)
            guard let orchestra, orchestra.status == .active else {
                throw StoreError(.forbidden, "your orchestra's account is suspended; contact the StageSub operator")
            }
        }
        let token = Self.newSecret()
        let timestamp = now()
        let session = Session(tokenHash: Self.secretHash(token), userId: user.id!, createdAt: timestamp,
                              expiresAt: timestamp.addingTimeInterval(Self.sessionIdleLifetime), lastSeenAt: timestamp,
                              clientAddress: clientAddress, userAgent: userAgent.map { String($0.prefix(200)) })
        try registry.write { db in
            try session.insert(db)
            try db.execute(sql: "UPDATE user SET lastLogin = ? WHERE id = ?", arguments: [timestamp, user.id])
            try db.execute(sql: "DELETE FROM session WHERE expiresAt < ?", arguments: [timestamp])
            try Registry.log("info", "login", "\(user.username) logged in", orchestraId: user.orchestraId, userId: user.id,
                             at: timestamp, in: db)
        }
        return NewSession(token: token, principal: Principal(kind: .user(user), orchestra: orchestra, sessionHash: session.tokenHash),
                          expiresAt: session.expiresAt)
    }

    /// The principal of a session token, or nil when the session is unknown, expired or revoked. Extends
    /// the session's idle lifetime (at most once a minute, so reads stay reads).
    public func authenticate(sessionToken token: String) throws(StoreError) -> Principal? {
        let hash = Self.secretHash(token)
        let timestamp = now()
        let found = try registry.read { db -> (Session, User, Orchestra?, Orchestra?)? in
            // Every authenticated request runs these: cached statements, prepared once per connection.
            guard let session = try Session.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE tokenHash = ?"), arguments: [hash]),
                  session.expiresAt > timestamp,
                  let user = try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [session.userId]),
                  user.active else { return nil }
            let own = try user.orchestraId.flatMap { try Registry.orchestra(id: $0, in: db) }
            let acting = try session.actingOrchestraId.flatMap { try Registry.orchestra(id: $0, in: db) }
            return (session, user, own, acting)
        }
        guard let (session, user, own, acting) = found else { return nil }
        if user.role != .superadmin {
            guard let own, own.status == .active else { return nil }
        }
        let maximum = session.createdAt.addingTimeInterval(Self.sessionMaximumLifetime)
        // One request extends the session; others of the same session that arrive while it writes (a browser
        // loads a page and its assets at once) go on with the lifetime they read instead of queueing behind
        // the same registry commit: four such writes in a row were a 60 ms stall once a minute.
        if timestamp.timeIntervalSince(session.lastSeenAt) > 60, sessionTouches.withLock({ $0.insert(hash).inserted }) {
            defer { sessionTouches.withLock { _ = $0.remove(hash) } }
            let expires = min(timestamp.addingTimeInterval(Self.sessionIdleLifetime), maximum)
            try registry.write { db in
                try db.execute(sql: "UPDATE session SET lastSeenAt = ?, expiresAt = ? WHERE tokenHash = ?", arguments: [timestamp, expires, hash])
            }
        }
        return Principal(kind: .user(user), orchestra: user.role == .superadmin ? acting : own, sessionHash: hash)
    }

    /// Ends one session.
    public func logout(_ principal: Principal) throws(StoreError) {
        guard let hash = principal.sessionHash else { return }
        try registry.write { db in try db.execute(sql: "DELETE FROM session WHERE tokenHash = ?", arguments: [hash]) }
    }

    /// A user changes their own password: the current one must match; every session of theirs ends.
    public func changePassword(_ principal: Principal, current: String, new: String) throws(StoreError) {
        guard let user = principal.user else { throw StoreError(.forbidden, "an API key has no password") }
        guard PasswordHash.verify(current, against: user.passwordHash) else {
            throw StoreError(.invalidInput, .currentPasswordWrong)
        }
        _ = try setPassword(of: user.username, to: new)
    }

    /// A superadmin enters an orchestra to act in it (nil leaves it). Recorded in the log.
    public func enterOrchestra(_ slug: String?, principal: Principal) throws(StoreError) -> Orchestra? {
        guard let user = principal.user, user.role == .superadmin, let hash = principal.sessionHash else {
            throw StoreError(.forbidden, "only a superadmin can enter another orchestra")
        }
        let orchestra = try slug.map { (slug) throws(StoreError) in try self.orchestra(slug) }
        let timestamp = now()
        try registry.write { db in
            try db.execute(sql: "UPDATE session SET actingOrchestraId = ? WHERE tokenHash = ?", arguments: [orchestra?.id, hash])
            let message = orchestra.map { "\(user.username) entered orchestra \($0.slug)" } ?? "\(user.username) left the orchestra"
            try Registry.log("warning", "superadmin", message, orchestraId: orchestra?.id, userId: user.id, at: timestamp, in: db)
        }
        return orchestra
    }

    // MARK: API keys

    /// Creates an API key for an orchestra; the key is returned once and only its hash is kept.
    public func createAPIKey(orchestra slug: String, name: String) throws(StoreError) -> (APIKey, key: String) {
        let label = name.trimmingCharacters(in: .whitespaces)
        guard (1...80).contains(label.count) else { throw StoreError(.invalidInput, .apiKeyName) }
        let orchestra = try orchestra(slug)
        let secret = "ssk_" + Self.newSecret()
        var key = APIKey(orchestraId: orchestra.id!, name: label, keyHash: Self.secretHash(secret),
                         hint: String(secret.prefix(10)), createdAt: now(), revokedAt: nil, lastUsedAt: nil)
        let timestamp = now()
        try registry.write { db in
            try key.insert(db)
            try Registry.log("info", "apikey", "created API key \(label)", orchestraId: orchestra.id, userId: nil, at: timestamp, in: db)
        }
        return (key, secret)
    }

    /// The keys of an orchestra, revoked ones included (newest first).
    public func apiKeys(orchestra slug: String) throws(StoreError) -> [APIKey] {
        let id = try orchestra(slug).id!
        return try registry.read { db in try APIKey.filter(sql: "orchestraId = ?", arguments: [id]).order(sql: "id DESC").fetchAll(db) }
    }

    /// Revokes a key of this orchestra; a key of another orchestra is "not found".
    public func revokeAPIKey(_ id: Int64, orchestra slug: String) throws(StoreError) {
        let orchestraId = try orchestra(slug).id!
        let timestamp = now()
        try registry.write { db in
            guard var key = try APIKey.filter(sql: "id = ? AND orchestraId = ?", arguments: [id, orchestraId]).fetchOne(db) else {
                throw StoreError(.notFound, "no API key \(id)")
            }
            if key.revokedAt == nil {
                key.revokedAt = timestamp
                try key.update(db)
                try Registry.log("info", "apikey", "revoked API key \(key.name)", orchestraId: orchestraId, userId: nil, at: timestamp, in: db)
            }
        }
    }

    /// The principal of an API key, or nil when it is unknown, revoked, or its orchestra is not active.
    public func authenticate(apiKey secret: String) throws(StoreError) -> Principal? {
        let hash = Self.secretHash(secret)
        let found = try registry.read { db -> (APIKey, Orchestra)? in
            guard let key = try APIKey.fetchOne(db.cachedStatement(sql: "SELECT * FROM apiKey WHERE keyHash = ?"), arguments: [hash]),
                  key.revokedAt == nil, let orchestra = try Registry.orchestra(id: key.orchestraId, in: db) else { return nil }
            return (key, orchestra)
        }
        guard let (key, orchestra) = found, orchestra.status == .active else { return nil }
        return Principal(kind: .apiKey(key), orchestra: orchestra, sessionHash: nil)
    }

    // MARK: Secrets

    static func newSecret() -> String { Sodium.urlSafeToken() }

    /// Session tokens and API keys carry 256 random bits, so a plain SHA-256 is the right hash for them.
    public static func secretHash(_ secret: String) -> String { Sodium.hex(Sodium.sha256(Array(secret.utf8))) }

    /// A valid hash of a password nobody has, to spend a real check's time on unknown usernames.
    static let decoyHash: String = (try? PasswordHash.make(newSecret())) ?? ""
}
