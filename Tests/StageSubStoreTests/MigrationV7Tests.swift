import Foundation
import GRDB
import StageSubCore
import Testing
@testable import StageSubStore

@Suite("Migration 7 on an orchestra made before it")
struct MigrationV7Tests {
    @Test("messages already sent keep their state and have no delivery state yet; a provider's report then finds them by id")
    func upgradesAnOrchestraOfVersion6() throws {
        let folder = try TemporaryDirectory()
        let pool = try SealedDatabase.create(at: folder.path("orchestra.db"), key: DatabaseKey.random())
        defer { try? SealedDatabase.close(pool) }
        try OrchestraMigrations.migrator.migrate(pool, upTo: "v6: audit log")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO communicationLog(type, channel, recipient, subject, body, status, attempts, sentAt, createdAt)
                VALUES ('group_email', 'email', 'a@x.se', 's', 'b', 'sent', 1, ?, ?), ('request', 'sms', '+46701234567', '', 'b', 'queued', 0, NULL, ?)
                """, arguments: [start, start, start])
        }
        try OrchestraMigrations.migrate(pool)
        let gateway = OrchestraGateway(database: pool, orchestraName: "GSO", answerBaseURL: "https://x", slug: "gso")
        let messages = try gateway.outbox()
        #expect(messages.map(\.status) == [.sent, .queued] && messages.allSatisfy { $0.deliveryState == nil && $0.providerMessageId == nil })
        #expect(try gateway.webhookEndpoints().isEmpty)

        try gateway.markDelivered(messages[1].id!, at: start, providerMessageId: "SM1")
        #expect(try gateway.recordDeliveryState(providerMessageId: "SM1", .delivered, detail: nil, at: start))
        #expect(!(try gateway.recordDeliveryState(providerMessageId: "SM1", .delayed, detail: "late", at: start)), "a final state stays")
        #expect(!(try gateway.recordDeliveryState(providerMessageId: "SM-other", .bounced, detail: nil, at: start)))
        #expect(try gateway.outbox()[1].deliveryState == .delivered)
    }
}
