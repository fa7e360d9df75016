import Foundation
import GRDB
import StageSubCore

/// A musician's blackout as stored.
public struct MusicianBlackout: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "musicianBlackout"
    public var id: Int64?
    public var musicianId: Int64
    /// `YYYY-MM-DD`, both days included.
    public var startDate: String
    public var endDate: String
    public var note: String?
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(musicianId: Int64, startDate: String, endDate: String, note: String?, createdAt: Date) {
        self.musicianId = musicianId
        self.startDate = startDate
        self.endDate = endDate
        self.note = note
        self.createdAt = createdAt
    }

    /// As the planner sees it (nil when a stored date cannot be read: it blocks nothing rather than everything).
    var core: Blackout? {
        guard let id, let start = CalendarDay(iso: startDate), let end = CalendarDay(iso: endDate) else { return nil }
        return Blackout(id: id, start: start, end: end, note: note)
    }
}

/// Blackout dates: the days a musician cannot play. Staff keep them through the API; the musician on
/// their own page. The planner passes the musician over for any need whose project overlaps one.
extension OrchestraGateway {
    /// A musician's blackouts, earliest first.
    public func blackouts(musician id: Int64) throws(StoreError) -> [MusicianBlackout] {
        try read { db in
            guard try Musician.exists(db, id: id) else { throw StoreError(.notFound, "no musician \(id)") }
            return try MusicianBlackout.filter(sql: "musicianId = ?", arguments: [id]).order(sql: "startDate, id").fetchAll(db)
        }
    }

    /// Adds a blackout (dates `YYYY-MM-DD`, both included; the note is optional, one line).
    public func addBlackout(musician id: Int64, startDate: String, endDate: String, note: String?, now: Date) throws(StoreError) -> MusicianBlackout {
        let note = Self.cleanNote(note)
        if let problem = Blackout.problem(start: startDate, end: endDate, note: note, years: Self.projectYears) {
            throw StoreError(.invalidInput, problem)
        }
        return try write { db in
            guard let musician = try Musician.fetchOne(db, key: id), musician.erasedAt == nil else { throw StoreError(.notFound, "no musician \(id)") }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM musicianBlackout WHERE musicianId = ?", arguments: [id]) ?? 0
            guard count < Blackout.maximumPerMusician else {
                throw StoreError(.conflict, .blackoutLimit(Blackout.maximumPerMusician))
            }
            var blackout = MusicianBlackout(musicianId: id, startDate: startDate, endDate: endDate, note: note, createdAt: now)
            try blackout.insert(db)
            return blackout
        }
    }

    /// Changes a blackout of this musician (the fields given; nil keeps one, an empty note removes it).
    public func updateBlackout(_ blackoutId: Int64, musician id: Int64, startDate: String?, endDate: String?, note: String?) throws(StoreError) -> MusicianBlackout {
        try write { db in
            guard var blackout = try MusicianBlackout.filter(sql: "id = ? AND musicianId = ?", arguments: [blackoutId, id]).fetchOne(db) else {
                throw StoreError(.notFound, "musician \(id) has no blackout \(blackoutId)")
            }
            if let startDate { blackout.startDate = startDate }
            if let endDate { blackout.endDate = endDate }
            if let note { blackout.note = Self.cleanNote(note) }
            if let problem = Blackout.problem(start: blackout.startDate, end: blackout.endDate, note: blackout.note, years: Self.projectYears) {
                throw StoreError(.invalidInput, problem)
            }
            try blackout.update(db)
            return blackout
        }
    }

    /// Removes a blackout of this musician.
    public func deleteBlackout(_ blackoutId: Int64, musician id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM musicianBlackout WHERE id = ? AND musicianId = ?", arguments: [blackoutId, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "musician \(id) has no blackout \(blackoutId)") }
        }
    }

    static func cleanNote(_ note: String?) -> String? {
        guard let trimmed = note?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// The blackouts of these musicians that overlap a period, for the planner (in the caller's transaction).
    static func blackouts(of musicians: Set<Int64>, overlapping period: ProjectPeriod, in db: Database) throws -> [Int64: [Blackout]] {
        let span = period.span
        var result: [Int64: [Blackout]] = [:]
        for record in try MusicianBlackout.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM musicianBlackout WHERE musicianId IN (SELECT value FROM json_each(?)) AND startDate <= ? AND endDate >= ?
            ORDER BY startDate, id
            """), arguments: [jsonArray(musicians), span.upperBound.description, span.lowerBound.description]) {
            if let blackout = record.core { result[record.musicianId, default: []].append(blackout) }
        }
        return result
    }
}
