import CSodium
import Foundation
import GRDB
import StageSubCore

/// What a dispatch did: the requests it created (with their one-time tokens, which exist nowhere else
/// but in the messages) and the plan it carried out.
public struct DispatchResult: Sendable {
    public struct Sent: Sendable {
        public let requestId: Int64
        public let musicianId: Int64
        public let token: String
    }
    public let sent: [Sent]
    public let plan: DispatchPlan?
}

/// What a musician's answer came to.
public enum AnswerOutcome: Sendable, Equatable {
    case accepted, declined
    /// Someone else filled the position first (the request is now cancelled).
    case positionFilled
    /// The deadline had passed.
    case expired
    /// Answered before, or cancelled: the status it has.
    case closed(RequestStatus)
    case unknownToken
}

extension OrchestraGateway {
    /// The plan for a need as it stands: exactly what `send` would do now.
    public func preview(need id: Int64) throws(StoreError) -> DispatchPlan {
        try read { db in DispatchPlanner.plan(try dispatchInput(need: id, in: db)) }
    }

    /// Carries out the plan for a need in one transaction: requests, tokens and messages.
    public func send(need id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try write { db in try dispatch(need: id, now: now, in: db) }
    }

    /// A musician's answer through their link. One transaction that re-checks the need, so simultaneous
    /// acceptances never exceed its quantity.
    public func answer(token: String, accept: Bool, now: Date) throws(StoreError) -> AnswerOutcome {
        try write { db in
            guard var request = try SubstituteRequest.filter(sql: "tokenHash = ?1 OR reminderTokenHash = ?1", arguments: [Self.hash(token)]).fetchOne(db) else {
                return .unknownToken
            }
            guard request.status == .pending else { return .closed(request.status) }
            guard now < request.deadlineAt else {
                try timeOut(&request, now: now, in: db)
                return .expired
            }
            guard var need = try ProjectNeed.fetchOne(db, key: request.needId) else { return .unknownToken }
            request.respondedAt = now
            if !accept {
                request.status = .declined
                try request.update(db)
                _ = try dispatch(need: need.id!, now: now, in: db)
                return .declined
            }
            let accepted = try Int.fetchOne(db, sql: "SELECT count(*) FROM request WHERE needId = ? AND status = 'accepted'",
                                            arguments: [need.id]) ?? 0
            if accepted >= need.quantity || need.status == .cancelled {
                request.status = .cancelled
                try request.update(db)
                return .positionFilled
            }
            request.status = .accepted
            try request.update(db)
            try queueMessage("confirmation", request: request, token: nil, now: now, in: db)
            if accepted + 1 >= need.quantity {
                need.status = .filled
                need.updatedAt = now
                try need.update(db)
                try cancelPending(need: need.id!, now: now, in: db)
            } else {
                _ = try dispatch(need: need.id!, now: now, in: db)
            }
            return .accepted
        }
    }

    /// Due work: reminders whose moment has come and requests whose deadline has passed (then the engine
    /// asks the next). Idempotent: all state is in the database, so running it twice does nothing twice.
    @discardableResult
    public func processDue(now: Date) throws(StoreError) -> (reminders: Int, timeouts: Int) {
        // Most passes find nothing: a read (which never waits for writers) decides whether to write at all.
        let due = try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM request WHERE status = 'pending'
                               AND (deadlineAt <= ? OR (reminderSentAt IS NULL AND reminderDueAt <= ?)))
                """, arguments: [now, now]) ?? false
        }
        guard due else { return (0, 0) }
        return try write { db in
            var timeouts = 0
            for var request in try SubstituteRequest.filter(sql: "status = 'pending' AND deadlineAt <= ?", arguments: [now]).order(sql: "id").fetchAll(db) {
                try timeOut(&request, now: now, in: db)
                timeouts += 1
            }
            var reminders = 0
            for var request in try SubstituteRequest.filter(
                sql: "status = 'pending' AND reminderSentAt IS NULL AND reminderDueAt <= ? AND deadlineAt > ?", arguments: [now, now]
            ).order(sql: "id").fetchAll(db) {
                request.reminderSentAt = now
                try request.update(db)
                // A new link for the reminder (the request's token exists only in the first message).
                let token = tokenPrefix + Self.newToken()
                try db.execute(sql: "UPDATE request SET reminderTokenHash = ? WHERE id = ?", arguments: [Self.hash(token), request.id])
                try queueMessage("reminder", request: request, token: token, now: now, in: db)
                reminders += 1
            }
            return (reminders, timeouts)
        }
    }

    /// Books a musician directly (agreed outside StageSub): an accepted request and a confirmation, no question.
    public func bookDirectly(need id: Int64, musician: Int64, now: Date) throws(StoreError) {
        try write { db in
            guard var need = try ProjectNeed.fetchOne(db, key: id), need.status != .cancelled else {
                throw StoreError(.notFound, "no open need \(id)")
            }
            guard let person = try Musician.fetchOne(db, key: musician), !person.isArchived else {
                throw StoreError(.notFound, "no musician \(musician) on the roster")
            }
            let alreadyAsked = try Int.fetchOne(db, sql: "SELECT count(*) FROM request r JOIN projectNeed n ON n.id = r.needId WHERE n.projectId = ? AND r.musicianId = ? AND r.status <> 'cancelled'",
                                                arguments: [need.projectId, musician]) ?? 0
            if alreadyAsked > 0 { throw StoreError(.conflict, "\(person.fullName) already has a request in this project") }
            let accepted = try Int.fetchOne(db, sql: "SELECT count(*) FROM request WHERE needId = ? AND status = 'accepted'", arguments: [id]) ?? 0
            guard accepted < need.quantity else { throw StoreError(.conflict, "need \(id) is already filled") }
            var request = SubstituteRequest(needId: id, musicianId: musician, status: .accepted, tokenHash: Self.hash(Self.newToken()),
                                            sentAt: now, reminderDueAt: nil, reminderSentAt: nil, deadlineAt: now, respondedAt: now,
                                            conflictProjectId: nil, withdrawnAt: nil)
            try request.insert(db)
            try queueMessage("confirmation", request: request, token: nil, now: now, in: db)
            if accepted + 1 >= need.quantity {
                need.status = .filled
                need.updatedAt = now
                try need.update(db)
                try cancelPending(need: id, now: now, in: db)
            }
        }
    }

    /// A musician who had accepted withdraws: the need reopens and the engine asks the next.
    public func recordWithdrawal(request id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try write { db in
            guard var request = try SubstituteRequest.fetchOne(db, key: id), request.status == .accepted else {
                throw StoreError(.conflict, "request \(id) is not an accepted one")
            }
            // Declined, not cancelled: they stay asked in this project and are not asked again.
            request.status = .declined
            request.withdrawnAt = now
            try request.update(db)
            try db.execute(sql: "UPDATE projectNeed SET status = 'active', updatedAt = ? WHERE id = ? AND status = 'filled'",
                           arguments: [now, request.needId])
            return try dispatch(need: request.needId, now: now, in: db)
        }
    }

    // MARK: - Inside a transaction

    func dispatch(need id: Int64, now: Date, in db: Database) throws -> DispatchResult {
        try carryOut(DispatchPlanner.plan(try dispatchInput(need: id, in: db)), need: id, now: now, in: db)
    }

    /// Creates the requests and messages of a plan made in the caller's transaction.
    func carryOut(_ plan: DispatchPlan, need id: Int64, now: Date, in db: Database) throws -> DispatchResult {
        guard !plan.ask.isEmpty, let need = try ProjectNeed.fetchOne(db, key: id) else { return DispatchResult(sent: [], plan: plan) }
        let percentage = Double(try setting("reminderPercentage", in: db).flatMap(Int.init) ?? 75)
        let responseSeconds = Double(need.responseTimeHours) * 3600
        let quiet = try quietHours(in: db)
        let reminderDue = Deadline.after(now, counting: responseSeconds * percentage / 100, quiet: quiet)
        let deadline = Deadline.after(now, counting: responseSeconds, quiet: quiet)
        var sent: [DispatchResult.Sent] = []
        for musicianId in plan.ask {
            let token = tokenPrefix + Self.newToken()
            var request = SubstituteRequest(
                needId: id, musicianId: musicianId, status: .pending, tokenHash: Self.hash(token), sentAt: now,
                reminderDueAt: reminderDue, reminderSentAt: nil, deadlineAt: deadline, respondedAt: nil,
                conflictProjectId: plan.conflictWarnings[musicianId], withdrawnAt: nil)
            try request.insert(db)
            try queueMessage("request", request: request, token: token, now: now, in: db)
            sent.append(.init(requestId: request.id!, musicianId: musicianId, token: token))
        }
        return DispatchResult(sent: sent, plan: plan)
    }

    /// The orchestra's quiet hours (settings `quietHoursStart`, `quietHoursEnd`, `timeZone`), if any.
    func quietHours(in db: Database) throws -> QuietHours? {
        let zone = TimeZone(identifier: try setting("timeZone", in: db) ?? "") ?? TimeZone(identifier: "Europe/Stockholm")!
        return QuietHours(start: try setting("quietHoursStart", in: db) ?? "", end: try setting("quietHoursEnd", in: db) ?? "", timeZone: zone)
    }

    func timeOut(_ request: inout SubstituteRequest, now: Date, in db: Database) throws {
        request.status = .timedOut
        request.respondedAt = nil
        try request.update(db)
        _ = try dispatch(need: request.needId, now: now, in: db)
    }

    /// Cancels a need's pending requests and tells each musician the position is filled.
    func cancelPending(need id: Int64, now: Date, in db: Database) throws {
        for var request in try SubstituteRequest.filter(sql: "needId = ? AND status = 'pending'", arguments: [id]).fetchAll(db) {
            request.status = .cancelled
            try request.update(db)
            try queueMessage("position_filled", request: request, token: nil, now: now, in: db)
        }
    }

    /// Reads what the planner needs for one need, in the caller's transaction.
    func dispatchInput(need id: Int64, in db: Database) throws -> DispatchInput {
        guard let need = try ProjectNeed.fetchOne(db, key: id) else { throw StoreError(.notFound, "no need \(id)") }
        guard let project = try Project.fetchOne(db, key: need.projectId), let period = project.period else {
            throw StoreError(.notFound, "no project \(need.projectId)")
        }
        let needs = try ProjectNeed.filter(sql: "projectId = ?", arguments: [project.id]).fetchAll(db)
        let planned = try needs.map { try plannerNeed($0, in: db) }
        let everyone = Set(planned.flatMap(\.list))
        var musicians: [Int64: PlannerMusician] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, isActive, isArchived, localResidence FROM musician WHERE id IN (SELECT value FROM json_each(?))",
                                    arguments: [Self.jsonArray(everyone)]) {
            let musicianId: Int64 = row["id"]
            musicians[musicianId] = PlannerMusician(id: musicianId, isActive: row["isActive"], isArchived: row["isArchived"],
                                                    localResidence: row["localResidence"], qualifiedPositions: [])
        }
        for row in try Row.fetchAll(db, sql: "SELECT musicianId, positionId FROM qualification WHERE musicianId IN (SELECT value FROM json_each(?))",
                                    arguments: [Self.jsonArray(everyone)]) {
            musicians[row["musicianId"]]?.qualifiedPositions.insert(row["positionId"])
        }
        let projectRequests = try Row.fetchAll(db, sql: """
            SELECT r.needId, r.musicianId, r.status FROM request r JOIN projectNeed n ON n.id = r.needId
            WHERE n.projectId = ? ORDER BY r.id
            """, arguments: [project.id]).map { PlannerRequest(needId: $0["needId"], musicianId: $0["musicianId"], status: $0["status"]) }
        var busy: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT r.musicianId, p.id AS projectId, p.startDate, p.endDate FROM request r
            JOIN projectNeed n ON n.id = r.needId JOIN project p ON p.id = n.projectId
            WHERE r.status IN ('pending', 'accepted') AND p.id <> ? AND r.musicianId IN (SELECT value FROM json_each(?))
            """, arguments: [project.id, Self.jsonArray(Set(planned.first { $0.id == id }?.list ?? []))]) {
            guard let start = CalendarDay(iso: row["startDate"]) else { continue }
            let other = ProjectPeriod(start: start, end: (row["endDate"] as String?).flatMap(CalendarDay.init(iso:)))
            if other.overlaps(period) { busy[row["musicianId"]] = row["projectId"] }
        }
        return DispatchInput(
            need: planned.first { $0.id == id }!, otherNeeds: planned.filter { $0.id != id }, musicians: musicians,
            projectRequests: projectRequests, busyElsewhere: busy,
            listConflictMode: ListConflictMode(rawValue: try setting("listConflictMode", in: db) ?? "") ?? .simple,
            conflictPolicy: ConflictPolicy(rawValue: try setting("conflictPolicy", in: db) ?? "") ?? .warn)
    }

    func plannerNeed(_ need: ProjectNeed, in db: Database) throws -> PlannerNeed {
        let list = need.rankingListId != nil
            ? try Int64.fetchAll(db, sql: "SELECT musicianId FROM ranking WHERE listId = ? ORDER BY rank", arguments: [need.rankingListId])
            : try Int64.fetchAll(db, sql: "SELECT musicianId FROM customRanking WHERE listId = ? ORDER BY rank", arguments: [need.customRankingListId])
        let level = try Int.fetchOne(db, sql: "SELECT hierarchyLevel FROM position WHERE id = ?", arguments: [need.positionId]) ?? 0
        return PlannerNeed(id: need.id!, positionId: need.positionId, positionLevel: level, quantity: need.quantity,
                           strategy: need.strategy, maxRecipients: need.maxRecipients,
                           requireLocalResidence: need.requireLocalResidence, status: need.status, list: list)
    }

    static func jsonArray(_ ids: Set<Int64>) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    // MARK: Tokens and messages

    /// 256 random bits, URL-safe: the musician's one-time answer token.
    static func newToken() -> String { Sodium.urlSafeToken() }

    static func hash(_ token: String) -> String { Sodium.hex(Sodium.sha256(Array(token.utf8))) }

    /// Renders a message from the template in the musician's language (Swedish when missing) and puts it
    /// in the outbox, in the caller's transaction.
    func queueMessage(_ type: String, request: SubstituteRequest, token: String?, now: Date, in db: Database) throws {
        guard let musician = try Musician.fetchOne(db, key: request.musicianId),
              let need = try ProjectNeed.fetchOne(db, key: request.needId),
              let project = try Project.fetchOne(db, key: need.projectId),
              let position = try Row.fetchOne(db, sql: """
                  SELECT p.name, p.nameEn, i.name AS instrument, i.nameEn AS instrumentEn FROM position p
                  JOIN instrument i ON i.id = p.instrumentId WHERE p.id = ?
                  """, arguments: [need.positionId]) else { return }
        let english = musician.preferredLanguage == "en"
        let template = try template(type, language: musician.preferredLanguage, in: db)
        let sheet = type == "confirmation" ? "confirmation" : "request"
        let files = try StoredFile.fetchAll(db, sql: """
            SELECT \(StoredFile.columns) FROM fileStorage WHERE sendWith = ? AND (needId = ? OR (needId IS NULL AND projectId = ?)) ORDER BY id
            """, arguments: [sheet, need.id, project.id])
        let deadline = Self.formatMoment(request.deadlineAt, timeZone: try setting("timeZone", in: db) ?? "Europe/Stockholm")
        let empty = type == "confirmation" ? (english ? "Information will follow" : "Information kommer senare")
                                           : (english ? "See the attached information" : "Se bifogad information")
        let values: [String: String] = [
            "firstName": musician.firstName, "lastName": musician.lastName, "projectName": project.name,
            "positionName": english ? position["nameEn"] : position["name"],
            "instrumentName": english ? position["instrumentEn"] : position["instrument"],
            "startDate": project.startDate, "weekNumber": String(project.weekNumber),
            "rehearsalSchedule": project.rehearsalSchedule.flatMap { $0.isEmpty ? nil : $0 } ?? empty,
            "concertInfo": project.concertInfo.flatMap { $0.isEmpty ? nil : $0 } ?? empty,
            "responseUrl": token.map { "\(answerBaseURL)/r/\($0)" } ?? "",
            "responseTime": deadline, "quantity": String(need.quantity), "orchestraName": orchestraName,
            "attachmentNote": files.isEmpty ? "" : (english ? "\nAttached: " : "\nBifogat: ") + files.map(\.fileName).joined(separator: ", ") + "\n",
        ]
        var message = OutboxMessage(
            requestId: request.id, musicianId: musician.id, projectId: project.id, type: type, channel: "email",
            recipient: musician.email, subject: MessageTemplate.render(template.subject, values),
            body: MessageTemplate.render(template.body, values), status: "queued", attempts: 0, nextAttemptAt: now,
            sentAt: nil, lastError: nil, createdAt: now)
        try message.insert(db)
        if type == "request" || type == "confirmation" { try attach(files, to: message.id!, in: db) }
        try queueSMS(type, request: request, musician: musician, project: project.id, values: values, now: now, in: db)
    }

    /// `yyyy-MM-dd HH:mm` in the orchestra's time zone. Formatters are costly to make: one per zone, used
    /// under a lock.
    static func formatMoment(_ date: Date, timeZone: String) -> String {
        MomentFormatters.shared.format(date, timeZone: timeZone)
    }
}

final class MomentFormatters: @unchecked Sendable {
    static let shared = MomentFormatters()
    private let lock = NSLock()
    private var formatters: [String: DateFormatter] = [:]

    func format(_ date: Date, timeZone: String) -> String {
        lock.withLock {
            if let formatter = formatters[timeZone] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "sv_SE")
            formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Europe/Stockholm")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            formatters[timeZone] = formatter
            return formatter.string(from: date)
        }
    }
}

/// `{{name}}` placeholders filled from a dictionary; unknown names render empty.
public enum MessageTemplate {
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
