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

    /// A read outside a transaction: each statement sees the latest commit, not one snapshot for all. Only
    /// for the hottest pages whose statements need no common snapshot (GRDB's BEGIN and COMMIT around a
    /// read were a fifth of the answer page's database time).
    func readUnisolated<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.unsafeRead(body) } catch { throw Self.translate(error, database.path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.write(body) } catch { throw Self.translate(error, database.path) }
    }

    static func translate(_ error: any Error, _ path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        // SQLite's own words never reach a person: the operations check what they can name first, and what
        // slips through is said in the orchestra's terms.
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            let message = switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_FOREIGNKEY: "that refers to something the orchestra does not have (or is still in use)"
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: "that already exists"
            default: "that is not allowed by the orchestra's data rules"
            }
            return StoreError(.conflict, message, underlying: error)
        }
        return SealedDatabase.translate(error, path: path)
    }

    // MARK: Roster

    /// Adds a musician. A duplicate email or phone is refused, naming the musician who has it.
    /// With `positions`, their qualifications are set in the same transaction: all of it or nothing.
    public func createMusician(_ musician: Musician, positions: Set<Int64>? = nil) throws(StoreError) -> Musician {
        var musician = musician
        try Self.validate(musician)
        return try write { db in
            try Self.refuseDuplicates(musician, in: db)
            if let max = limits?.maxMusicians,
               try Int.fetchOne(db, sql: "SELECT count(*) FROM musician WHERE NOT isArchived") ?? 0 >= max {
                throw StoreError(.limitReached, .musicianLimit(max))
            }
            try musician.insert(db)
            if let positions { try Self.writeQualifications(musician: musician.id!, positions, in: db) }
            return musician
        }
    }

    /// Saves changes to a musician (same duplicate rules), and with `positions` their qualifications, in
    /// one transaction.
    public func updateMusician(_ musician: Musician, positions: Set<Int64>? = nil, now: Date) throws(StoreError) {
        var musician = musician
        try Self.validate(musician)
        musician.updatedAt = now
        try write { db in
            guard try Musician.exists(db, id: musician.id) else { throw StoreError(.notFound, "no musician \(musician.id ?? 0)") }
            try Self.refuseDuplicates(musician, in: db)
            try musician.update(db)
            if let positions { try Self.writeQualifications(musician: musician.id!, positions, in: db) }
        }
    }

    static func validate(_ musician: Musician) throws(StoreError) {
        if musician.firstName.trimmingCharacters(in: .whitespaces).isEmpty || musician.lastName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError(.invalidInput, .musicianNameMissing)
        }
        try Appliance.validateEmail(musician.email)
        if !["sv", "en"].contains(musician.preferredLanguage) {
            throw StoreError(.invalidInput, "the language must be sv or en")
        }
    }

    static func refuseDuplicates(_ musician: Musician, in db: Database) throws {
        if let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE email = ? COLLATE NOCASE AND id IS NOT ?",
                                            arguments: [musician.email, musician.id]) {
            throw StoreError(.conflict, .emailTaken(email: musician.email, by: other.fullName, musician: other.id ?? 0))
        }
        if let phone = musician.phone, !phone.isEmpty,
           let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE phone = ? AND id IS NOT ?", arguments: [phone, musician.id]) {
            throw StoreError(.conflict, .phoneTaken(phone: phone, by: other.fullName, musician: other.id ?? 0))
        }
    }

    /// Replaces a musician's qualifications.
    public func setQualifications(musician id: Int64, positions: Set<Int64>) throws(StoreError) {
        try write { db in
            guard try Musician.exists(db, id: id) else { throw StoreError(.notFound, "no musician \(id)") }
            try Self.writeQualifications(musician: id, positions, in: db)
        }
    }

    /// Replaces a musician's qualifications; an id that is no position is refused by name of the field.
    static func writeQualifications(musician id: Int64, _ positions: Set<Int64>, in db: Database) throws {
        let known = Set(try Int64.fetchAll(db, sql: "SELECT id FROM position WHERE id IN (SELECT value FROM json_each(?))",
                                           arguments: [jsonArray(positions)]))
        if let unknown = positions.sorted().first(where: { !known.contains($0) }) {
            throw StoreError(.invalidInput, "positionIds: there is no position \(unknown)")
        }
        try db.execute(sql: "DELETE FROM qualification WHERE musicianId = ?", arguments: [id])
        for position in positions.sorted() {
            try db.execute(sql: "INSERT INTO qualification(musicianId, positionId) VALUES (?, ?)", arguments: [id, position])
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

    // MARK: Projects and needs

    /// The years a project may fall in: anything else is a typo.
    static let projectYears = 2000...2100

    /// Creates a project; its week number comes from its start date.
    public func createProject(name: String, startDate: String, endDate: String? = nil, rehearsalSchedule: String? = nil,
                              concertInfo: String? = nil, notes: String? = nil, location: String? = nil, now: Date) throws(StoreError) -> Project {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError(.invalidInput, .projectNameMissing) }
        guard let start = CalendarDay(iso: startDate), Self.projectYears.contains(start.components.year) else {
            throw StoreError(.invalidInput, .projectDate(field: "startDate", years: Self.projectYears))
        }
        if let endDate {
            guard let end = CalendarDay(iso: endDate), Self.projectYears.contains(end.components.year) else {
                throw StoreError(.invalidInput, .projectDate(field: "endDate", years: Self.projectYears))
            }
            guard end >= start else { throw StoreError(.invalidInput, .endBeforeStart) }
        }
        var project = Project(name: name, startDate: startDate, endDate: endDate, weekNumber: start.isoWeek.week,
                              rehearsalSchedule: rehearsalSchedule, concertInfo: concertInfo, notes: notes, createdAt: now, updatedAt: now,
                              location: location.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 })
        return try write { db in
            if let max = limits?.maxProjects,
               try Int.fetchOne(db, sql: "SELECT count(*) FROM project WHERE archivedAt IS NULL") ?? 0 >= max {
                throw StoreError(.limitReached, .projectLimit(max))
            }
            try project.insert(db)
            return project
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
        if let problem = NeedEditRule.problem(with: need.settings) { throw StoreError(.invalidInput, .needEdit(problem)) }
        return try write { db in
            try Self.checkPlacement(of: need, in: db)
            try need.insert(db)
            return need
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

    /// Changes several settings at once: all of them, or none when one is invalid (the message names the
    /// setting and what it takes).
    public func setSettings(_ changes: [String: String]) throws(StoreError) {
        try write { db in
            let changed: OrchestraSettings
            do { changed = try settings(in: db).applying(changes) } catch let error as SettingError {
                throw StoreError(.invalidInput, .setting(error))
            }
            for (key, value) in changed.stored {
                try db.execute(sql: "INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    /// Sets one setting (see `OrchestraSettings` for the keys and what each takes).
    public func setSetting(_ key: String, _ value: String) throws(StoreError) {
        try setSettings([key: value])
    }

    /// The orchestra's settings, defaults filled in.
    func settings(in db: Database) throws -> OrchestraSettings {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM setting"))
        return OrchestraSettings(stored: Dictionary(rows.map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a }))
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
