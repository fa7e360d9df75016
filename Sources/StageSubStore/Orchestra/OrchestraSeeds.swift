import Foundation
import GRDB

/// What every new orchestra starts with: the instruments and positions of a Swedish symphony orchestra in
/// score order, and the message templates in Swedish and English (Seeds/*.json, compiled into the binary).
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
        try! JSONDecoder().decode([Instrument].self, from: Data(PackageResources.instruments_json))
    }

    static var templates: [Template] {
        try! JSONDecoder().decode([Template].self, from: Data(PackageResources.templates_json))
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
}
