import Foundation
import GRDB
import StageSubCore

/// A project as the projects list and the dashboard show it: how far its needs are staffed.
public struct ProjectSummary: Sendable, Equatable, Encodable {
    public var project: Project
    public var needCount: Int
    /// Players wanted by the needs that are not cancelled.
    public var wanted: Int
    public var booked: Int
    public var pending: Int
    /// Booked ÷ wanted, 0…100 (100 for a project with nothing wanted).
    public var staffingPercent: Int { wanted == 0 ? 100 : min(100, booked * 100 / wanted) }
}

/// A need with the names and counts its page and its project's page show.
public struct NeedSummary: Sendable, Equatable {
    public var need: ProjectNeed
    public var projectName: String
    public var projectStart: String
    public var positionName: String
    public var positionNameEn: String
    public var instrumentName: String
    public var instrumentNameEn: String
    /// "A", "B", "C", or the custom list's name.
    public var listName: String?
    public var booked: Int
    public var pending: Int
}

/// A line of the dashboard's latest activity: "Anna Ek accepted Tutti, Viola — Mahler 5".
public struct ActivityItem: Sendable, Equatable {
    public var musicianId: Int64
    public var musicianName: String
    public var status: RequestStatus
    public var at: Date
    public var positionName: String
    public var positionNameEn: String
    public var instrumentName: String
    public var instrumentNameEn: String
    public var projectId: Int64
    public var projectName: String
}

/// A musician as the roster lists them: with what they play.
public struct MusicianRow: Sendable, Equatable, Encodable {
    public var musician: Musician
    /// "Violin: Tutti, Stämledare; Viola: Tutti" in the orchestra's words (Swedish and English).
    public var playsSv: String
    public var playsEn: String
}

/// A musician's request with where it was for: their profile's history.
public struct MusicianHistoryItem: Sendable, Equatable {
    public var requestId: Int64
    public var status: RequestStatus
    public var sentAt: Date
    public var respondedAt: Date?
    public var projectId: Int64
    public var projectName: String
    public var projectStart: String
    public var positionName: String
    public var positionNameEn: String
}

/// What an empty orchestra still has to do before its first request: the onboarding checklist.
public struct OnboardingState: Sendable, Equatable {
    public var positions: Int
    public var musicians: Int
    public var rankedMusicians: Int
    public var projects: Int
    public var needs: Int
    public var requests: Int
    public var isDone: Bool { positions > 0 && musicians > 0 && rankedMusicians > 0 && projects > 0 && needs > 0 && requests > 0 }
}

/// The dashboard: what needs attention today.
public struct DashboardData: Sendable, Equatable {
    public var waiting: [NeedSummary]
    public var unfilled: [NeedSummary]
    public var upcoming: [ProjectSummary]
    public var activity: [ActivityItem]
    public var answeredLastWeek: Int
    /// Answered ÷ requests sent in the last 30 days (nil when none was sent).
    public var responseRate30Days: Double?
    public var activeMusicians: Int
    public var pendingRequests: Int
    public var onboarding: OnboardingState
}

/// A message template as the editor shows it.
public struct EditableTemplate: Sendable, Equatable {
    public var type: String
    public var language: String
    public var subject: String
    public var body: String
    public var updatedAt: Date
}

public enum ProjectSort: String, Sendable, CaseIterable { case start, name, staffing, added }

extension OrchestraGateway {
    static let needSummarySQL = """
        SELECT n.*, p.name AS projectName, p.startDate AS projectStart, pos.name AS positionName, pos.nameEn AS positionNameEn,
               i.name AS instrumentName, i.nameEn AS instrumentNameEn,
               coalesce(rl.listType, cl.name) AS listName,
               (SELECT count(*) FROM request r WHERE r.needId = n.id AND r.status = 'accepted') AS booked,
               (SELECT count(*) FROM request r WHERE r.needId = n.id AND r.status = 'pending') AS pending
        FROM projectNeed n JOIN project p ON p.id = n.projectId JOIN position pos ON pos.id = n.positionId
        JOIN instrument i ON i.id = pos.instrumentId
        LEFT JOIN rankingList rl ON rl.id = n.rankingListId LEFT JOIN customRankingList cl ON cl.id = n.customRankingListId
        """

    static func needSummary(_ row: Row) throws -> NeedSummary {
        NeedSummary(need: try ProjectNeed(row: row), projectName: row["projectName"], projectStart: row["projectStart"],
                    positionName: row["positionName"], positionNameEn: row["positionNameEn"], instrumentName: row["instrumentName"],
                    instrumentNameEn: row["instrumentNameEn"], listName: row["listName"], booked: row["booked"], pending: row["pending"])
    }

    /// The needs of a project in score order, with names and counts.
    public func needSummaries(project id: Int64) throws(StoreError) -> [NeedSummary] {
        try read { db in
            guard try Project.exists(db, id: id) else { throw StoreError(.notFound, "no project \(id)") }
            return try Row.fetchAll(db.cachedStatement(sql: Self.needSummarySQL + " WHERE n.projectId = ? ORDER BY i.displayOrder, pos.hierarchyLevel, n.id"),
                                    arguments: [id]).map(Self.needSummary)
        }
    }

    public func needSummary(_ id: Int64) throws(StoreError) -> NeedSummary {
        let found = try read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.needSummarySQL + " WHERE n.id = ?"), arguments: [id]).map(Self.needSummary)
        }
        guard let found else { throw StoreError(.notFound, "no need \(id)") }
        return found
    }

    static let projectSummarySQL = """
        SELECT p.*, (SELECT count(*) FROM projectNeed n WHERE n.projectId = p.id) AS needCount,
               coalesce((SELECT sum(n.quantity) FROM projectNeed n WHERE n.projectId = p.id AND n.status != 'cancelled'), 0) AS wanted,
               (SELECT count(*) FROM projectNeed n CROSS JOIN request r ON r.needId = n.id
                 WHERE n.projectId = p.id AND n.status != 'cancelled' AND r.status = 'accepted') AS booked,
               (SELECT count(*) FROM projectNeed n CROSS JOIN request r ON r.needId = n.id
                 WHERE n.projectId = p.id AND r.status = 'pending') AS pending
        FROM project p
        """

    static func projectSummary(_ row: Row) throws -> ProjectSummary {
        ProjectSummary(project: try Project(row: row), needCount: row["needCount"], wanted: row["wanted"], booked: row["booked"], pending: row["pending"])
    }

    /// Projects that start on or after `today` (upcoming) or before it (past), searched by name, sorted.
    public func projectSummaries(upcoming: Bool, today: String, search: String?, sort: ProjectSort, includeArchived: Bool = false,
                                 limit: Int, offset: Int) throws(StoreError) -> Page<ProjectSummary> {
        try read { db in
            var conditions = [upcoming ? "coalesce(p.endDate, p.startDate) >= ?1" : "coalesce(p.endDate, p.startDate) < ?1"]
            var arguments: StatementArguments = [today]
            if !includeArchived { conditions.append("p.archivedAt IS NULL") }
            if let search, !search.isEmpty {
                conditions.append("p.name LIKE ?2 ESCAPE '\\'")
                arguments += ["%" + Self.likeEscaped(search) + "%"]
            }
            let filter = " WHERE " + conditions.joined(separator: " AND ")
            let order: String
            switch sort {
            case .start: order = upcoming ? "p.startDate, p.id" : "p.startDate DESC, p.id DESC"
            case .name: order = "p.name COLLATE NOCASE, p.id"
            case .added: order = "p.createdAt DESC, p.id DESC"
            case .staffing: order = "CASE WHEN wanted = 0 THEN 1.0 ELSE booked * 1.0 / wanted END, p.startDate"
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM project p" + filter, arguments: arguments) ?? 0
            // Only the staffing sort needs every project's counts; otherwise the page is chosen first.
            let sql = sort == .staffing
                ? "SELECT * FROM (\(Self.projectSummarySQL)\(filter)) AS p ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)"
                : Self.projectSummarySQL + " WHERE p.id IN (SELECT p.id FROM project p\(filter) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)) ORDER BY \(order)"
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return Page(items: try rows.map(Self.projectSummary), total: total, limit: limit, offset: offset)
        }
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// The dashboard's figures. `today` is the orchestra's date (in its time zone).
    public func dashboard(now: Date, today: String) throws(StoreError) -> DashboardData {
        try read { db in
            // The dashboard shows the first 25 of each; the projects page has the rest.
            // Each list is its own query with its own limit: only the rows shown are read and decoded.
            func open(_ condition: String) throws -> [NeedSummary] {
                try Row.fetchAll(db.cachedStatement(sql: Self.needSummarySQL + """
                     WHERE n.status IN ('active', 'paused') AND coalesce(p.endDate, p.startDate) >= ? AND p.archivedAt IS NULL AND \(condition)
                     ORDER BY p.startDate, i.displayOrder, pos.hierarchyLevel LIMIT 25
                    """), arguments: [today]).map(Self.needSummary)
            }
            let waiting = try open("EXISTS (SELECT 1 FROM request r WHERE r.needId = n.id AND r.status = 'pending')")
            let unfilled = try open("(SELECT count(*) FROM request r WHERE r.needId = n.id AND r.status = 'accepted') < n.quantity")
            let upcoming = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM (\(Self.projectSummarySQL)) AS p "
                + "WHERE coalesce(p.endDate, p.startDate) >= ? AND p.archivedAt IS NULL ORDER BY p.startDate LIMIT 8"),
                                            arguments: [today]).map(Self.projectSummary)
            let activity = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT r.musicianId, m.firstName || ' ' || m.lastName AS musicianName, r.status, r.respondedAt,
                       pos.name AS positionName, pos.nameEn AS positionNameEn, i.name AS instrumentName, i.nameEn AS instrumentNameEn,
                       p.id AS projectId, p.name AS projectName
                FROM request r JOIN musician m ON m.id = r.musicianId JOIN projectNeed n ON n.id = r.needId
                JOIN project p ON p.id = n.projectId JOIN position pos ON pos.id = n.positionId JOIN instrument i ON i.id = pos.instrumentId
                WHERE r.respondedAt IS NOT NULL AND r.bookedDirectly = 0 ORDER BY r.respondedAt DESC, r.id DESC LIMIT 10
                """)).compactMap { row -> ActivityItem? in
                guard let at = try? StoredDate.required(row, "respondedAt"), let status = RequestStatus(rawValue: row["status"]) else { return nil }
                return ActivityItem(musicianId: row["musicianId"], musicianName: row["musicianName"], status: status, at: at,
                                    positionName: row["positionName"], positionNameEn: row["positionNameEn"], instrumentName: row["instrumentName"],
                                    instrumentNameEn: row["instrumentNameEn"], projectId: row["projectId"], projectName: row["projectName"])
            }
            let weekAgo = now.addingTimeInterval(-7 * 86_400), monthAgo = now.addingTimeInterval(-30 * 86_400)
            let answered = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM request WHERE respondedAt >= ? AND bookedDirectly = 0"),
                                            arguments: [weekAgo]) ?? 0
            // Of the requests sent in 30 days that musicians could answer and are settled: answered ÷ (answered + no
            // answer in time). Pending ones, and ones the orchestra withdrew before an answer, count for neither.
            let sent30 = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM request WHERE sentAt >= ? AND bookedDirectly = 0 AND status IN ('accepted', 'declined', 'withdrawn', 'timed_out')
                """), arguments: [monthAgo]) ?? 0
            let answered30 = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM request WHERE sentAt >= ? AND bookedDirectly = 0 AND status IN ('accepted', 'declined', 'withdrawn')
                """), arguments: [monthAgo]) ?? 0
            return DashboardData(
                waiting: waiting, unfilled: unfilled,
                upcoming: upcoming, activity: activity, answeredLastWeek: answered,
                responseRate30Days: sent30 == 0 ? nil : Double(answered30) / Double(sent30),
                activeMusicians: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM musician WHERE isArchived = 0 AND isActive = 1")) ?? 0,
                pendingRequests: try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM request WHERE status = 'pending'")) ?? 0,
                onboarding: try Self.onboarding(in: db))
        }
    }

    static func onboarding(in db: Database) throws -> OnboardingState {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT count(*) FROM position WHERE isArchived = 0) AS positions,
                   (SELECT count(*) FROM musician WHERE isArchived = 0) AS musicians,
                   (SELECT count(DISTINCT musicianId) FROM ranking) AS ranked,
                   (SELECT count(*) FROM project) AS projects, (SELECT count(*) FROM projectNeed) AS needs,
                   (SELECT count(*) FROM request) AS requests
            """))!
        return OnboardingState(positions: row["positions"], musicians: row["musicians"], rankedMusicians: row["ranked"],
                               projects: row["projects"], needs: row["needs"], requests: row["requests"])
    }

    /// The roster as the musicians page lists it: search, filters, sort, one page.
    public func musicianRows(search: String?, instrument: Int64?, position: Int64?, status: String?, localOnly: Bool,
                             sort: String, limit: Int, offset: Int) throws(StoreError) -> Page<MusicianRow> {
        try read { db in
            var conditions: [String] = []
            var arguments: [DatabaseValueConvertible?] = []
            switch status {
            case "archived": conditions.append("m.isArchived = 1")
            case "inactive": conditions.append("m.isArchived = 0 AND m.isActive = 0")
            case "all": break
            default: conditions.append("m.isArchived = 0")
            }
            if let search, !search.isEmpty {
                conditions.append("((m.firstName || ' ' || m.lastName) LIKE ? ESCAPE '\\' OR m.email LIKE ? ESCAPE '\\' OR coalesce(m.phone, '') LIKE ? ESCAPE '\\')")
                let pattern = "%" + Self.likeEscaped(search) + "%"
                arguments += [pattern, pattern, pattern]
            }
            if let position {
                conditions.append("EXISTS (SELECT 1 FROM qualification q WHERE q.musicianId = m.id AND q.positionId = ?)")
                arguments.append(position)
            } else if let instrument {
                conditions.append("EXISTS (SELECT 1 FROM qualification q JOIN position pos ON pos.id = q.positionId WHERE q.musicianId = m.id AND pos.instrumentId = ?)")
                arguments.append(instrument)
            }
            if localOnly { conditions.append("m.localResidence = 1") }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let order: String
            switch sort {
            case "first": order = "m.firstName COLLATE NOCASE, m.lastName COLLATE NOCASE, m.id"
            case "email": order = "m.email COLLATE NOCASE, m.id"
            case "added": order = "m.createdAt DESC, m.id DESC"
            default: order = "m.lastName COLLATE NOCASE, m.firstName COLLATE NOCASE, m.id"
            }
            let args = StatementArguments(arguments) ?? []
            // Prepared once per connection for each combination of filters in use (a few dozen at most).
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM musician m" + filter), arguments: args) ?? 0
            let musicians = try Musician.fetchAll(db.cachedStatement(sql: "SELECT m.* FROM musician m\(filter) ORDER BY \(order) LIMIT ? OFFSET ?"),
                                                  arguments: args + [limit, offset])
            let rows = try Self.musicianRows(musicians, in: db)
            return Page(items: rows, total: total, limit: limit, offset: offset)
        }
    }

    /// One musician with what they play, in both languages, as the musicians page lists them (the profile's
    /// musician and its line, in one read); not found when there is no such musician.
    public func musicianRow(_ id: Int64) throws(StoreError) -> MusicianRow {
        try read { db in
            guard let musician = try Musician.fetchOne(db.cachedStatement(sql: "SELECT * FROM musician WHERE id = ?"), arguments: [id]) else {
                throw StoreError(.notFound, "no musician \(id)")
            }
            return try Self.musicianRows([musician], in: db)[0]
        }
    }

    /// These musicians' rows: each with the positions they play, grouped by instrument in score order.
    static func musicianRows(_ musicians: [Musician], in db: Database) throws -> [MusicianRow] {
        var plays: [Int64: [(String, String, String, String)]] = [:]
        if !musicians.isEmpty {
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT q.musicianId, i.name AS i, i.nameEn AS ie, pos.name AS p, pos.nameEn AS pe FROM qualification q
                JOIN position pos ON pos.id = q.positionId JOIN instrument i ON i.id = pos.instrumentId
                WHERE q.musicianId IN (SELECT value FROM json_each(?)) ORDER BY i.displayOrder, pos.hierarchyLevel
                """), arguments: [Self.jsonArray(Set(musicians.compactMap(\.id)))]) {
                plays[row["musicianId"], default: []].append((row["i"], row["ie"], row["p"], row["pe"]))
            }
        }
        func describe(_ items: [(String, String)]) -> String {
            var grouped: [(String, [String])] = []
            for (instrument, position) in items {
                if let last = grouped.indices.last, grouped[last].0 == instrument { grouped[last].1.append(position) } else { grouped.append((instrument, [position])) }
            }
            return grouped.map { "\($0.0): \($0.1.joined(separator: ", "))" }.joined(separator: "; ")
        }
        return musicians.map { musician in
            let items = plays[musician.id ?? 0] ?? []
            return MusicianRow(musician: musician, playsSv: describe(items.map { ($0.0, $0.2) }), playsEn: describe(items.map { ($0.1, $0.3) }))
        }
    }

    /// Every request a musician was sent, newest first, with the project and position.
    public func musicianRequests(_ id: Int64) throws(StoreError) -> [MusicianHistoryItem] {
        try read { db in
            guard try Musician.exists(db, id: id) else { throw StoreError(.notFound, "no musician \(id)") }
            return try Row.fetchAll(db.cachedStatement(sql: """
                SELECT r.id, r.status, r.sentAt, r.respondedAt, p.id AS projectId, p.name AS projectName, p.startDate,
                       pos.name AS positionName, pos.nameEn AS positionNameEn
                FROM request r JOIN projectNeed n ON n.id = r.needId JOIN project p ON p.id = n.projectId JOIN position pos ON pos.id = n.positionId
                WHERE r.musicianId = ? ORDER BY r.sentAt DESC, r.id DESC LIMIT 500
                """), arguments: [id]).compactMap { row -> MusicianHistoryItem? in
                guard let status = RequestStatus(rawValue: row["status"]),
                      let dates = try? (StoredDate.required(row, "sentAt"), StoredDate.optional(row, "respondedAt")) else { return nil }
                return MusicianHistoryItem(requestId: row["id"], status: status, sentAt: dates.0, respondedAt: dates.1,
                                           projectId: row["projectId"], projectName: row["projectName"], projectStart: row["startDate"],
                                           positionName: row["positionName"], positionNameEn: row["positionNameEn"])
            }
        }
    }

    // MARK: Projects

    /// Changes a project's name, dates and texts; its week number follows its start date.
    public func updateProject(_ id: Int64, name: String, startDate: String, endDate: String?, rehearsalSchedule: String?,
                              concertInfo: String?, notes: String?, now: Date) throws(StoreError) -> Project {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError(.invalidInput, .projectNameMissing) }
        guard let start = CalendarDay(iso: startDate), Self.projectYears.contains(start.components.year) else {
            throw StoreError(.invalidInput, .projectDate(field: "startDate", years: Self.projectYears))
        }
        if let endDate {
            guard let end = CalendarDay(iso: endDate), end >= start else { throw StoreError(.invalidInput, .endBeforeStart) }
        }
        return try write { db in
            guard var project = try Project.fetchOne(db, key: id) else { throw StoreError(.notFound, "no project \(id)") }
            project.name = name
            project.startDate = startDate
            project.endDate = endDate
            project.weekNumber = start.isoWeek.week
            project.rehearsalSchedule = rehearsalSchedule
            project.concertInfo = concertInfo
            project.notes = notes
            project.updatedAt = now
            try project.update(db)
            return project
        }
    }

    /// Archives a past project (it leaves the lists) or brings it back.
    public func setProjectArchived(_ archived: Bool, project id: Int64, now: Date) throws(StoreError) {
        try write { db in
            guard var project = try Project.fetchOne(db, key: id) else { throw StoreError(.notFound, "no project \(id)") }
            if archived, try Int.fetchOne(db, sql: "SELECT count(*) FROM projectNeed WHERE projectId = ? AND status = 'active'", arguments: [id]) ?? 0 > 0 {
                throw StoreError(.conflict, .projectStillAsking)
            }
            project.archivedAt = archived ? now : nil
            project.updatedAt = now
            try project.update(db)
        }
    }

    // MARK: Message templates

    /// Every template a message uses: one per type, and the SMS twins.
    public static let templateTypes: [String] = MessageType.allCases.filter { $0 != .testEmail }
        .flatMap { [$0.rawValue] + ($0.smsTemplate.map { [$0] } ?? []) }

    /// "Send a test email": one message to an admin through the orchestra's email settings, queued like
    /// every other so the outbox shows whether it left and, if not, why.
    public func queueTestEmail(to address: String, subject: String, body: String, now: Date) throws(StoreError) -> Int64 {
        guard EmailAddress.isHeaderSafe(address) else { throw StoreError(.invalidInput, .noEmailAddress) }
        return try write { db in
            var message = OutboxMessage(requestId: nil, musicianId: nil, projectId: nil, type: .testEmail, channel: .email, recipient: address,
                                        subject: subject, body: body, status: .queued, attempts: 0, nextAttemptAt: now, sentAt: nil,
                                        lastError: nil, createdAt: now)
            try message.insert(db)
            return message.id!
        }
    }

    public func messageTemplates() throws(StoreError) -> [EditableTemplate] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT type, language, subject, body, updatedAt FROM emailTemplate ORDER BY type, language").compactMap { row in
                guard let updated = try? StoredDate.required(row, "updatedAt") else { return nil }
                return EditableTemplate(type: row["type"], language: row["language"], subject: row["subject"], body: row["body"], updatedAt: updated)
            }
        }
    }

    /// Writes one template (type and language as the messages use them).
    public func setMessageTemplate(type: String, language: String, subject: String, body: String, now: Date) throws(StoreError) {
        guard Self.templateTypes.contains(type) else {
            throw StoreError(.invalidInput, "no message type \(type)")
        }
        guard ["sv", "en"].contains(language) else { throw StoreError(.invalidInput, "language must be sv or en") }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StoreError(.invalidInput, .templateTextMissing) }
        guard subject.count <= 300, body.count <= 20_000 else { throw StoreError(.invalidInput, .templateTooLong) }
        try write { db in
            try db.execute(sql: """
                INSERT INTO emailTemplate(type, language, subject, body, updatedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(type, language) DO UPDATE SET subject = excluded.subject, body = excluded.body, updatedAt = excluded.updatedAt
                """, arguments: [type, language, subject, body, now])
        }
    }
}

/// A project's own list for a need, instead of the position's A/B/C lists.
/// A project's own list, whole.
public struct CustomListView: Sendable, Equatable {
    public var id: Int64
    public var projectId: Int64
    public var positionId: Int64
    public var name: String
    public var musicianIds: [Int64]
}

public struct CustomListSummary: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var positionId: Int64
    public var musicians: Int
}

extension OrchestraGateway {
    public func customLists(project id: Int64) throws(StoreError) -> [CustomListSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.id, l.name, l.positionId, (SELECT count(*) FROM customRanking r WHERE r.listId = l.id) AS musicians
                FROM customRankingList l WHERE l.projectId = ? ORDER BY l.id
                """, arguments: [id]).map {
                CustomListSummary(id: $0["id"], name: $0["name"], positionId: $0["positionId"], musicians: $0["musicians"])
            }
        }
    }
}

extension OrchestraGateway {
    /// The communication log, newest first, filtered by type, status, channel, musician and project.
    public func outbox(type: String?, status: String?, musician: Int64?, project: Int64?, limit: Int, offset: Int) throws(StoreError) -> Page<OutboxMessage> {
        try read { db in
            var conditions: [String] = []
            var arguments: [DatabaseValueConvertible?] = []
            if let type { conditions.append("type = ?"); arguments.append(type) }
            if let status { conditions.append("status = ?"); arguments.append(status) }
            if let musician { conditions.append("musicianId = ?"); arguments.append(musician) }
            if let project { conditions.append("projectId = ?"); arguments.append(project) }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let args = StatementArguments(arguments) ?? []
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM communicationLog" + filter, arguments: args) ?? 0
            let items = try OutboxMessage.fetchAll(db, sql: "SELECT * FROM communicationLog\(filter) ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)",
                                                   arguments: args)
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    public func message(_ id: Int64) throws(StoreError) -> OutboxMessage {
        guard let message = try read({ db in try OutboxMessage.fetchOne(db, key: id) }) else { throw StoreError(.notFound, "no message \(id)") }
        return message
    }
}

extension OrchestraGateway {
    /// Every ranking list with its size, by position, in one read (the lists overview).
    public func listSizes() throws(StoreError) -> [Int64: [(id: Int64, type: String, count: Int)]] {
        try read { db in
            var sizes: [Int64: [(id: Int64, type: String, count: Int)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT l.id, l.positionId, l.listType, (SELECT count(*) FROM ranking r WHERE r.listId = l.id) AS size
                FROM rankingList l ORDER BY l.positionId, l.listType
                """) {
                sizes[row["positionId"], default: []].append((row["id"], row["listType"], row["size"]))
            }
            return sizes
        }
    }

    /// One musician's figures (the arithmetic is `OrchestraStatistics`), from their requests only.
    public func statistics(musician id: Int64) throws(StoreError) -> OrchestraStatistics.MusicianFigures? {
        try read { db in
            let requests = try Row.fetchAll(db, sql: """
                SELECT needId, musicianId, status, sentAt, respondedAt, bookedDirectly FROM request WHERE musicianId = ?
                """, arguments: [id]).compactMap(Self.statisticsRequest)
            guard !requests.isEmpty else { return nil }
            let needs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT id, status FROM projectNeed WHERE id IN (SELECT needId FROM request WHERE musicianId = ?)
                """, arguments: [id]).map { ($0["id"] as Int64, $0["status"] as NeedStatus) })
            return OrchestraStatistics(requests: requests, needStatuses: needs, names: [id: ""]).musicians.first { $0.musicianId == id }
        }
    }
}
