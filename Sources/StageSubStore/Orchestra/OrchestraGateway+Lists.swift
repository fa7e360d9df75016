import Foundation
import GRDB
import StageSubCore

/// Ranking lists: every position has its A, B and C lists from the moment it exists (migration 5, and
/// `createPosition`); people fill, order and clear them. Only musicians qualified for the position are
/// ranked on its lists, so a list never holds someone its needs would pass over as unqualified.
extension OrchestraGateway {
    /// The id of a position's A, B or C list.
    public func rankingList(position: Int64, type: String) throws(StoreError) -> Int64 {
        guard ["A", "B", "C"].contains(type) else { throw StoreError(.invalidInput, "a ranking list is A, B or C") }
        let id = try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM rankingList WHERE positionId = ? AND listType = ?", arguments: [position, type])
        }
        guard let id else { throw StoreError(.notFound, "no position \(position)") }
        return id
    }

    /// Puts a list in exactly this order (ranks 1…n); musicians not named leave the list.
    public func setRanking(list: Int64, musicians: [Int64]) throws(StoreError) {
        try write { db in
            try Self.checkRankable(musicians, position: try Self.listPosition(list, in: db), in: db)
            try Self.writeRanking(list: list, musicians, in: db)
        }
    }

    /// Adds musicians at the end of a list, in the order given; those already on it keep their place.
    public func addToList(_ list: Int64, musicians: [Int64]) throws(StoreError) {
        try write { db in
            let position = try Self.listPosition(list, in: db)
            let current = try Self.ranking(list: list, in: db)
            let added = musicians.filter { !current.contains($0) }
            try Self.checkRankable(added, position: position, in: db)
            try Self.writeRanking(list: list, current + added, in: db)
        }
    }

    /// Removes a musician from a list; the ranks below close up.
    public func removeFromList(_ list: Int64, musician: Int64) throws(StoreError) {
        try write { db in
            _ = try Self.listPosition(list, in: db)
            let current = try Self.ranking(list: list, in: db)
            guard current.contains(musician) else { throw StoreError(.notFound, "musician \(musician) is not on list \(list)") }
            try Self.writeRanking(list: list, current.filter { $0 != musician }, in: db)
        }
    }

    /// Puts the musicians of a list in a new order; the order names every one of them exactly once.
    public func reorderList(_ list: Int64, order: [Int64]) throws(StoreError) {
        try write { db in
            _ = try Self.listPosition(list, in: db)
            let current = try Self.ranking(list: list, in: db)
            guard order.count == current.count, Set(order) == Set(current) else {
                throw StoreError(.invalidInput, "a new order names every musician on the list exactly once (the list has \(current.count)); "
                                 + "add or remove musicians separately")
            }
            try Self.writeRanking(list: list, order, in: db)
        }
    }

    /// Empties a list. Refused while a need that is not over asks from it: cancel or finish that need first.
    public func clearList(_ list: Int64) throws(StoreError) {
        try write { db in
            _ = try Self.listPosition(list, in: db)
            let users = try Self.needsUsing(list: list, in: db)
            guard users.isEmpty else {
                throw StoreError(.conflict, .listInUse(list: list, needs: users))
            }
            try db.execute(sql: "DELETE FROM ranking WHERE listId = ?", arguments: [list])
        }
    }

    /// Sets a list's description (what the list is for: "Frilansare i Göteborg"); empty removes it.
    public func describeList(_ list: Int64, description: String) throws(StoreError) {
        let text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 200 else { throw StoreError(.invalidInput, .descriptionTooLong) }
        try write { db in
            _ = try Self.listPosition(list, in: db)
            try db.execute(sql: "UPDATE rankingList SET description = ? WHERE id = ?", arguments: [text.isEmpty ? nil : text, list])
        }
    }

    /// A list's musicians in rank order.
    public func ranking(list: Int64) throws(StoreError) -> [Int64] {
        try read { db in try Self.ranking(list: list, in: db) }
    }

    /// A list for one project's need, in this order, instead of the position's A/B/C lists.
    public func createCustomList(project: Int64, position: Int64, name: String, musicians: [Int64]) throws(StoreError) -> Int64 {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError(.invalidInput, .customListName) }
        return try write { db in
            guard try Project.exists(db, id: project) else { throw StoreError(.notFound, "no project \(project)") }
            guard try Position.exists(db, id: position) else {
                throw StoreError(.invalidInput, "positionId: there is no position \(position)")
            }
            try Self.checkRankable(musicians, position: position, in: db)
            try db.execute(sql: "INSERT INTO customRankingList(projectId, positionId, name) VALUES (?, ?, ?)", arguments: [project, position, name])
            let id = db.lastInsertedRowID
            for (index, musician) in musicians.enumerated() {
                try db.execute(sql: "INSERT INTO customRanking(listId, musicianId, rank) VALUES (?, ?, ?)", arguments: [id, musician, index + 1])
            }
            return id
        }
    }

    /// A project's own list: its project, position, name and musicians in rank order.
    public func customList(_ id: Int64) throws(StoreError) -> CustomListView {
        let found = try read { db -> CustomListView? in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, projectId, positionId, name FROM customRankingList WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return CustomListView(id: try row.decode(forColumn: "id"), projectId: try row.decode(forColumn: "projectId"),
                                  positionId: try row.decode(forColumn: "positionId"), name: try row.decode(forColumn: "name"),
                                  musicianIds: try Int64.fetchAll(db, sql: "SELECT musicianId FROM customRanking WHERE listId = ? ORDER BY rank", arguments: [id]))
        }
        guard let found else { throw StoreError(.notFound, "no custom list \(id)") }
        return found
    }

    /// Gives a project's own list these musicians in this order: adding, removing and reordering are all this.
    /// Each musician once; one added must be qualified for the list's position (those already on it stay
    /// even if their positions changed since). A need asking from the list asks in the new order from now on.
    public func setCustomList(_ id: Int64, musicians: [Int64]) throws(StoreError) {
        try write { db in
            guard let position = try Int64.fetchOne(db, sql: "SELECT positionId FROM customRankingList WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no custom list \(id)")
            }
            guard Set(musicians).count == musicians.count else { throw StoreError(.invalidInput, "a musician is on a list once") }
            let current = Set(try Int64.fetchAll(db, sql: "SELECT musicianId FROM customRanking WHERE listId = ?", arguments: [id]))
            try Self.checkRankable(musicians.filter { !current.contains($0) }, position: position, in: db)
            try db.execute(sql: "DELETE FROM customRanking WHERE listId = ?", arguments: [id])
            for (index, musician) in musicians.enumerated() {
                try db.execute(sql: "INSERT INTO customRanking(listId, musicianId, rank) VALUES (?, ?, ?)", arguments: [id, musician, index + 1])
            }
        }
    }

    // MARK: Inside a transaction

    static func listPosition(_ list: Int64, in db: Database) throws -> Int64 {
        guard let position = try Int64.fetchOne(db, sql: "SELECT positionId FROM rankingList WHERE id = ?", arguments: [list]) else {
            throw StoreError(.notFound, "no ranking list \(list)")
        }
        return position
    }

    static func ranking(list: Int64, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT musicianId FROM ranking WHERE listId = ? ORDER BY rank", arguments: [list])
    }

    static func writeRanking(list: Int64, _ musicians: [Int64], in db: Database) throws {
        try db.execute(sql: "DELETE FROM ranking WHERE listId = ?", arguments: [list])
        for (index, musician) in musicians.enumerated() {
            try db.execute(sql: "INSERT INTO ranking(listId, musicianId, rank) VALUES (?, ?, ?)", arguments: [list, musician, index + 1])
        }
    }

    /// The needs asking from a ranking list that are not over.
    static func needsUsing(list: Int64, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM projectNeed WHERE rankingListId = ? AND status IN ('active', 'paused') ORDER BY id"),
                           arguments: [list])
    }

    /// Refuses a musician named twice, an id that is no musician, and a musician not qualified for the
    /// position, each by name or id, so the person can fix exactly that.
    static func checkRankable(_ musicians: [Int64], position: Int64, in db: Database) throws {
        var seen = Set<Int64>()
        if let twice = musicians.first(where: { !seen.insert($0).inserted }) {
            throw StoreError(.invalidInput, "musician \(twice) appears twice in the list")
        }
        guard !musicians.isEmpty else { return }
        let ids = jsonArray(Set(musicians))
        let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
            SELECT id, firstName || ' ' || lastName AS name FROM musician WHERE id IN (SELECT value FROM json_each(?))
            """, arguments: [ids]).map { ($0["id"] as Int64, $0["name"] as String) })
        if let unknown = musicians.first(where: { names[$0] == nil }) {
            throw StoreError(.invalidInput, "there is no musician \(unknown) on the roster")
        }
        let qualified = Set(try Int64.fetchAll(db, sql: """
            SELECT musicianId FROM qualification WHERE positionId = ? AND musicianId IN (SELECT value FROM json_each(?))
            """, arguments: [position, ids]))
        if let unqualified = musicians.first(where: { !qualified.contains($0) }) {
            let positionName = try String.fetchOne(db, sql: """
                SELECT p.name || ' (' || i.name || ')' FROM position p JOIN instrument i ON i.id = p.instrumentId WHERE p.id = ?
                """, arguments: [position]) ?? "position \(position)"
            throw StoreError(.invalidInput, .notQualified(musician: names[unqualified] ?? "musician \(unqualified)", id: unqualified, position: positionName))
        }
    }
}
