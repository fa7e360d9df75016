import Foundation
import GRDB

extension OrchestraSchema {
    /// Migration 3: which stored files each outbox message carries, and an index to find a project's files.
    static func createMessageAttachments(_ db: Database) throws {
        try db.create(table: "communicationAttachment") { t in
            t.belongsTo("message", inTable: "communicationLog", onDelete: .cascade).notNull()
            // The name stays when the file is later deleted, so the outbox remains a record of what went out.
            t.belongsTo("file", inTable: "fileStorage", onDelete: .setNull)
            t.column("fileName", .text).notNull()
        }
        try db.create(index: "fileStorage_by_owner", on: "fileStorage", columns: ["projectId", "needId"])
    }
}

extension OrchestraSeeds {
    /// The SMS templates and their settings, for every orchestra (made before them or not). Nothing an
    /// orchestra already has is overwritten.
    static func applySMS(_ db: Database) throws {
        let now = Date()
        for template in templates where template.type.hasPrefix("sms_") {
            try db.execute(sql: "INSERT OR IGNORE INTO emailTemplate(type, language, subject, body, updatedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [template.type, template.language, template.subject, template.body, now])
        }
        for key in ["smsOnRequest", "smsOnReminder"] {
            try db.execute(sql: "INSERT OR IGNORE INTO setting(key, value) VALUES (?, 'false')", arguments: [key])
        }
    }
}
