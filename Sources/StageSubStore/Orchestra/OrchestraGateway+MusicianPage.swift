import Foundation
import GRDB
import StageSubCore

/// One request of a musician as their own page and calendar show it.
public struct MusicianRequestItem: Sendable, Equatable {
    public var requestId: Int64
    public var projectId: Int64
    public var projectName: String
    public var startDate: String
    public var endDate: String?
    public var weekNumber: Int
    public var rehearsalSchedule: String?
    public var concertInfo: String?
    public var location: String?
    public var positionName: String
    public var instrumentName: String
    public var status: RequestStatus
    public var needStatus: NeedStatus
    public var sentAt: Date
    public var deadlineAt: Date
    public var respondedAt: Date?
    public var withdrawnAt: Date?
    /// Accepted once, then cancelled by the orchestra (its need was cancelled).
    public var bookingCancelled: Bool
    /// When the project or the need last changed (for a calendar event's SEQUENCE).
    public var changedAt: Date

    /// The last day of the project.
    public var lastDay: String { endDate ?? startDate }
}

/// Everything a musician's own page shows.
public struct MusicianPageData: Sendable {
    public var musician: Musician
    public var orchestraName: String
    public var contactName: String
    public var contactEmail: String
    public var timeZone: String
    /// Pending and still open to an answer.
    public var open: [MusicianRequestItem]
    /// Accepted, and the project has not ended.
    public var upcoming: [MusicianRequestItem]
    /// Everything else they were asked, newest first (at most `pastLimit`).
    public var past: [MusicianRequestItem]
    public var blackouts: [MusicianBlackout]

    public static let pastLimit = 100
}

extension OrchestraGateway {
    /// The page of the musician a link opens, or nil when the link does not work.
    public func musicianPage(link token: String, now: Date) throws(StoreError) -> MusicianPageData? {
        try read { db in
            guard let musician = try linkedMusician(token, purpose: .page, now: now, in: db) else { return nil }
            let settings = try settings(in: db)
            let today = Self.today(now, zone: settings.zone)
            let items = try requestItems(musician: musician.id!, in: db)
            let profile = try Row.fetchOne(db, sql: "SELECT contactName, contactEmail FROM orchestraProfile LIMIT 1")
            let open = items.filter { $0.status == .pending && $0.deadlineAt > now }
            let upcoming = items.filter { $0.status == .accepted && $0.lastDay >= today }.sorted { $0.startDate < $1.startDate }
            let shown = Set((open + upcoming).map(\.requestId))
            let past = items.filter { !shown.contains($0.requestId) && !($0.status == .cancelled && !$0.bookingCancelled) }
            return MusicianPageData(
                musician: musician, orchestraName: orchestraName, contactName: profile?["contactName"] ?? "", contactEmail: profile?["contactEmail"] ?? "",
                timeZone: settings.timeZone, open: open, upcoming: upcoming, past: Array(past.reversed().prefix(MusicianPageData.pastLimit)),
                blackouts: try MusicianBlackout.filter(sql: "musicianId = ? AND endDate >= ?", arguments: [musician.id, today])
                    .order(sql: "startDate, id").fetchAll(db))
        }
    }

    /// The musician answers one of their open requests from their page: the same transition, in one
    /// transaction, as through the request's own link.
    public func answerFromPage(link token: String, request id: Int64, accept: Bool, now: Date) throws(StoreError) -> AnswerOutcome {
        try write { db in
            guard let musician = try linkedMusician(token, purpose: .page, now: now, in: db),
                  let request = try SubstituteRequest.filter(sql: "id = ? AND musicianId = ?", arguments: [id, musician.id]).fetchOne(db),
                  let need = try ProjectNeed.fetchOne(db, key: request.needId) else { return .unknownToken }
            let (outcome, effects) = RequestEngine.answer(try needState(need, in: db), request: request.id!, accept: accept, now: now)
            _ = try writeAndReplan(effects, need: need, now: now, in: db)
            return outcome
        }
    }

    /// The musician changes their language and phone number from their page. A number another musician
    /// has is refused without naming them.
    public func updateOwnDetails(link token: String, language: String, phone: String?, now: Date) throws(StoreError) {
        let phone = phone?.trimmingCharacters(in: .whitespaces)
        if let phone, !phone.isEmpty, phone.count > 30 || !phone.allSatisfy({ $0.isNumber || " +-()".contains($0) }) {
            throw StoreError(.invalidInput, language == "en" ? "The phone number may hold digits, spaces, + - ( ) and at most 30 characters."
                                                             : "Telefonnumret får innehålla siffror, mellanslag, + - ( ) och högst 30 tecken.")
        }
        try write { db in
            guard var musician = try linkedMusician(token, purpose: .page, now: now, in: db) else { throw StoreError(.notFound, "this link does not work") }
            guard ["sv", "en"].contains(language) else { throw StoreError(.invalidInput, "the language must be sv or en") }
            musician.preferredLanguage = language
            musician.phone = (phone?.isEmpty ?? true) ? nil : phone
            musician.updatedAt = now
            if let phone = musician.phone,
               try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM musician WHERE phone = ? AND id <> ?)", arguments: [phone, musician.id]) ?? false {
                throw StoreError(.conflict, language == "en" ? "That number is already registered for someone else; please contact the orchestra."
                                                             : "Numret finns redan registrerat för någon annan; kontakta orkestern.")
            }
            try musician.update(db)
        }
    }

    /// A musician's requests with their projects, oldest first.
    func requestItems(musician id: Int64, in db: Database) throws -> [MusicianRequestItem] {
        let english = try String.fetchOne(db, sql: "SELECT preferredLanguage FROM musician WHERE id = ?", arguments: [id]) == "en"
        return try Row.fetchAll(db, sql: """
            SELECT r.id, r.status, r.sentAt, r.deadlineAt, r.respondedAt, r.withdrawnAt, n.status AS needStatus, n.updatedAt AS needChanged,
                   p.id AS projectId, p.name, p.startDate, p.endDate, p.weekNumber, p.rehearsalSchedule, p.concertInfo, p.location,
                   p.updatedAt AS projectChanged, pos.name AS positionSv, pos.nameEn AS positionEn, i.name AS instrumentSv, i.nameEn AS instrumentEn
            FROM request r JOIN projectNeed n ON n.id = r.needId JOIN project p ON p.id = n.projectId
            JOIN position pos ON pos.id = n.positionId JOIN instrument i ON i.id = pos.instrumentId
            WHERE r.musicianId = ? ORDER BY r.id
            """, arguments: [id]).map { row in
            let status = RequestStatus(rawValue: row["status"]) ?? .cancelled
            let responded = try StoredDate.optional(row, "respondedAt")
            let changed = [try StoredDate.optional(row, "needChanged"), try StoredDate.optional(row, "projectChanged"), responded,
                           try StoredDate.optional(row, "withdrawnAt")].compactMap { $0 }.max() ?? Date(timeIntervalSince1970: 0)
            return MusicianRequestItem(
                requestId: row["id"], projectId: row["projectId"], projectName: row["name"], startDate: row["startDate"], endDate: row["endDate"],
                weekNumber: row["weekNumber"], rehearsalSchedule: row["rehearsalSchedule"], concertInfo: row["concertInfo"], location: row["location"],
                positionName: english ? row["positionEn"] : row["positionSv"], instrumentName: english ? row["instrumentEn"] : row["instrumentSv"],
                status: status, needStatus: NeedStatus(rawValue: row["needStatus"]) ?? .cancelled,
                sentAt: try StoredDate.required(row, "sentAt"), deadlineAt: try StoredDate.required(row, "deadlineAt"), respondedAt: responded,
                withdrawnAt: try StoredDate.optional(row, "withdrawnAt"), bookingCancelled: status == .cancelled && responded != nil, changedAt: changed)
        }
    }

    /// Today in the orchestra's zone, as `YYYY-MM-DD`.
    static func today(_ now: Date, zone: TimeZone) -> String {
        let local = Int(now.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: now)
        return CalendarDay(ordinal: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400).description
    }
}
