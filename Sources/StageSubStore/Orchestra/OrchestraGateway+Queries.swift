import Foundation
import GRDB
import StageSubCore

/// One page of a list that grows, with the total that matches.
public struct Page<Item: Sendable & Encodable>: Sendable, Encodable {
    public let items: [Item]
    public let total: Int
    public let limit: Int
    public let offset: Int

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }
}

/// A request as the personnel manager sees it: with the musician's name.
public struct RequestView: Sendable, Codable, Equatable, FetchableRecord {
    public var id: Int64
    public var needId: Int64
    public var musicianId: Int64
    public var musicianName: String
    public var status: RequestStatus
    public var sentAt: Date
    public var reminderSentAt: Date?
    public var deadlineAt: Date
    public var respondedAt: Date?
    public var conflictProjectId: Int64?
    public var withdrawnAt: Date?
    /// Booked by staff without a request being sent (the musician was not asked through the engine).
    public var bookedDirectly: Bool

    /// What every query of request views selects, in the order `init(row:)` reads it.
    static let columns = """
        r.id, r.needId, r.musicianId, m.firstName || ' ' || m.lastName AS musicianName, r.status, r.sentAt, \
        r.reminderSentAt, r.deadlineAt, r.respondedAt, r.conflictProjectId, r.withdrawnAt, r.bookedDirectly
        """

    /// By column index (`columns`): a need's page reads a hundred of them, and `Decodable` looked each column up
    /// by name. A stored value that does not convert is an error for this read.
    public init(row: Row) throws {
        id = try row.decode(atIndex: 0)
        needId = try row.decode(atIndex: 1)
        musicianId = try row.decode(atIndex: 2)
        musicianName = try row.decode(atIndex: 3)
        status = try row.decode(atIndex: 4)
        sentAt = try StoredDate.required(row, 5)
        reminderSentAt = try StoredDate.decode(row, 6)
        deadlineAt = try StoredDate.required(row, 7)
        respondedAt = try StoredDate.decode(row, 8)
        conflictProjectId = try row.decode(atIndex: 9)
        withdrawnAt = try StoredDate.decode(row, 10)
        bookedDirectly = try row.decode(atIndex: 11)
    }
}

/// A ranking list with its musicians in rank order.
public struct RankingListView: Sendable, Codable, Equatable {
    public var id: Int64
    public var positionId: Int64
    public var listType: String
    public var description: String?
    public var musicianIds: [Int64]
    /// The needs that ask from this list and are not over (active or paused): the list cannot be cleared.
    public var usedByNeeds: [Int64]
}

/// What a musician's answer page shows: read-only, changes nothing.
public struct AnswerView: Sendable, Equatable {
    public var orchestraName: String
    public var language: String
    public var musicianName: String
    public var projectName: String
    public var startDate: String
    public var endDate: String?
    public var weekNumber: Int
    public var rehearsalSchedule: String?
    public var concertInfo: String?
    public var positionName: String
    public var instrumentName: String
    public var deadlineAt: Date
    public var status: RequestStatus
    public var needStatus: NeedStatus
    public var timeZone: String
    public var requestId: Int64
    /// The musician had accepted before the request was cancelled: their booking was called off.
    public var bookingCancelled = false
}

extension OrchestraGateway {
    // MARK: Roster

    /// Musicians by last name, first name; `search` matches names, email and phone.
    public func musicians(search: String?, includeArchived: Bool, limit: Int, offset: Int) throws(StoreError) -> Page<Musician> {
        try read { db in
            // One fixed SQL text per case, so the statements are prepared once per connection and reused.
            var matching = includeArchived ? "1" : "isArchived = 0"
            var arguments: StatementArguments = []
            if let search, !search.isEmpty {
                let pattern = "%" + Self.likeEscaped(search) + "%"
                matching += """
                     AND ((firstName || ' ' || lastName) LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\' OR coalesce(phone, '') LIKE ?1 ESCAPE '\\')
                    """
                arguments = [pattern]
            }
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM musician WHERE \(matching)"), arguments: arguments) ?? 0
            let next = arguments.isEmpty ? 1 : 2
            let page = try db.cachedStatement(sql: """
                SELECT * FROM musician WHERE \(matching)
                ORDER BY lastName COLLATE NOCASE, firstName COLLATE NOCASE, id LIMIT ?\(next) OFFSET ?\(next + 1)
                """)
            arguments += [limit, offset]
            let items = try Musician.fetchAll(page, arguments: arguments)
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    public func musician(_ id: Int64) throws(StoreError) -> Musician {
        guard let musician = try read({ db in try Musician.fetchOne(db, key: id) }) else { throw StoreError(.notFound, "no musician \(id)") }
        return musician
    }

    /// The positions a musician may play.
    public func qualifications(musician id: Int64) throws(StoreError) -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT positionId FROM qualification WHERE musicianId = ? ORDER BY positionId", arguments: [id]) }
    }

    /// The A/B/C lists of a position.
    public func rankingLists(position id: Int64) throws(StoreError) -> [RankingListView] {
        try read { db in
            guard try Position.exists(db, id: id) else {
                throw StoreError(.notFound, "no position \(id)")
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT id, positionId, listType, description FROM rankingList WHERE positionId = ? ORDER BY listType"),
                                    arguments: [id]).map { row in
                let listId: Int64 = row["id"]
                return RankingListView(id: listId, positionId: row["positionId"], listType: row["listType"], description: row["description"],
                                       musicianIds: try Int64.fetchAll(db.cachedStatement(sql: "SELECT musicianId FROM ranking WHERE listId = ? ORDER BY rank"), arguments: [listId]),
                                       usedByNeeds: try Self.needsUsing(list: listId, in: db))
            }
        }
    }

    /// One ranking list, or not found.
    public func rankingList(_ id: Int64) throws(StoreError) -> RankingListView {
        let position = try read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT positionId FROM rankingList WHERE id = ?"), arguments: [id]) }
        guard let position, let list = try rankingLists(position: position).first(where: { $0.id == id }) else {
            throw StoreError(.notFound, "no ranking list \(id)")
        }
        return list
    }

    // MARK: Projects

    /// Projects, the latest start first; archived ones only when asked for.
    public func projects(includeArchived: Bool, limit: Int, offset: Int) throws(StoreError) -> Page<Project> {
        try read { db in
            var request = Project.all()
            if !includeArchived { request = request.filter(sql: "archivedAt IS NULL") }
            let total = try request.fetchCount(db)
            let items = try request.order(sql: "startDate DESC, id DESC").limit(limit, offset: offset).fetchAll(db)
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    /// The names of the projects that are not archived, the latest start first, for a filter's choices:
    /// only the two columns, so a page that lists them does not decode 200 whole projects.
    public func projectNames(limit: Int = 200) throws(StoreError) -> [(id: Int64, name: String)] {
        try read { db in
            var names: [(id: Int64, name: String)] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, name FROM project WHERE archivedAt IS NULL ORDER BY startDate DESC, id DESC LIMIT ?"), arguments: [limit])
            while let row = try rows.next() { names.append((try row.decode(atIndex: 0), try row.decode(atIndex: 1))) }
            return names
        }
    }

    public func project(_ id: Int64) throws(StoreError) -> Project {
        guard let project = try read({ db in try Project.fetchOne(db, key: id) }) else { throw StoreError(.notFound, "no project \(id)") }
        return project
    }

    /// Every request of a project, or of one need, newest first, with musicians' names.
    /// An unknown project or need is not found (not an empty list).
    public func requestViews(project: Int64? = nil, need: Int64? = nil) throws(StoreError) -> [RequestView] {
        try read { db in
            if let project, try !Project.exists(db, id: project) { throw StoreError(.notFound, "no project \(project)") }
            if let need, try !ProjectNeed.exists(db, id: need) { throw StoreError(.notFound, "no need \(need)") }
            // Only the conditions asked for, so that SQLite walks the need's or the project's requests by their
            // index; `?1 IS NULL OR …` made it scan every request of the orchestra.
            var conditions: [String] = [], arguments: StatementArguments = []
            if let project { conditions.append("n.projectId = ?"); arguments += [project] }
            if let need { conditions.append("r.needId = ?"); arguments += [need] }
            return try RequestView.fetchAll(db.cachedStatement(sql: """
                SELECT \(RequestView.columns)
                FROM request r JOIN musician m ON m.id = r.musicianId JOIN projectNeed n ON n.id = r.needId
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY r.id DESC
                """), arguments: arguments)
        }
    }

    public func request(_ id: Int64) throws(StoreError) -> RequestView {
        let found = try read { db in
            try RequestView.fetchOne(db.cachedStatement(sql: """
                SELECT \(RequestView.columns) FROM request r JOIN musician m ON m.id = r.musicianId WHERE r.id = ?
                """), arguments: [id])
        }
        guard let found else { throw StoreError(.notFound, "no request \(id)") }
        return found
    }

    // MARK: Outbox and settings

    /// The outbox, newest first; `status` filters (queued, sent, failed).
    public func outbox(status: String?, limit: Int, offset: Int) throws(StoreError) -> Page<OutboxMessage> {
        try read { db in
            var request = OutboxMessage.all()
            if let status { request = request.filter(sql: "status = ?", arguments: [status]) }
            let total = try request.fetchCount(db)
            let items = try request.order(sql: "id DESC").limit(limit, offset: offset).fetchAll(db)
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    /// Messages waiting to be delivered.
    public func outboxDepth() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM communicationLog WHERE status = 'queued'") ?? 0 }
    }

    /// The orchestra's settings, defaults filled in. Secrets are in it: show people `publicValues`, and
    /// never put it in a log.
    public func settings() throws(StoreError) -> OrchestraSettings {
        try read { db in try settings(in: db) }
    }

    // MARK: Musicians' answer pages

    /// What the answer page of a token shows, or nil for a token this orchestra never issued.
    public func answerView(token: String) throws(StoreError) -> AnswerView? {
        try read { db in try Self.answerRow(hash: Self.hash(token), in: db).map(answerView) }
    }

    /// The answer page and its files in one read (a page a whole section may open within minutes of a send):
    /// two statements, the request with all it shows, then its files. They need no common snapshot: a file
    /// added between them is one the page may as well list.
    public func answerPage(token: String) throws(StoreError) -> (view: AnswerView, files: [StoredFile])? {
        try readUnisolated { db in
            guard let row = try Self.answerRow(hash: Self.hash(token), in: db) else { return nil }
            return (try answerView(row), try Self.files(of: row, in: db))
        }
    }

    /// The request a token names (first or reminder link), with its need, project, musician, position and
    /// the orchestra's time zone.
    static func answerRow(hash: String, in db: Database) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT r.id, r.status, r.deadlineAt, r.respondedAt IS NOT NULL AS answered, n.status AS needStatus, m.firstName || ' ' || m.lastName AS musicianName,
                   m.preferredLanguage, p.name AS projectName, p.startDate, p.endDate, p.weekNumber, p.rehearsalSchedule,
                   p.concertInfo, pos.name AS positionSv, pos.nameEn AS positionEn, i.name AS instrumentSv, i.nameEn AS instrumentEn,
                   n.id AS needId, n.projectId, (SELECT value FROM setting WHERE key = 'timeZone') AS timeZone
            FROM request r JOIN projectNeed n ON n.id = r.needId JOIN project p ON p.id = n.projectId
            JOIN musician m ON m.id = r.musicianId JOIN position pos ON pos.id = n.positionId JOIN instrument i ON i.id = pos.instrumentId
            WHERE r.tokenHash = ?1 OR r.reminderTokenHash = ?1
            """), arguments: [hash])
    }

    func answerView(_ row: Row) throws -> AnswerView {
        let english = (row["preferredLanguage"] as String) == "en"
        // The time zone as the settings read it (defaulted and checked there); the page needs nothing else of them.
        let timeZone = OrchestraSettings(stored: (row["timeZone"] as String?).map { ["timeZone": $0] } ?? [:]).timeZone
        return AnswerView(
            orchestraName: orchestraName, language: english ? "en" : "sv", musicianName: row["musicianName"],
            projectName: row["projectName"], startDate: row["startDate"], endDate: row["endDate"], weekNumber: row["weekNumber"],
            rehearsalSchedule: row["rehearsalSchedule"], concertInfo: row["concertInfo"],
            positionName: english ? row["positionEn"] : row["positionSv"], instrumentName: english ? row["instrumentEn"] : row["instrumentSv"],
            deadlineAt: try StoredDate.required(row, "deadlineAt"), status: RequestStatus(rawValue: row["status"]) ?? .cancelled,
            needStatus: NeedStatus(rawValue: row["needStatus"]) ?? .cancelled,
            timeZone: timeZone, requestId: row["id"],
            bookingCancelled: row["status"] == RequestStatus.cancelled.rawValue && row["answered"] as Bool)
    }
}

extension OrchestraGateway {
    /// Full names of these musicians (for plans and lists shown to people).
    /// Musicians on the roster (not archived) who may play `position`, but none of `excluding`, as "Last, First"
    /// by last name; the first `limit` of them and how many there are. For pickers: a list's "add" box, a
    /// need's "book directly".
    public func qualifiedMusicians(position: Int64, search: String? = nil, excluding: Set<Int64>, limit: Int)
        throws(StoreError) -> (musicians: [(id: Int64, name: String)], total: Int) {
        try read { db in
            var filter = """
                FROM musician m JOIN qualification q ON q.musicianId = m.id AND q.positionId = ?
                WHERE m.isArchived = 0 AND m.id NOT IN (SELECT value FROM json_each(?))
                """
            var arguments: [DatabaseValueConvertible?] = [position, Self.jsonArray(excluding)]
            if let search, !search.isEmpty {
                filter += " AND ((m.firstName || ' ' || m.lastName) LIKE ? ESCAPE '\\' OR m.email LIKE ? ESCAPE '\\')"
                let pattern = "%" + Self.likeEscaped(search) + "%"
                arguments += [pattern, pattern]
            }
            // Two texts of each statement (with and without a search), prepared once per connection; rows by index.
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) " + filter), arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT m.id, m.lastName || ', ' || m.firstName AS name " + filter
                + " ORDER BY m.lastName COLLATE NOCASE, m.firstName COLLATE NOCASE, m.id LIMIT ?"), arguments: StatementArguments(arguments + [max(0, limit)]))
            var musicians: [(id: Int64, name: String)] = []
            while let row = try rows.next() { musicians.append((id: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1))) }
            return (musicians, total)
        }
    }

    public func musicianNames(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var names: [Int64: String] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, firstName || ' ' || lastName AS name FROM musician WHERE id IN (SELECT value FROM json_each(?))
                """), arguments: [Self.jsonArray(Set(ids))])
            while let row = try rows.next() { names[try row.decode(atIndex: 0)] = try row.decode(String.self, atIndex: 1) }
            return names
        }
    }
}

extension OrchestraGateway {
    /// The files a musician may open from their answer link: those sent with the request, and once they
    /// have accepted, those sent with the confirmation. Empty for an unknown token.
    public func answerFiles(token: String) throws(StoreError) -> [StoredFile] {
        try read { db in try Self.answerRow(hash: Self.hash(token), in: db).map { try Self.files(of: $0, in: db) } ?? [] }
    }

    /// The files of the request in `row` (an `answerRow`).
    static func files(of row: Row, in db: Database) throws -> [StoredFile] {
        let sheets = (row["status"] as String) == RequestStatus.accepted.rawValue ? ["request", "confirmation"] : ["request"]
        return try StoredFile.fetchAll(db.cachedStatement(sql: """
            SELECT \(StoredFile.columns) FROM fileStorage WHERE sendWith IN (SELECT value FROM json_each(?))
            AND (needId = ? OR (needId IS NULL AND projectId = ?)) ORDER BY id
            """), arguments: ["[\"" + sheets.joined(separator: "\",\"") + "\"]", row["needId"] as Int64, row["projectId"] as Int64])
    }
}
