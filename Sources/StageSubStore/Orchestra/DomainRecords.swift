import Foundation
import GRDB
import StageSubCore

/// A freelance musician on the orchestra's roster.
public struct Musician: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "musician"
    public var id: Int64?
    public var firstName: String
    public var lastName: String
    public var email: String
    public var phone: String?
    /// "sv" or "en": the language of every message to them.
    public var preferredLanguage: String
    public var localResidence: Bool
    public var notes: String?
    public var isActive: Bool
    public var isArchived: Bool
    public var archivedAt: Date?
    public var restoredAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// When their personal data was erased (the row stays, anonymised, so history and statistics hold).
    public var erasedAt: Date? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(firstName: String, lastName: String, email: String, phone: String? = nil, preferredLanguage: String = "sv",
                localResidence: Bool = false, notes: String? = nil, now: Date) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.preferredLanguage = preferredLanguage
        self.localResidence = localResidence
        self.notes = notes
        self.isActive = true
        self.isArchived = false
        self.createdAt = now
        self.updatedAt = now
    }

    public var fullName: String { "\(firstName) \(lastName)" }

    /// The musician table's columns, in table order: every query that reads musicians selects `*` from
    /// that one table.
    static let columnOrder = ["id", "firstName", "lastName", "email", "phone", "preferredLanguage", "localResidence", "notes",
                              "isActive", "isArchived", "archivedAt", "restoredAt", "createdAt", "updatedAt", "erasedAt"]

    /// Read by position rather than through `Decodable` or by name: roster pages decode hundreds of
    /// musicians, and name lookups and date parsing were most of such a request's time (docs/benchmarks.md).
    public init(row: Row) throws {
        assert(Array(row.columnNames) == Self.columnOrder, "Musician rows must be SELECT * FROM musician")
        id = row[0]
        firstName = row[1]
        lastName = row[2]
        email = row[3]
        phone = row[4]
        preferredLanguage = row[5]
        localResidence = row[6]
        notes = row[7]
        isActive = row[8]
        isArchived = row[9]
        archivedAt = try StoredDate.decode(row, 10)
        restoredAt = try StoredDate.decode(row, 11)
        createdAt = try StoredDate.decode(row, 12) ?? Date(timeIntervalSince1970: 0)
        updatedAt = try StoredDate.decode(row, 13) ?? Date(timeIntervalSince1970: 0)
        erasedAt = try StoredDate.decode(row, 14)
    }
}

/// A concert project that needs substitutes.
public struct Project: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "project"
    public var id: Int64?
    public var name: String
    /// `YYYY-MM-DD`.
    public var startDate: String
    public var endDate: String?
    public var weekNumber: Int
    public var rehearsalSchedule: String?
    public var concertInfo: String?
    public var notes: String?
    public var archivedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Where the project plays (for musicians' calendars).
    public var location: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The days the project occupies, for conflicts.
    public var period: ProjectPeriod? {
        guard let start = CalendarDay(iso: startDate) else { return nil }
        return ProjectPeriod(start: start, end: endDate.flatMap(CalendarDay.init(iso:)))
    }
}

/// A project's need for musicians on one position.
public struct ProjectNeed: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "projectNeed"
    public var id: Int64?
    public var projectId: Int64
    public var positionId: Int64
    public var quantity: Int
    public var rankingListId: Int64?
    public var customRankingListId: Int64?
    public var strategy: RequestStrategy
    public var maxRecipients: Int?
    public var responseTimeHours: Int
    public var requireLocalResidence: Bool
    public var status: NeedStatus
    public var createdAt: Date
    public var updatedAt: Date
    /// When a person first sent it (nil: a draft); from then on the engine keeps it asking by itself.
    public var sendingStartedAt: Date?
    /// For an escalating need: the step (0 first) it last asked under; the due-work pass moves it on.
    public var escalationStep: Int = 0

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One request to one musician for one need.
public struct SubstituteRequest: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "request"
    public var id: Int64?
    public var needId: Int64
    public var musicianId: Int64
    public var status: RequestStatus
    /// SHA-256 of the answer token; the token itself exists only in the musician's link.
    public var tokenHash: String
    public var sentAt: Date
    public var reminderDueAt: Date?
    public var reminderSentAt: Date?
    public var deadlineAt: Date
    public var respondedAt: Date?
    /// The overlapping project the musician was busy in when asked (conflict policy "warn").
    public var conflictProjectId: Int64?
    public var withdrawnAt: Date?
    /// Booked directly by the orchestra (agreed outside StageSub), never asked: statistics count it apart.
    public var bookedDirectly: Bool

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A message in the outbox (and, once delivered, the record of it).
public struct OutboxMessage: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "communicationLog"
    public var id: Int64?
    public var requestId: Int64?
    public var musicianId: Int64?
    public var projectId: Int64?
    public var type: MessageType
    public var channel: MessageChannel
    public var recipient: String
    public var subject: String
    public var body: String
    public var status: MessageStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var lastError: String?
    public var createdAt: Date
    /// The provider's id for the message once it took it (Resend's email id, Twilio's message sid).
    public var providerMessageId: String? = nil
    /// What the provider reported later (delivered, bounced …); nil until it does.
    public var deliveryState: DeliveryState? = nil
    public var deliveryStateAt: Date? = nil
    /// The provider's words about it (a bounce reason, Twilio's error code), or how many parts an SMS took.
    public var deliveryDetail: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RequestStrategy: DatabaseValueConvertible {}
extension NeedStatus: DatabaseValueConvertible {}
extension RequestStatus: DatabaseValueConvertible {}
extension MessageType: DatabaseValueConvertible {}
extension MessageChannel: DatabaseValueConvertible {}
extension MessageStatus: DatabaseValueConvertible {}
extension DeliveryState: DatabaseValueConvertible {}
