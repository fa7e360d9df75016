import GRDB

extension TableRecord {
    /// Whether a row with this id exists, through a statement prepared once per connection. GRDB's
    /// `exists(_:key:)` builds and prepares its query on every call (a few percent of a need's page,
    /// docs/benchmarks.md); the pages check an id before nearly every read.
    static func exists(_ db: Database, id: Int64?) throws -> Bool {
        guard let id else { return false }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(databaseTableName) WHERE id = ?)"), arguments: [id]) ?? false
    }
}
