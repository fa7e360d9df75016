import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

extension EngineFixture {
    /// Gives musician `index` a phone number.
    func givePhone(_ index: Int, _ phone: String) throws {
        var musician = musicians[index - 1]
        musician.phone = phone
        try gateway.updateMusician(musician, now: Self.start)
    }
}

@Suite("Files sent with requests and confirmations")
struct FileTests {
    @Test("files are stored, listed, fetched and deleted; a request carries the request files, a confirmation the confirmation files")
    func requestAndConfirmationFiles() throws {
        let f = try EngineFixture(count: 3)
        let need = try f.need(.sequential)
        let part = Data("%PDF-1.7 stämma".utf8)
        let notes = try f.gateway.attachFile(part, name: #"C:\Users\kansli\Mahler5-stämma.pdf"#, mimeType: "application/pdf",
                                             to: .need(need.id!), sendWith: .request, now: EngineFixture.start)
        #expect(notes.fileName == "Mahler5-stämma.pdf" && notes.projectId == f.project.id && notes.sizeBytes == part.count)
        let practical = try f.gateway.attachFile(Data("Samling 9.45 vid scenentrén".utf8), name: "praktiskt.txt", mimeType: "text/plain",
                                                 to: .project(f.project.id!), sendWith: .confirmation, now: EngineFixture.start)
        #expect(try f.gateway.files(project: f.project.id!).map(\.fileName) == ["Mahler5-stämma.pdf", "praktiskt.txt"])
        #expect(try f.gateway.file(notes.id).data == part)

        let tooBig = #expect(throws: StoreError.self) {
            try f.gateway.attachFile(Data(count: 10 * 1024 * 1024 + 1), name: "inspelning.wav", mimeType: "audio/wav",
                                     to: .project(f.project.id!), sendWith: .request, now: .now)
        }
        #expect(tooBig?.code == .invalidInput && tooBig?.message.contains("at most 10 MiB") == true)
        #expect(throws: StoreError.self) {
            try f.gateway.attachFile(part, name: "x.pdf", mimeType: "pdf", to: .project(f.project.id!), sendWith: .request, now: .now)
        }
        #expect((#expect(throws: StoreError.self) {
            try f.gateway.attachFile(part, name: "x.pdf", mimeType: "application/pdf", to: .need(99_999), sendWith: .request, now: .now)
        })?.code == .notFound)

        let sent = try f.gateway.send(need: need.id!, now: EngineFixture.start).sent
        let request = try #require(try f.gateway.outbox().last { $0.type == .request })
        #expect(try f.gateway.attachments(message: request.id!).map(\.fileName) == ["Mahler5-stämma.pdf"])
        #expect(request.body.contains("Bifogat: Mahler5-stämma.pdf"))

        #expect(try f.gateway.answer(token: sent[0].token, accept: true, now: EngineFixture.start.addingTimeInterval(60)) == .accepted)
        let confirmation = try #require(try f.gateway.outbox().last { $0.type == .confirmation })
        #expect(try f.gateway.attachments(message: confirmation.id!) == [.init(fileId: practical.id, fileName: "praktiskt.txt")])

        try f.gateway.deleteFile(practical.id)
        #expect(try f.gateway.files(project: f.project.id!) == [notes])
        #expect((#expect(throws: StoreError.self) { try f.gateway.file(practical.id) })?.code == .notFound)
        // The outbox still says what went out.
        #expect(try f.gateway.attachments(message: confirmation.id!) == [.init(fileId: nil, fileName: "praktiskt.txt")])
    }

    @Test("files live in the orchestra's database, so a backup brings them back")
    func backupHoldsFiles() throws {
        let f = try EngineFixture(count: 1)
        let bytes = Data((0..<300_000).map { UInt8($0 % 251) })
        let stored = try f.gateway.attachFile(bytes, name: "stämma.pdf", mimeType: "application/pdf; charset=binary",
                                              to: .project(f.project.id!), sendWith: .request, now: EngineFixture.start)
        let app = f.appliance.appliance
        _ = try app.restore(try app.backup("gso").file, as: "gso-copy")
        let copy = try app.openOrchestraDatabase("gso-copy")
        defer { try? SealedDatabase.close(copy) }
        let restored = try app.gateway("gso-copy", database: copy, answerBaseURL: "https://x").file(stored.id)
        #expect(restored.data == bytes && restored.file == stored)
    }
}

@Suite("SMS")
struct SMSTests {
    @Test("with SMS on, musicians with a phone number also get a short text for the request and the reminder, in their language")
    func requestAndReminder() throws {
        let f = try EngineFixture(count: 4, english: [2])
        try f.givePhone(1, "070-111 11 11")
        try f.givePhone(2, "+44 7700 900123")
        let quiet = try f.need(.parallel, quantity: 1)
        _ = try f.gateway.send(need: quiet.id!, now: EngineFixture.start)
        #expect(try f.gateway.outbox().allSatisfy { $0.channel == .email })  // SMS is off until the orchestra turns it on

        try f.gateway.setSetting("smsOnRequest", "true")
        try f.gateway.setSetting("smsOnReminder", "true")
        #expect(throws: StoreError.self) { try f.gateway.setSetting("smsOnRequest", "ja") }
        var changed = try f.gateway.need(quiet.id!)
        changed.quantity = 4
        let sent = try f.gateway.updateNeed(changed, now: EngineFixture.start).sent
        #expect(sent.map(\.musicianId) == [f.id(2), f.id(3), f.id(4)])
        let texts = try f.gateway.outbox().filter { $0.channel == .sms }
        #expect(texts.map(\.recipient) == ["+44 7700 900123"])  // musician 1 was asked before SMS was on; 3 and 4 have no number
        let text = try #require(texts.first)
        #expect(text.type == .request && text.requestId == sent[0].requestId && text.nextAttemptAt == EngineFixture.start)
        #expect(text.body.hasPrefix("Göteborgs Symfoniker needs Tutti (First violin) for Mahler 5, week 50"))
        #expect(text.body.hasSuffix("https://vikarier.example.org/r/\(sent[0].token)"))

        _ = try f.gateway.processDue(now: EngineFixture.start.addingTimeInterval(18 * 3600))
        let reminders = try f.gateway.outbox().filter { $0.channel == .sms && $0.type == .reminder }
        #expect(reminders.map(\.recipient).sorted() == ["+44 7700 900123", "070-111 11 11"])
        #expect(reminders.contains { $0.body.hasPrefix("Påminnelse från Göteborgs Symfoniker") })
        #expect(reminders.allSatisfy { $0.body.count <= 200 })
    }

    @Test("no SMS goes out in quiet hours: it waits in the outbox until the window ends, while the email goes at once")
    func quietHours() throws {
        let f = try EngineFixture(count: 1)
        try f.givePhone(1, "070-111 11 11")
        try f.gateway.setSetting("smsOnRequest", "true")
        try f.gateway.setSetting("quietHoursStart", "21:00")
        try f.gateway.setSetting("quietHoursEnd", "08:00")
        let need = try f.need(.sequential)
        let lateEvening = Date(timeIntervalSince1970: 1_796_072_400)  // 2026-11-30 22:00 in Stockholm (21:00 UTC)
        _ = try f.gateway.send(need: need.id!, now: lateEvening)
        let messages = try f.gateway.outbox()
        let email = try #require(messages.first { $0.channel == .email })
        let text = try #require(messages.first { $0.channel == .sms })
        #expect(email.nextAttemptAt == lateEvening)
        #expect(text.nextAttemptAt == lateEvening.addingTimeInterval(10 * 3600))  // 08:00 the next morning
    }

    @Test("a new orchestra has the SMS templates and settings, and one made before them gets them when migrated")
    func seedsAndMigration() throws {
        let f = try EngineFixture(count: 1)
        let smsTemplates = "SELECT type || ':' || language FROM emailTemplate WHERE type LIKE 'sms_%' ORDER BY 1"
        let expected = ["sms_reminder:en", "sms_reminder:sv", "sms_request:en", "sms_request:sv"]
        #expect(try f.database.read { db in try String.fetchAll(db, sql: smsTemplates) } == expected)

        try f.database.write { db in
            try db.execute(sql: "DELETE FROM emailTemplate WHERE type LIKE 'sms_%'")
            try db.execute(sql: "DELETE FROM setting WHERE key LIKE 'sms%'")
            try db.execute(sql: "DROP TABLE communicationAttachment")
            try db.execute(sql: "DROP INDEX fileStorage_by_owner")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v3:%'")
        }
        try OrchestraMigrations.migrate(f.database)
        #expect(try f.database.read { db in try String.fetchAll(db, sql: smsTemplates) } == expected)
        #expect(try f.database.read { db in try String.fetchAll(db, sql: "SELECT value FROM setting WHERE key LIKE 'sms%'") } == ["false", "false"])
    }
}

@Suite("Group email")
struct GroupEmailTests {
    @Test("a group email reaches everyone accepted in the project, or in one need, each in their language, and is logged")
    func groupEmail() throws {
        let f = try EngineFixture(count: 5, english: [2])
        _ = try f.need(.parallel, quantity: 2)
        let second = try f.need(.parallel, quantity: 2)
        let nobody = #expect(throws: StoreError.self) {
            try f.gateway.sendGroupEmail(project: f.project.id!, subject: "Hej", message: "Välkomna", now: EngineFixture.start)
        }
        #expect(nobody?.message == "nobody has accepted in Mahler 5 yet, so there is no one to email")

        let asked = try f.gateway.sendProject(project: f.project.id!, now: EngineFixture.start).flatMap(\.result.sent)
        #expect(asked.map(\.musicianId) == [f.id(1), f.id(2), f.id(3), f.id(4)])
        for request in asked.prefix(3) {
            #expect(try f.gateway.answer(token: request.token, accept: true, now: EngineFixture.start.addingTimeInterval(60)) == .accepted)
        }

        let all = try f.gateway.sendGroupEmail(project: f.project.id!, subject: "Ändrad repetitionstid",
                                               message: "Tisdagens repetition börjar 11.00.", now: EngineFixture.start.addingTimeInterval(120))
        #expect(all.recipientCount == 3 && all.filters == nil)
        let mails = try f.gateway.outbox().filter { $0.type == .groupEmail }
        #expect(mails.map(\.recipient) == ["m1@example.org", "m2@example.org", "m3@example.org"])
        #expect(mails.allSatisfy { $0.subject == "Ändrad repetitionstid" && $0.body.contains("Tisdagens repetition börjar 11.00.") })
        #expect(mails[0].body.hasPrefix("Hej Musiker1!") && mails[1].body.hasPrefix("Hello Musiker2,"))

        let one = try f.gateway.sendGroupEmail(project: f.project.id!, need: second.id!, subject: "Noter", message: "Noterna finns i foajén.",
                                               now: EngineFixture.start.addingTimeInterval(180))
        #expect(one.recipientCount == 1 && one.filters == "{\"needId\":\(second.id!)}")
        #expect(try f.gateway.groupEmails(project: f.project.id!).map(\.recipientCount) == [1, 3])
        #expect(try f.gateway.outbox().last?.recipient == "m3@example.org")
        #expect((#expect(throws: StoreError.self) {
            try f.gateway.sendGroupEmail(project: f.project.id!, subject: " ", message: "x", now: .now)
        })?.code == .invalidInput)
    }
}
