import GRDB

/// An instrument of the orchestra (a section: Violin 1, Altfiol, Horn …), in score order.
public struct Instrument: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "instrument"
    public var id: Int64?
    /// Swedish name, unique in the orchestra.
    public var name: String
    public var nameEn: String
    /// 1 for the first instrument in the score.
    public var displayOrder: Int
    /// Archived instruments and their positions are not offered for new needs.
    public var isArchived: Bool

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A position within an instrument (Förste konsertmästare, Stämledare, Tutti …).
public struct Position: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "position"
    public var id: Int64?
    public var instrumentId: Int64
    /// Swedish name, unique within its instrument.
    public var name: String
    public var nameEn: String
    /// The position's place in its instrument, 1 first: also "the higher position" when lists tie in smart mode.
    public var hierarchyLevel: Int
    /// Archived positions are not offered for new needs; needs already on them keep working.
    public var isArchived: Bool

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An instrument with its positions in order: one section of the catalog.
public struct InstrumentSection: Sendable, Equatable {
    public var instrument: Instrument
    public var positions: [Position]
}
