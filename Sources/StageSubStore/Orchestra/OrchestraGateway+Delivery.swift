import Foundation
import GRDB
import StageSubCore

/// The outbox's side of delivery: which messages are due, and what became of each attempt. A message is
/// marked after its attempt, so a crash between a server's acceptance and the mark sends it again at the
/// next pass (at least once, never lost).
extension OrchestraGateway {
    /// After this many failed attempts a message is given up (`DeliveryPolicy`, in Core).
    public static var maximumDeliveryAttempts: Int { DeliveryPolicy.maximumAttempts }

    /// Queued messages of a channel whose time has come, oldest first.
    public func dueMessages(channel: String, now: Date, limit: Int = 50) throws(StoreError) -> [OutboxMessage] {
        try read { db in
            try OutboxMessage.fetchAll(db, sql: """
                SELECT * FROM communicationLog WHERE status = 'queued' AND channel = ?
                AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?) ORDER BY id LIMIT ?
                """, arguments: [channel, now, limit])
        }
    }

    /// The message went out; `providerMessageId` is the provider's id for it (its webhooks use it),
    /// `detail` a note for the outbox (kept when nil: an SMS's parts, noted when it was queued).
    public func markDelivered(_ id: Int64, at now: Date, providerMessageId: String? = nil, detail: String? = nil) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE communicationLog SET status = 'sent', sentAt = ?, attempts = attempts + 1, lastError = NULL, nextAttemptAt = NULL,
                providerMessageId = ?, deliveryDetail = COALESCE(?, deliveryDetail) WHERE id = ? AND status = 'queued'
                """, arguments: [now, providerMessageId, detail, id])
        }
    }

    /// A provider's later report about a message it took, found by the provider's id. A report never
    /// replaces a final one ("delivered" stays when a late "delayed" arrives); returns whether a message
    /// changed. A report about a message this orchestra does not have changes nothing.
    @discardableResult
    public func recordDeliveryState(providerMessageId: String, _ state: DeliveryState, detail: String?, at now: Date) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE communicationLog SET deliveryState = ?, deliveryStateAt = ?, deliveryDetail = COALESCE(?, deliveryDetail)
                WHERE providerMessageId = ? AND (deliveryState IS NULL OR deliveryState = ?)
                """, arguments: [state, now, detail.map { String($0.prefix(300)) }, providerMessageId, DeliveryState.delayed])
            return db.changesCount > 0
        }
    }

    /// An attempt failed: try again later, or give up when `permanent` or after the last attempt.
    /// Returns whether the message was given up.
    @discardableResult
    public func markAttemptFailed(_ id: Int64, error: String, permanent: Bool, retryAfter: Double? = nil, at now: Date) throws(StoreError) -> Bool {
        try write { db in
            guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM communicationLog WHERE id = ? AND status = 'queued'",
                                                  arguments: [id]) else { return false }
            let next = DeliveryPolicy.afterFailure(attempts: attempts, permanent: permanent, retryAfter: retryAfter)
            try db.execute(sql: """
                UPDATE communicationLog SET attempts = ?, lastError = ?, status = ?, nextAttemptAt = ? WHERE id = ?
                """, arguments: [next.attempts, String(error.prefix(500)), next.givenUp ? MessageStatus.failed : .queued,
                                 next.retryIn.map { now.addingTimeInterval($0) }, id])
            return next.givenUp
        }
    }

    /// Puts a failed message back in the queue, to be tried at once (after the settings were fixed).
    public func retryMessage(_ id: Int64, now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE communicationLog SET status = 'queued', attempts = 0, nextAttemptAt = ? WHERE id = ? AND status = 'failed'",
                           arguments: [now, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no failed message \(id)") }
        }
    }
}

extension OrchestraGateway {
    /// Twilio reported on an SMS whose sending we could not confirm (the request went, no answer came,
    /// so it was given up rather than sent twice): it did go, so it is marked sent under Twilio's sid.
    /// Only for an SMS without a provider id yet; returns whether it changed.
    @discardableResult
    public func adoptProviderMessage(outbox id: Int64, providerMessageId: String, at now: Date) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE communicationLog SET providerMessageId = ?, status = 'sent', sentAt = COALESCE(sentAt, ?), lastError = NULL, nextAttemptAt = NULL
                WHERE id = ? AND channel = 'sms' AND providerMessageId IS NULL
                AND NOT EXISTS (SELECT 1 FROM communicationLog WHERE providerMessageId = ?)
                """, arguments: [providerMessageId, now, id, providerMessageId])
            return db.changesCount > 0
        }
    }
}
