import Foundation
import GRDB
import StageSubCore

/// Everything an orchestra's people and its request engine do to its database, by intent. SQL stays here;
/// rules come from StageSubCore.
public final class OrchestraGateway: Sendable {
    let database: DatabasePool
    /// Shown in messages.
    public let orchestraName: String
    /// The start of musicians' answer links, e.g. `https://vikarier.example.org` (links are `<base>/r/<token>`).
    public let answerBaseURL: String

    /// The plan's limits, from the registry (nil: none).
    public let limits: (maxMusicians: Int, maxProjects: Int)?
    /// Starts every answer token: the orchestra's slug and a dot, so the server finds the orchestra a link
    /// belongs to without a lookup table; the token's hash is only in that orchestra's database.
    public let tokenPrefix: String

    public init(database: DatabasePool, orchestraName: String, answerBaseURL: String,
                limits: (maxMusicians: Int, maxProjects: Int)? = nil, slug: String? = nil) {
        self.tokenPrefix = slug.map { "\($0)." } ?? ""
        self.database = database
        self.orchestraName = orchestraName
        self.answerBaseURL = answerBaseURL
        self.limits = limits
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.read(body) } catch { throw Self.translate(error, database.path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.write(body) } catch { throw Self.translate(error, database.path) }
    }

    static func translate(_ error: any Error, _ path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            return StoreError(.conflict, "that conflicts with the orchestra's data (\(error.message ?? "constraint"))", underlying: error)
        }
        return SealedDatabase.translate(error, path: path)
    }

    // MARK: Roster

    /// Adds a musician. A duplicate email or phone is refused, naming the musician who has it.
    public func createMusician(_ musician: Musician) throws(StoreError) -> Musician {
        var musician = musician
        try Self.validate(musician)
        return try write { db in
            try Self.refuseDuplicates(musician, in: db)
            if let max = limits?.maxMusicians,
               try Int.fetchOne(db, sql: "SELECT count(*) FROM musician WHERE NOT isArchived") ?? 0 >= max {
                throw StoreError(.limitReached, "the orchestra's plan allows \(max) musicians on the roster; archive someone or ask for a larger plan")
            }
            try musician.insert(db)
            return musician
        }
    }

    /// Saves changes to a musician (same duplicate rules).
    public func updateMusician(_ musician: Musician, now: Date) throws(StoreError) {
        var musician = musician
        try Self.validate(musician)
        musician.updatedAt = now
        try write { db in
            guard try Musician.exists(db, key: musician.id) else { throw StoreError(.notFound, "no musician \(musician.id ?? 0)") }
            try Self.refuseDuplicates(musician, in: db)
            try musician.update(db)
        }
    }

    static func validate(_ musician: Musician) throws(StoreError) {
        if musician.firstName.trimmingCharacters(in: .whitespaces).isEmpty || musician.lastName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError(.invalidInput, "a musician needs a first and a last name")
        }
        try Appliance.validateEmail(musician.email)
        if !["sv", "en"].contains(musician.preferredLanguage) {
            throw StoreError(.invalidInput, "the language must be sv or en")
        }
    }

    static func refuseDuplicates(_ musician: Musician, in db: Database) throws {
        if let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE email = ? COLLATE NOCASE AND id IS NOT ?",
                                            arguments: [musician.email, musician.id]) {
            throw StoreError(.conflict, "\(musician.email) already belongs to \(other.fullName) (musician \(other.id ?? 0))")
        }
        if let phone = musician.phone, !phone.isEmpty,
           let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE phone = ? AND id IS NOT ?", arguments: [phone, musician.id]) {
            throw StoreError(.conflict, "\(phone) already belongs to \(other.fullName) (musician \(other.id ?? 0))")
        }
    }

    /// Replaces a musician's qualifications.
    public func setQualifications(musician id: Int64, positions: Set<Int64>) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM qualification WHERE musicianId = ?", arguments: [id])
            for position in positions.sorted() {
                try db.execute(sql: "INSERT INTO qualification(musicianId, positionId) VALUES (?, ?)", arguments: [id, position])
            }
        }
    }

    /// Archives (true) or restores (false) a musician. Archived musicians are never asked.
    public func setArchived(_ archived: Bool, musician id: Int64, now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: archived
                ? "UPDATE musician SET isArchived = 1, archivedAt = ?, updatedAt = ? WHERE id = ?"
                : "UPDATE musician SET isArchived = 0, restoredAt = ?, updatedAt = ? WHERE id = ?", arguments: [now, now, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no musician \(id)") }
        }
    }

    /// The id of a position (by instrument and position name, Swedish or English).
    public func positionId(instrument: String, position: String) throws(StoreError) -> Int64 {
        let id = try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT p.id FROM position p JOIN instrument i ON i.id = p.instrumentId
                WHERE (i.name = ? OR i.nameEn = ?) AND (p.name = ? OR p.nameEn = ?)
                """, arguments: [instrument, instrument, position, position])
        }
        guard let id else { throw StoreError(.notFound, "no position \(position) of \(instrument)") }
        return id
    }

    // MARK: Ranking lists

    /// The A, B or C list of a position, made when first asked for.
    public func rankingList(position: Int64, type: String) throws(StoreError) -> Int64 {
        guard ["A", "B", "C"].contains(type) else { throw StoreError(.invalidInput, "a ranking list is A, B or C") }
        return try write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM rankingList WHERE positionId = ? AND listType = ?", arguments: [position, type]) {
                return id
            }
            try db.execute(sql: "INSERT INTO rankingList(positionId, listType) VALUES (?, ?)", arguments: [position, type])
            return db.lastInsertedRowID
        }
    }

    /// Puts a list in exactly this order (ranks 1…n); musicians not named leave the list.
    public func setRanking(list: Int64, musicians: [Int64]) throws(StoreError) {
        guard Set(musicians).count == musicians.count else { throw StoreError(.invalidInput, "a musician appears twice in the list") }
        try write { db in
            try db.execute(sql: "DELETE FROM ranking WHERE listId = ?", arguments: [list])
            for (index, musician) in musicians.enumerated() {
                try db.execute(sql: "INSERT INTO ranking(listId, musicianId, rank) VALUES (?, ?, ?)", arguments: [list, musician, index + 1])
            }
        }
    }

    /// Adds musicians at the end of a list.
    public func addToList(_ list: Int64, musicians: [Int64]) throws(StoreError) {
        let current = try ranking(list: list)
        try setRanking(list: list, musicians: current + musicians.filter { !current.contains($0) })
    }

    /// Removes a musician from a list; the ranks close up.
    public func removeFromList(_ list: Int64, musician: Int64) throws(StoreError) {
        try setRanking(list: list, musicians: ranking(list: list).filter { $0 != musician })
    }

    /// A list's musicians in rank order.
    public func ranking(list: Int64) throws(StoreError) -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT musicianId FROM ranking WHERE listId = ? ORDER BY rank", arguments: [list]) }
    }

    // MARK: Projects and needs

    /// Creates a project; its week number comes from its start date.
    public func createProject(name: String, startDate: String, endDate: String? = nil, rehearsalSchedule: String? = nil,
                              concertInfo: String? = nil, notes: String? = nil, now: Date) throws(StoreError) -> Project {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError(.invalidInput, "a project needs a name") }
        guard let start = CalendarDay(iso: startDate) else { throw StoreError(.invalidInput, "startDate must be a date YYYY-MM-DD") }
        if let endDate {
            guard let end = CalendarDay(iso: endDate) else { throw StoreError(.invalidInput, "endDate must be a date YYYY-MM-DD") }
            guard end >= start else { throw StoreError(.invalidInput, "endDate is before startDate") }
        }
        var project = Project(name: name, startDate: startDate, endDate: endDate, weekNumber: start.isoWeek.week,
                              rehearsalSchedule: rehearsalSchedule, concertInfo: concertInfo, notes: notes, createdAt: now, updatedAt: now)
        return try write { db in
            if let max = limits?.maxProjects,
               try Int.fetchOne(db, sql: "SELECT count(*) FROM project WHERE archivedAt IS NULL") ?? 0 >= max {
                throw StoreError(.limitReached, "the orchestra's plan allows \(max) projects; archive a past one or ask for a larger plan")
            }
            try project.insert(db)
            return project
        }
    }

    /// A list for one project's need, in this order, instead of the position's A/B/C lists.
    public func createCustomList(project: Int64, position: Int64, name: String, musicians: [Int64]) throws(StoreError) -> Int64 {
        guard Set(musicians).count == musicians.count else { throw StoreError(.invalidInput, "a musician appears twice in the list") }
        return try write { db in
            try db.execute(sql: "INSERT INTO customRankingList(projectId, positionId, name) VALUES (?, ?, ?)", arguments: [project, position, name])
            let id = db.lastInsertedRowID
            for (index, musician) in musicians.enumerated() {
                try db.execute(sql: "INSERT INTO customRanking(listId, musicianId, rank) VALUES (?, ?, ?)", arguments: [id, musician, index + 1])
            }
            return id
        }
    }

    /// Adds a need to a project, with a ranking list of its position or a custom list of the project.
    public func createNeed(project: Int64, position: Int64, quantity: Int, rankingList: Int64? = nil, customList: Int64? = nil,
                           strategy: RequestStrategy,
                           maxRecipients: Int? = nil, responseTimeHours: Int = 24, requireLocalResidence: Bool = false,
                           now: Date) throws(StoreError) -> ProjectNeed {
        var need = ProjectNeed(projectId: project, positionId: position, quantity: quantity, rankingListId: rankingList,
                               customRankingListId: customList, strategy: strategy, maxRecipients: maxRecipients,
                               responseTimeHours: responseTimeHours, requireLocalResidence: requireLocalResidence,
                               status: .active, createdAt: now, updatedAt: now)
        if let problem = NeedEditRule.problem(with: need.settings) { throw StoreError(.invalidInput, problem) }
        return try write { db in
            try Self.checkPlacement(of: need, in: db)
            try need.insert(db)
            return need
        }
    }

    /// Pauses a need (nobody new is asked; pending requests stay), or resumes it.
    public func setNeedPaused(_ paused: Bool, need id: Int64, now: Date) throws(StoreError) -> DispatchResult {
        try write { db in
            try db.execute(sql: "UPDATE projectNeed SET status = ?, updatedAt = ? WHERE id = ? AND status IN ('active', 'paused')",
                           arguments: [paused ? "paused" : "active", now, id])
            guard db.changesCount == 1 else { throw StoreError(.conflict, "need \(id) is neither active nor paused") }
            return paused ? DispatchResult(sent: [], plan: nil) : try dispatch(need: id, now: now, in: db)
        }
    }

    /// Cancels a need: its pending requests are cancelled and those musicians told the position is filled.
    public func cancelNeed(_ id: Int64, now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE projectNeed SET status = 'cancelled', updatedAt = ? WHERE id = ? AND status <> 'cancelled'",
                           arguments: [now, id])
            guard db.changesCount == 1 else { throw StoreError(.conflict, "need \(id) is already cancelled") }
            try cancelPending(need: id, now: now, in: db)
        }
    }

    public func need(_ id: Int64) throws(StoreError) -> ProjectNeed {
        guard let need = try read({ db in try ProjectNeed.fetchOne(db, key: id) }) else { throw StoreError(.notFound, "no need \(id)") }
        return need
    }

    /// The requests of a need, oldest first.
    public func requests(need id: Int64) throws(StoreError) -> [SubstituteRequest] {
        try read { db in try SubstituteRequest.filter(sql: "needId = ?", arguments: [id]).order(sql: "id").fetchAll(db) }
    }

    /// The outbox, oldest first.
    public func outbox() throws(StoreError) -> [OutboxMessage] {
        try read { db in try OutboxMessage.order(sql: "id").fetchAll(db) }
    }

    /// Sets one of the orchestra's settings (reminderPercentage 10–90, listConflictMode simple|smart,
    /// conflictPolicy warn|skip, timeZone, quietHoursStart/End HH:MM or empty, smsOnRequest/smsOnReminder
    /// true|false: text musicians who have a phone number as well as emailing them).
    public func setSetting(_ key: String, _ value: String) throws(StoreError) {
        try setSettings([key: value])
    }

    /// Changes several settings at once: all of them, or none when one is invalid.
    public func setSettings(_ changes: [String: String]) throws(StoreError) {
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) { try Self.validateSetting(key, value) }
        try write { db in
            for (key, value) in changes {
                try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    static func validateSetting(_ key: String, _ value: String) throws(StoreError) {
        let valid: Bool
        switch key {
        case "reminderPercentage": valid = Int(value).map { (10...90).contains($0) && $0 % 5 == 0 } ?? false
        case "listConflictMode": valid = ListConflictMode(rawValue: value) != nil
        case "conflictPolicy": valid = ConflictPolicy(rawValue: value) != nil
        case "timeZone": valid = TimeZone(identifier: value) != nil
        case "quietHoursStart", "quietHoursEnd": valid = value.isEmpty || QuietHours.minutes(value) != nil
        case "smsOnRequest", "smsOnReminder": valid = value == "true" || value == "false"
        case "emailTransport": valid = ["outbox", "smtp"].contains(value)
        case "smtpHost": valid = value.isEmpty || (value.count <= 253 && value.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) })
        case "smtpPort": valid = Int(value).map { (1...65535).contains($0) } ?? false
        case "smtpSecurity": valid = ["starttls", "tls", "none"].contains(value)
        case "smtpUsername": valid = value.count <= 200 && !value.contains(where: \.isNewline)
        case "smtpPassword": valid = value.count <= 200 && !value.contains(where: \.isNewline)
        case "smtpCACertificate": valid = value.isEmpty || value.contains("-----BEGIN CERTIFICATE-----")
        case "emailFrom", "emailReplyTo": valid = value.isEmpty || EmailAddress.isHeaderSafe(value)
        case "emailFromName": valid = value.count <= 200 && !value.contains(where: \.isNewline)
        default: throw StoreError(.invalidInput, "no setting \(key)")
        }
        guard valid else { throw StoreError(.invalidInput, "\(key): \"\(value)\" is not a valid value") }
    }

    func setting(_ key: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM setting WHERE key = ?"), arguments: [key])
    }
}

extension Appliance {
    /// The gateway of an orchestra's database, for its people and its engine.
    public func gateway(_ slug: String, database: DatabasePool, answerBaseURL: String) throws(StoreError) -> OrchestraGateway {
        let orchestra = try orchestra(slug)
        return OrchestraGateway(database: database, orchestraName: orchestra.name, answerBaseURL: answerBaseURL,
                                limits: (orchestra.maxMusicians, orchestra.maxProjects), slug: slug)
    }
}
