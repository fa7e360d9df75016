import Foundation
import GRDB
import StageSubCore

/// A musician's own link (to their page, or their calendar feed) as stored: only the token's hash.
public struct MusicianLink: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "musicianLink"
    /// What a link opens.
    public enum Purpose: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case page, calendar
    }

    public var id: Int64?
    public var musicianId: Int64
    public var purpose: Purpose
    public var tokenHash: String
    public var createdAt: Date
    /// nil: until revoked (calendar feeds: a calendar app cannot renew a link).
    public var expiresAt: Date?
    public var revokedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Links that open a musician's own page or calendar without a password: long random tokens (the
/// orchestra's slug, a dot, 256 random bits) of which only the SHA-256 is stored, like answer tokens.
/// A page link expires; both kinds can be revoked by the musician and by staff.
extension OrchestraGateway {
    /// How long a page link works.
    public static let pageLinkLifetime: TimeInterval = 90 * 86_400
    /// However often someone asks, one "your link" email per musician in this time.
    public static let linkEmailInterval: TimeInterval = 10 * 60

    /// Makes a new link; the token is returned once and exists nowhere else. A new calendar link revokes
    /// the musician's earlier ones (one feed address at a time).
    public func issueLink(musician id: Int64, purpose: MusicianLink.Purpose, now: Date) throws(StoreError) -> String {
        try write { db in try issueLink(musician: id, purpose: purpose, now: now, in: db) }
    }

    func issueLink(musician id: Int64, purpose: MusicianLink.Purpose, now: Date, in db: Database) throws -> String {
        guard let musician = try Musician.fetchOne(db, key: id), musician.erasedAt == nil else { throw StoreError(.notFound, "no musician \(id)") }
        if purpose == .calendar {
            try db.execute(sql: "UPDATE musicianLink SET revokedAt = ? WHERE musicianId = ? AND purpose = 'calendar' AND revokedAt IS NULL",
                           arguments: [now, id])
        }
        let token = tokenPrefix + Self.newToken()
        var link = MusicianLink(musicianId: id, purpose: purpose, tokenHash: Self.hash(token), createdAt: now,
                                expiresAt: purpose == .page ? now.addingTimeInterval(Self.pageLinkLifetime) : nil, revokedAt: nil)
        try link.insert(db)
        return token
    }

    /// The musician a link opens, or nil when it is unknown, revoked, expired, of another purpose, or its
    /// musician was erased.
    public func musician(link token: String, purpose: MusicianLink.Purpose, now: Date) throws(StoreError) -> Musician? {
        try read { db in try linkedMusician(token, purpose: purpose, now: now, in: db) }
    }

    func linkedMusician(_ token: String, purpose: MusicianLink.Purpose, now: Date, in db: Database) throws -> Musician? {
        guard let link = try MusicianLink.filter(sql: "tokenHash = ? AND purpose = ?", arguments: [Self.hash(token), purpose]).fetchOne(db),
              link.revokedAt == nil, link.expiresAt.map({ $0 > now }) ?? true,
              let musician = try Musician.fetchOne(db, key: link.musicianId), musician.erasedAt == nil else { return nil }
        return musician
    }

    /// The musician revokes the link they came with (nothing happens for a link that does not work).
    public func revokeLink(_ token: String, now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE musicianLink SET revokedAt = ? WHERE tokenHash = ? AND revokedAt IS NULL", arguments: [now, Self.hash(token)])
        }
    }

    /// Staff revoke every link of a musician; returns how many worked until now.
    public func revokeLinks(musician id: Int64, now: Date) throws(StoreError) -> Int {
        try write { db in
            guard try Musician.exists(db, id: id) else { throw StoreError(.notFound, "no musician \(id)") }
            try db.execute(sql: "UPDATE musicianLink SET revokedAt = ? WHERE musicianId = ? AND revokedAt IS NULL", arguments: [now, id])
            return db.changesCount
        }
    }

    /// A musician's links, newest first (never their tokens: only hashes are kept).
    public func links(musician id: Int64) throws(StoreError) -> [MusicianLink] {
        try read { db in
            guard try Musician.exists(db, id: id) else { throw StoreError(.notFound, "no musician \(id)") }
            return try MusicianLink.filter(sql: "musicianId = ?", arguments: [id]).order(sql: "id DESC").fetchAll(db)
        }
    }

    /// "Send me my link": when a musician who has not been erased has this address, a new page link goes
    /// to them through the outbox, at most once per `linkEmailInterval`. Says nothing about whether the
    /// address is known: the caller answers the same either way (the return value is for tests).
    @discardableResult
    public func sendPageLink(email: String, now: Date) throws(StoreError) -> Bool {
        try write { db in
            guard let musician = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE email = ? COLLATE NOCASE AND erasedAt IS NULL",
                                                       arguments: [email.trimmingCharacters(in: .whitespaces)]) else { return false }
            return try queuePageLink(to: musician, now: now, in: db)
        }
    }

    /// Staff send a musician their page link (the token goes only into the email).
    @discardableResult
    public func sendPageLink(musician id: Int64, now: Date) throws(StoreError) -> Bool {
        try write { db in
            guard let musician = try Musician.fetchOne(db, key: id), musician.erasedAt == nil else { throw StoreError(.notFound, "no musician \(id)") }
            return try queuePageLink(to: musician, now: now, in: db)
        }
    }

    private func queuePageLink(to musician: Musician, now: Date, in db: Database) throws -> Bool {
        let recent = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM communicationLog WHERE musicianId = ? AND type = 'musician_link' AND createdAt > ?)",
                                       arguments: [musician.id, now.addingTimeInterval(-Self.linkEmailInterval)]) ?? false
        guard !recent else { return false }
        let token = try issueLink(musician: musician.id!, purpose: .page, now: now, in: db)
        let settings = try settings(in: db)
        let template = try template(MessageType.musicianLink.rawValue, language: musician.preferredLanguage, in: db)
        let values = ["firstName": musician.firstName, "lastName": musician.lastName, "orchestraName": orchestraName,
                      "pageUrl": "\(answerBaseURL)/m/\(token)",
                      "expiresAt": Self.formatMoment(now.addingTimeInterval(Self.pageLinkLifetime), timeZone: settings.timeZone)]
        var message = OutboxMessage(
            requestId: nil, musicianId: musician.id, projectId: nil, type: .musicianLink, channel: .email, recipient: musician.email,
            subject: MessageTemplate.render(template.subject, values), body: MessageTemplate.render(template.body, values), status: .queued,
            attempts: 0, nextAttemptAt: now, sentAt: nil, lastError: nil, createdAt: now)
        try message.insert(db)
        return true
    }
}
