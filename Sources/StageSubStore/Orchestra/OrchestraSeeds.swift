import Foundation
import GRDB
import StageSubSeeds

/// What migration 2 (and 3, for the SMS templates) seeded: the instruments and positions of a Swedish
/// symphony orchestra in score order and the message templates, from frozen copies (Frozen/v2-*.json)
/// that are never edited. What a NEW orchestra gets on top is in the top-level seeds/ (`applyCurrent`).
enum OrchestraSeeds {
    struct Instrument: Decodable {
        struct Position: Decodable { var name: String; var nameEn: String }
        var name: String
        var nameEn: String
        var positions: [Position]
    }

    struct Template: Decodable {
        var type: String
        var language: String
        var subject: String
        var body: String
    }

    static var instruments: [Instrument] {
        // The seed files are part of the build; a decoding failure is a build defect, caught by the tests.
        try! JSONDecoder().decode([Instrument].self, from: Data(PackageResources.v2_instruments_json))
    }

    static var templates: [Template] {
        try! JSONDecoder().decode([Template].self, from: Data(PackageResources.v2_templates_json))
    }

    static func apply(_ db: Database) throws {
        let now = Date()
        for (order, instrument) in instruments.enumerated() {
            try db.execute(sql: "INSERT INTO instrument(name, nameEn, displayOrder) VALUES (?, ?, ?)",
                           arguments: [instrument.name, instrument.nameEn, order + 1])
            let instrumentId = db.lastInsertedRowID
            for (level, position) in instrument.positions.enumerated() {
                try db.execute(sql: "INSERT INTO position(instrumentId, name, nameEn, hierarchyLevel) VALUES (?, ?, ?, ?)",
                               arguments: [instrumentId, position.name, position.nameEn, level + 1])
            }
        }
        for template in templates {
            try db.execute(sql: "INSERT INTO emailTemplate(type, language, subject, body, updatedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [template.type, template.language, template.subject, template.body, now])
        }
        let defaults = ["reminderPercentage": "75", "listConflictMode": "simple", "conflictPolicy": "warn",
                        "timeZone": "Europe/Stockholm", "quietHoursStart": "", "quietHoursEnd": ""]
        for (key, value) in defaults {
            try db.execute(sql: "INSERT OR IGNORE INTO setting(key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// A new orchestra, after its migrations: the current templates of seeds/ (every type, both languages)
    /// replace what the migrations wrote, and instruments or positions seeds/ has and it lacks are added
    /// (with their A/B/C lists). Never run on an orchestra that exists: its people may have edited both.
    static func applyCurrent(_ db: Database, now: Date) throws {
        let templates = try JSONDecoder().decode([Template].self, from: Data(StageSubSeeds.templates))
        for template in templates {
            try db.execute(sql: """
                INSERT INTO emailTemplate(type, language, subject, body, updatedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(type, language) DO UPDATE SET subject = excluded.subject, body = excluded.body, updatedAt = excluded.updatedAt
                """, arguments: [template.type, template.language, template.subject, template.body, now])
        }
        let instruments = try JSONDecoder().decode([Instrument].self, from: Data(StageSubSeeds.instruments))
        for instrument in instruments {
            var id = try Int64.fetchOne(db, sql: "SELECT id FROM instrument WHERE name = ?", arguments: [instrument.name])
            if id == nil {
                let order = (try Int.fetchOne(db, sql: "SELECT max(displayOrder) FROM instrument") ?? 0) + 1
                try db.execute(sql: "INSERT INTO instrument(name, nameEn, displayOrder) VALUES (?, ?, ?)", arguments: [instrument.name, instrument.nameEn, order])
                id = db.lastInsertedRowID
            }
            for position in instrument.positions
            where try Int.fetchOne(db, sql: "SELECT count(*) FROM position WHERE instrumentId = ? AND name = ?", arguments: [id, position.name]) == 0 {
                let level = (try Int.fetchOne(db, sql: "SELECT max(hierarchyLevel) FROM position WHERE instrumentId = ?", arguments: [id]) ?? 0) + 1
                try db.execute(sql: "INSERT INTO position(instrumentId, name, nameEn, hierarchyLevel) VALUES (?, ?, ?, ?)",
                               arguments: [id, position.name, position.nameEn, level])
            }
        }
        try OrchestraSchema.createMissingRankingLists(db)
    }
}
