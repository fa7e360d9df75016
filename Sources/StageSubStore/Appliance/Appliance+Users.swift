import Foundation

extension Appliance {
    /// Adds a user. `orchestra` is required for admins and users and must be nil for a superadmin.
    /// Returns the user and, when no password was given, the generated one (shown once).
    public func createUser(username: String, email: String, role: User.Role, orchestra slug: String?,
                           password: String? = nil) throws(StoreError) -> (User, generatedPassword: String?) {
        try Self.validateUsername(username)
        try Self.validateEmail(email)
        var orchestraId: Int64?
        switch (role, slug) {
        case (.superadmin, nil): break
        case (.superadmin, .some): throw StoreError(.invalidInput, "a superadmin belongs to no orchestra")
        case (_, nil): throw StoreError(.invalidInput, "an \(role.rawValue) belongs to an orchestra: give --orchestra SLUG")
        case (_, .some(let slug)): orchestraId = try orchestra(slug).id
        }
        let secret = password ?? PasswordHash.generatePassword()
        try Self.validatePassword(secret)
        let user = try registry.insertUser(User(username: username, email: email, role: role, orchestraId: orchestraId,
                                                passwordHash: PasswordHash.make(secret), now: now()))
        try registry.log("info", "user", "created \(role.rawValue) \(username)", orchestraId: orchestraId, userId: user.id, at: now())
        return (user, password == nil ? secret : nil)
    }

    /// The user with this username or email, or a clear not-found error.
    public func user(_ nameOrEmail: String) throws(StoreError) -> User {
        guard let user = try registry.user(named: nameOrEmail) else { throw StoreError(.notFound, "no user \(nameOrEmail)") }
        return user
    }

    /// Sets a new password (or generates one, returned) and ends the user's sessions.
    public func setPassword(of nameOrEmail: String, to password: String?) throws(StoreError) -> String? {
        let user = try user(nameOrEmail)
        let secret = password ?? PasswordHash.generatePassword()
        try Self.validatePassword(secret)
        try registry.setPasswordHash(PasswordHash.make(secret), forUser: user.id!, at: now())
        try registry.log("info", "user", "password changed for \(user.username)", orchestraId: user.orchestraId, userId: user.id, at: now())
        return password == nil ? secret : nil
    }

    /// Disables a user (sessions end now); refuses to disable the last active superadmin.
    public func disableUser(_ nameOrEmail: String) throws(StoreError) {
        let user = try user(nameOrEmail)
        if user.role == .superadmin {
            let others = try registry.users().filter { $0.role == .superadmin && $0.active && $0.id != user.id }
            if others.isEmpty { throw StoreError(.conflict, .lastSuperadmin(user.username)) }
        }
        if user.role == .admin, let orchestra = user.orchestraId {
            let others = try registry.users(orchestraId: orchestra).filter { $0.role == .admin && $0.active && $0.id != user.id }
            if others.isEmpty { throw StoreError(.conflict, .lastAdmin(user.username)) }
        }
        try registry.setActive(false, user: user.id!, at: now())
        try registry.log("info", "user", "disabled \(user.username)", orchestraId: user.orchestraId, userId: user.id, at: now())
    }

    /// Users of one orchestra (by slug) or of the whole appliance.
    public func users(orchestra slug: String? = nil) throws(StoreError) -> [User] {
        try registry.users(orchestraId: slug.map { (s) throws(StoreError) in try orchestra(s).id! })
    }
}

extension Appliance {
    /// The language a user reads the interface in (sv or en).
    public func setPreferredLanguage(_ language: String, user id: Int64) throws(StoreError) {
        guard ["sv", "en"].contains(language) else { throw StoreError(.invalidInput, "language must be sv or en") }
        let timestamp = now()
        try registry.write { db in
            try db.execute(sql: "UPDATE user SET preferredLanguage = ?, updatedAt = ? WHERE id = ?", arguments: [language, timestamp, id])
        }
    }

    /// Makes an orchestra's user an admin or a user; the orchestra keeps at least one active admin.
    public func setRole(_ role: User.Role, of nameOrEmail: String) throws(StoreError) {
        let user = try user(nameOrEmail)
        guard role != .superadmin, user.role != .superadmin, let orchestra = user.orchestraId else {
            throw StoreError(.invalidInput, "only an orchestra's admins and users change roles")
        }
        if user.role == .admin, role == .user {
            let others = try registry.users(orchestraId: orchestra).filter { $0.role == .admin && $0.active && $0.id != user.id }
            if others.isEmpty { throw StoreError(.conflict, .lastAdmin(user.username)) }
        }
        let timestamp = now()
        try registry.write { db in
            try db.execute(sql: "UPDATE user SET role = ?, updatedAt = ? WHERE id = ?", arguments: [role.rawValue, timestamp, user.id])
            try Registry.log("info", "user", "\(user.username) is now \(role.rawValue)", orchestraId: orchestra, userId: user.id, at: timestamp, in: db)
        }
    }

    /// Lets a disabled user log in again.
    public func enableUser(_ nameOrEmail: String) throws(StoreError) {
        let user = try user(nameOrEmail)
        try registry.setActive(true, user: user.id!, at: now())
        try registry.log("info", "user", "enabled \(user.username)", orchestraId: user.orchestraId, userId: user.id, at: now())
    }

    /// A user's sessions that have not expired, the latest seen first.
    public func sessions(of user: Int64) throws(StoreError) -> [Session] {
        let timestamp = now()
        return try registry.read { db in
            try Session.fetchAll(db, sql: "SELECT * FROM session WHERE userId = ? AND expiresAt > ? ORDER BY lastSeenAt DESC",
                                 arguments: [user, timestamp])
        }
    }

    /// Ends every session of the principal's user but the one it is using ("log out everywhere else").
    public func endOtherSessions(_ principal: Principal) throws(StoreError) -> Int {
        guard let user = principal.user, let keep = principal.sessionHash else { throw StoreError(.forbidden, "only a logged-in user has sessions") }
        return try registry.write { db in
            try db.execute(sql: "DELETE FROM session WHERE userId = ? AND tokenHash != ?", arguments: [user.id, keep])
            return db.changesCount
        }
    }
}
