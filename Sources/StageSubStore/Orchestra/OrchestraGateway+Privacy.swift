import Foundation
import GRDB
import StageSubCore

/// Everything the orchestra holds about one musician (GDPR art. 15), as plain values.
public struct MusicianExport: Sendable {
    public struct Message: Sendable { public var type: String; public var channel: String; public var recipient: String; public var subject: String
        public var body: String; public var status: String; public var createdAt: Date }
    public struct Ranking: Sendable { public var list: String; public var rank: Int }
    public var musician: Musician
    public var positions: [String]
    public var rankings: [Ranking]
    public var blackouts: [MusicianBlackout]
    public var requests: [MusicianRequestItem]
    public var messages: [Message]
    public var links: [MusicianLink]
    public var orchestraName: String
    public var exportedAt: Date
}

/// Export and erasure of a musician. Erasure replaces their personal data and removes what only
/// described them, but keeps their requests (anonymised) so the orchestra's history and statistics
/// keep their totals.
extension OrchestraGateway {
    public func export(musician id: Int64, now: Date) throws(StoreError) -> MusicianExport {
        try read { db in try export(id, now: now, in: db) }
    }

    /// The export of the musician a page link opens (they ask for it themselves), or nil.
    public func export(link token: String, now: Date) throws(StoreError) -> MusicianExport? {
        try read { db in
            guard let musician = try linkedMusician(token, purpose: .page, now: now, in: db) else { return nil }
            return try export(musician.id!, now: now, in: db)
        }
    }

    func export(_ id: Int64, now: Date, in db: Database) throws -> MusicianExport {
        guard let musician = try Musician.fetchOne(db, key: id) else { throw StoreError(.notFound, "no musician \(id)") }
        let positions = try String.fetchAll(db, sql: """
            SELECT i.nameEn || ', ' || p.nameEn FROM qualification q JOIN position p ON p.id = q.positionId JOIN instrument i ON i.id = p.instrumentId
            WHERE q.musicianId = ? ORDER BY i.displayOrder, p.hierarchyLevel
            """, arguments: [id])
        let rankings = try Row.fetchAll(db, sql: """
            SELECT i.nameEn || ', ' || p.nameEn || ' (' || l.listType || ')' AS list, r.rank FROM ranking r JOIN rankingList l ON l.id = r.listId
            JOIN position p ON p.id = l.positionId JOIN instrument i ON i.id = p.instrumentId WHERE r.musicianId = ?
            UNION ALL
            SELECT pr.name || ': ' || c.name, r.rank FROM customRanking r JOIN customRankingList c ON c.id = r.listId JOIN project pr ON pr.id = c.projectId
            WHERE r.musicianId = ?
            """, arguments: [id, id]).map { MusicianExport.Ranking(list: $0["list"], rank: $0["rank"]) }
        let messages = try OutboxMessage.filter(sql: "musicianId = ?", arguments: [id]).order(sql: "id").fetchAll(db).map {
            MusicianExport.Message(type: $0.type.rawValue, channel: $0.channel.rawValue, recipient: $0.recipient, subject: $0.subject,
                                   body: Self.redactingLinks($0.body), status: $0.status.rawValue, createdAt: $0.createdAt)
        }
        return MusicianExport(
            musician: musician, positions: positions, rankings: rankings,
            blackouts: try MusicianBlackout.filter(sql: "musicianId = ?", arguments: [id]).order(sql: "startDate").fetchAll(db),
            requests: try requestItems(musician: id, in: db), messages: messages,
            links: try MusicianLink.filter(sql: "musicianId = ?", arguments: [id]).order(sql: "id").fetchAll(db),
            orchestraName: orchestraName, exportedAt: now)
    }

    /// Links in a message body replaced by a note: an export is a file people keep and forward.
    static func redactingLinks(_ body: String) -> String {
        body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ", omittingEmptySubsequences: false).map { word in
                word.contains("/r/") || word.contains("/m/") || word.contains("/c/") ? "[link]" : String(word)
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// Erases a musician (GDPR art. 17). In one transaction, overwriting freed pages:
    /// 1. name, email, phone and notes are replaced ("Erased musician", `erased-<id>@erased.invalid`);
    /// 2. qualifications, list places (the ranks below close up), blackouts and links are deleted;
    /// 3. the messages to them keep type, channel, status and times, but recipient, subject and body are replaced;
    /// 4. their requests stay as they are, so needs, history and statistics keep their totals.
    /// A pending request is cancelled first (the engine then asks the next). Who did it is in the audit log.
    public func erase(musician id: Int64, now: Date) throws(StoreError) {
        do {
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
                try db.inTransaction {
                    try erase(id, now: now, in: db)
                    return .commit
                }
            }
        } catch { throw Self.translate(error, database.path) }
    }

    func erase(_ id: Int64, now: Date, in db: Database) throws {
        guard var musician = try Musician.fetchOne(db, key: id) else { throw StoreError(.notFound, "no musician \(id)") }
        guard musician.erasedAt == nil else { throw StoreError(.conflict, "musician \(id) is already erased") }
        for table in ["ranking", "customRanking"] {
            for listId in try Int64.fetchAll(db, sql: "SELECT listId FROM \(table) WHERE musicianId = ?", arguments: [id]) {
                try db.execute(sql: "DELETE FROM \(table) WHERE listId = ? AND musicianId = ?", arguments: [listId, id])
                // Close the gap: ranks 1…n again.
                try db.execute(sql: """
                    UPDATE \(table) SET rank = (SELECT count(*) FROM \(table) o WHERE o.listId = \(table).listId AND o.rank <= \(table).rank)
                    WHERE listId = ?
                    """, arguments: [listId])
            }
        }
        try db.execute(sql: "DELETE FROM qualification WHERE musicianId = ?", arguments: [id])
        // Off every list first, then a pending request is withdrawn through the engine, so its need asks the next musician
        // (a cancelled request does not keep anyone from being asked again, being on no list does).
        for request in try SubstituteRequest.filter(sql: "musicianId = ? AND status = 'pending'", arguments: [id]).fetchAll(db) {
            guard let need = try ProjectNeed.fetchOne(db, key: request.needId) else { continue }
            var state = try needState(need, in: db)
            state.requests.removeAll { $0.id == request.id }
            try db.execute(sql: "UPDATE request SET status = 'cancelled' WHERE id = ?", arguments: [request.id])
            _ = try writeAndReplan(RequestEngine.settle(state) + [.replanProject], need: need, now: now, in: db)
        }
        try db.execute(sql: "DELETE FROM musicianBlackout WHERE musicianId = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM musicianLink WHERE musicianId = ?", arguments: [id])
        // Messages still waiting are never delivered: there is nobody to deliver them to.
        try db.execute(sql: """
            UPDATE communicationLog SET recipient = 'erased', subject = '(erased)', body = '(erased)',
              lastError = CASE WHEN status = 'queued' THEN 'the recipient was erased' END,
              status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END, nextAttemptAt = NULL
            WHERE musicianId = ?
            """, arguments: [id])
        musician.firstName = "Erased"
        musician.lastName = "musician \(id)"
        musician.email = "erased-\(id)@erased.invalid"
        musician.phone = nil
        musician.notes = nil
        musician.localResidence = false
        musician.isActive = false
        musician.isArchived = true
        musician.archivedAt = musician.archivedAt ?? now
        musician.erasedAt = now
        musician.updatedAt = now
        try musician.update(db)
    }

    /// The retention rule (setting `retentionYears`): erases every musician with no activity (added,
    /// changed, asked or answering) for that many years, and records each in the audit log as the
    /// system's doing. Returns the ids erased.
    @discardableResult
    public func eraseInactive(now: Date) throws(StoreError) -> [Int64] {
        let ids: [Int64] = try read { db in
            let years = try settings(in: db).retentionYears
            guard years > 0 else { return [] }
            let cutoff = now.addingTimeInterval(-Double(years) * 365.25 * 86_400)
            return try Int64.fetchAll(db, sql: """
                SELECT m.id FROM musician m WHERE m.erasedAt IS NULL AND m.createdAt < ?1 AND m.updatedAt < ?1
                AND NOT EXISTS (SELECT 1 FROM request r WHERE r.musicianId = m.id AND (r.sentAt >= ?1 OR r.respondedAt >= ?1 OR r.status = 'pending'))
                ORDER BY m.id
                """, arguments: [cutoff])
        }
        for id in ids {
            try erase(musician: id, now: now)
            try recordAudit(AuditEntry(at: now, actorKind: .system, actorId: nil, actorName: "retention rule", action: "erase inactive musician",
                                       target: "id=\(id)", clientAddress: nil, status: 200))
        }
        return ids
    }
}
