import Foundation
import GRDB

/// An orchestra on this appliance, as the registry knows it. Its own data lives in its own database.
public struct Orchestra: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "orchestra"

    public enum Status: String, Codable, Sendable, CaseIterable { case pending, active, suspended }

    public var id: Int64?
    public var slug: String
    public var name: String
    public var status: Status
    public var plan: String
    public var maxMusicians: Int
    public var maxProjects: Int
    public var contactName: String
    public var contactEmail: String
    /// outbox (messages stay readable in the web UI), smtp, resend; sms: none, twilio.
    public var emailTransport: String
    public var emailFromAddress: String?
    public var emailFromName: String?
    public var emailReplyTo: String?
    public var smtpHost: String?
    public var smtpPort: Int?
    public var smtpUsername: String?
    /// Secrets are sealed with the appliance's secrets key; never stored or shown in plaintext.
    public var smtpPasswordSealed: Data?
    public var resendApiKeySealed: Data?
    public var twilioAccountSid: String?
    public var twilioAuthTokenSealed: Data?
    public var twilioFromNumber: String?
    public var smsOnRequest: Bool
    public var smsOnReminder: Bool
    public var smsOnConfirmation: Bool
    public var smsOnPositionFilled: Bool
    public var smsOnGroupEmail: Bool
    /// Feature toggles as a JSON object.
    public var features: String
    public var primaryColor: String
    public var secondaryColor: String
    public var createdAt: Date
    public var updatedAt: Date

    public enum Columns {
        public static let slug = Column(CodingKeys.slug)
        public static let status = Column(CodingKeys.status)
        public static let name = Column(CodingKeys.name)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A new, active orchestra with the defaults of the original system's medium plan.
    public init(slug: String, name: String, contactName: String, contactEmail: String, now: Date) {
        self.slug = slug
        self.name = name
        self.status = .active
        self.plan = "medium"
        self.maxMusicians = 200
        self.maxProjects = 20
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.emailTransport = "outbox"
        self.smsOnRequest = false
        self.smsOnReminder = false
        self.smsOnConfirmation = false
        self.smsOnPositionFilled = false
        self.smsOnGroupEmail = false
        self.features = "{}"
        self.primaryColor = "#3B82F6"
        self.secondaryColor = "#1E40AF"
        self.createdAt = now
        self.updatedAt = now
    }
}

/// A person who logs in: the superadmin of the appliance, or an admin or user of one orchestra.
public struct User: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"

    public enum Role: String, Codable, Sendable, CaseIterable { case superadmin, admin, user }

    public var id: Int64?
    public var username: String
    public var email: String
    public var role: Role
    /// nil for the superadmin.
    public var orchestraId: Int64?
    public var passwordHash: String
    public var active: Bool
    public var preferredLanguage: String
    public var lastLogin: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public enum Columns {
        public static let username = Column(CodingKeys.username)
        public static let email = Column(CodingKeys.email)
        public static let orchestraId = Column(CodingKeys.orchestraId)
        public static let role = Column(CodingKeys.role)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(username: String, email: String, role: Role, orchestraId: Int64?, passwordHash: String, now: Date) {
        self.username = username
        self.email = email
        self.role = role
        self.orchestraId = orchestraId
        self.passwordHash = passwordHash
        self.active = true
        self.preferredLanguage = "sv"
        self.createdAt = now
        self.updatedAt = now
    }
}

/// A login session; only the hash of its token is stored.
public struct Session: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"
    public var tokenHash: String
    public var userId: Int64
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    public var clientAddress: String?
    public var userAgent: String?
    /// The orchestra a superadmin has entered to act in (recorded in the log); nil otherwise.
    public var actingOrchestraId: Int64?
}

/// An integration's key to one orchestra's JSON API; only its hash is stored.
public struct APIKey: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiKey"
    public var id: Int64?
    public var orchestraId: Int64
    public var name: String
    public var keyHash: String
    /// The key's first characters, to tell keys apart in a list.
    public var hint: String
    public var createdAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey { case id, orchestraId, name, keyHash, hint, createdAt, revokedAt, lastUsedAt }
}

/// One line of the appliance's own log: who did what, to which orchestra.
public struct SystemLogEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "systemLog"
    public var id: Int64?
    public var timestamp: Date
    public var level: String
    public var category: String
    public var message: String
    public var metadata: String?
    public var userId: Int64?
    public var orchestraId: Int64?
    public var requestId: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
