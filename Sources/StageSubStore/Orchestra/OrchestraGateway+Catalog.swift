import Foundation
import GRDB

/// Instruments and their positions: the catalog every need, qualification and ranking list points into.
extension OrchestraGateway {
    /// The instruments in score order, each with its positions in order. Without `includeArchived`, archived
    /// instruments and positions are left out (what a new need or a qualification may choose from).
    public func instruments(includeArchived: Bool = false) throws(StoreError) -> [InstrumentSection] {
        try read { db in
            let archived = includeArchived ? "" : "WHERE NOT isArchived"
            let positions = Dictionary(grouping: try Position.fetchAll(db.cachedStatement(sql: "SELECT * FROM position \(archived) ORDER BY hierarchyLevel, id")),
                                       by: \.instrumentId)
            return try Instrument.fetchAll(db.cachedStatement(sql: "SELECT * FROM instrument \(archived) ORDER BY displayOrder, id")).map {
                InstrumentSection(instrument: $0, positions: positions[$0.id!] ?? [])
            }
        }
    }

    /// Adds an instrument at the end of the score. `nameEn` defaults to the Swedish name.
    public func createInstrument(name: String, nameEn: String? = nil) throws(StoreError) -> Instrument {
        let (name, nameEn) = try Self.catalogNames(name, nameEn, kind: .instrument)
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM instrument WHERE name = ? COLLATE NOCASE)", arguments: [name]) == true {
                throw StoreError(.conflict, .instrumentExists(name))
            }
            let last = try Int.fetchOne(db, sql: "SELECT max(displayOrder) FROM instrument") ?? 0
            var instrument = Instrument(name: name, nameEn: nameEn, displayOrder: last + 1, isArchived: false)
            try instrument.insert(db)
            return instrument
        }
    }

    /// Adds a position at the end of an instrument's positions, with its empty A, B and C lists. `nameEn`
    /// defaults to the Swedish name.
    public func createPosition(instrument: Int64, name: String, nameEn: String? = nil) throws(StoreError) -> Position {
        let (name, nameEn) = try Self.catalogNames(name, nameEn, kind: .position)
        return try write { db in
            guard let owner = try Instrument.fetchOne(db, key: instrument) else { throw StoreError(.notFound, "no instrument \(instrument)") }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM position WHERE instrumentId = ? AND name = ? COLLATE NOCASE)",
                                 arguments: [instrument, name]) == true {
                throw StoreError(.conflict, .positionExists(instrument: owner.name, position: name))
            }
            let last = try Int.fetchOne(db, sql: "SELECT max(hierarchyLevel) FROM position WHERE instrumentId = ?", arguments: [instrument]) ?? 0
            var position = Position(instrumentId: instrument, name: name, nameEn: nameEn, hierarchyLevel: last + 1, isArchived: false)
            try position.insert(db)
            try OrchestraSchema.createMissingRankingLists(db, position: position.id)
            return position
        }
    }

    /// Renames an instrument (Swedish and English); `nameEn` defaults to the Swedish name.
    public func renameInstrument(_ id: Int64, name: String, nameEn: String? = nil) throws(StoreError) {
        let (name, nameEn) = try Self.catalogNames(name, nameEn, kind: .instrument)
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM instrument WHERE name = ? COLLATE NOCASE AND id <> ?)",
                                 arguments: [name, id]) == true {
                throw StoreError(.conflict, .instrumentExists(name))
            }
            try db.execute(sql: "UPDATE instrument SET name = ?, nameEn = ? WHERE id = ?", arguments: [name, nameEn, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no instrument \(id)") }
        }
    }

    /// Renames a position (Swedish and English); `nameEn` defaults to the Swedish name. Messages already
    /// in the outbox keep the old name.
    public func renamePosition(_ id: Int64, name: String, nameEn: String? = nil) throws(StoreError) {
        let (name, nameEn) = try Self.catalogNames(name, nameEn, kind: .position)
        try write { db in
            guard let position = try Position.fetchOne(db, key: id) else { throw StoreError(.notFound, "no position \(id)") }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM position WHERE instrumentId = ? AND name = ? COLLATE NOCASE AND id <> ?)",
                                 arguments: [position.instrumentId, name, id]) == true {
                throw StoreError(.conflict, "the instrument already has a position called \(name)")
            }
            try db.execute(sql: "UPDATE position SET name = ?, nameEn = ? WHERE id = ?", arguments: [name, nameEn, id])
        }
    }

    /// Puts the instruments in this order. Instruments not named (archived ones a screen does not show)
    /// keep their relative order after those named.
    public func reorderInstruments(_ order: [Int64]) throws(StoreError) {
        try write { db in
            let current = try Int64.fetchAll(db, sql: "SELECT id FROM instrument ORDER BY displayOrder, id")
            for (index, id) in try Self.reordered(current, by: order, kind: "instrument").enumerated() {
                try db.execute(sql: "UPDATE instrument SET displayOrder = ? WHERE id = ?", arguments: [index + 1, id])
            }
        }
    }

    /// Puts an instrument's positions in this order, highest first (the order also breaks ties between
    /// lists in `smart` mode). Positions not named keep their relative order after those named.
    public func reorderPositions(instrument: Int64, _ order: [Int64]) throws(StoreError) {
        try write { db in
            guard let owner = try Instrument.fetchOne(db, key: instrument) else { throw StoreError(.notFound, "no instrument \(instrument)") }
            let current = try Int64.fetchAll(db, sql: "SELECT id FROM position WHERE instrumentId = ? ORDER BY hierarchyLevel, id",
                                             arguments: [instrument])
            for (index, id) in try Self.reordered(current, by: order, kind: "position of \(owner.name)").enumerated() {
                try db.execute(sql: "UPDATE position SET hierarchyLevel = ? WHERE id = ?", arguments: [index + 1, id])
            }
        }
    }

    /// Archives (true) or restores (false) an instrument. Its positions are not offered for new needs
    /// while it is archived; needs already on them keep working.
    public func setInstrumentArchived(_ archived: Bool, instrument id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE instrument SET isArchived = ? WHERE id = ?", arguments: [archived, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no instrument \(id)") }
        }
    }

    /// Archives (true) or restores (false) a position. It is not offered for new needs while archived;
    /// needs already on it keep working, and its lists and qualifications stay.
    public func setPositionArchived(_ archived: Bool, position id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE position SET isArchived = ? WHERE id = ?", arguments: [archived, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no position \(id)") }
        }
    }

    /// Refuses a position that is archived, or whose instrument is, for a new need.
    static func refuseArchivedPosition(_ id: Int64, in db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT p.name, p.isArchived, i.name AS instrument, i.isArchived AS instrumentArchived
            FROM position p JOIN instrument i ON i.id = p.instrumentId WHERE p.id = ?
            """, arguments: [id]) else { throw StoreError(.notFound, "no position \(id)") }
        let name: String = row["name"], instrument: String = row["instrument"]
        if row["instrumentArchived"] as Bool {
            throw StoreError(.conflict, .instrumentArchived(instrument: instrument, position: name))
        }
        if row["isArchived"] as Bool {
            throw StoreError(.conflict, .positionArchived(position: name, instrument: instrument))
        }
    }

    static func catalogNames(_ name: String, _ nameEn: String?, kind: StoreProblem.CatalogKind) throws(StoreError) -> (String, String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError(.invalidInput, .catalogNameMissing(kind)) }
        let english = nameEn?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return (name, english.isEmpty ? name : english)
    }

    /// `order` first, then the rest of `current` in its order; unknown or repeated ids are refused.
    static func reordered(_ current: [Int64], by order: [Int64], kind: String) throws(StoreError) -> [Int64] {
        guard Set(order).count == order.count else { throw StoreError(.invalidInput, "a \(kind) appears twice in the new order") }
        if let stranger = order.first(where: { !current.contains($0) }) {
            throw StoreError(.invalidInput, "\(stranger) is not a \(kind)")
        }
        return order + current.filter { !order.contains($0) }
    }
}
