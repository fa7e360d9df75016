import GRDB

extension OrchestraSchema {
    /// v7: what a provider said about a message after taking it, and the orchestra's outgoing webhooks.
    static func createDelivery(_ db: Database) throws {
        try db.alter(table: "communicationLog") { t in
            // The provider's id (Resend's email id, Twilio's SM… sid): its webhooks name the message by it.
            t.add(column: "providerMessageId", .text)
            t.add(column: "deliveryState", .text)
            t.add(column: "deliveryStateAt", .datetime)
            t.add(column: "deliveryDetail", .text)
        }
        try db.create(index: "communicationLog_providerMessageId", on: "communicationLog", columns: ["providerMessageId"],
                      options: .unique, condition: Column("providerMessageId") != nil)
        try db.create(table: "webhookEndpoint") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("url", .text).notNull()
            t.column("description", .text).notNull().defaults(to: "")
            // Event types, comma-separated (`request.accepted,need.filled`).
            t.column("events", .text).notNull()
            t.column("secret", .text).notNull()
            t.column("isActive", .boolean).notNull().defaults(to: true)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "webhookDelivery") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("endpoint", inTable: "webhookEndpoint", onDelete: .cascade).notNull()
            t.column("eventType", .text).notNull()
            // The JSON body, exactly as signed and sent on every attempt.
            t.column("payload", .text).notNull()
            t.column("status", .text).notNull().defaults(to: "queued").check { ["queued", "delivered", "failed"].contains($0) }
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("nextAttemptAt", .datetime)
            t.column("lastStatusCode", .integer)
            t.column("lastError", .text)
            t.column("deliveredAt", .datetime)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(index: "webhookDelivery_due", on: "webhookDelivery", columns: ["status", "nextAttemptAt"])
    }
}
