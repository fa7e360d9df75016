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

    /// The message went out.
    public func markDelivered(_ id: Int64, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE communicationLog SET status = 'sent', sentAt = ?, attempts = attempts + 1, lastError = NULL, nextAttemptAt = NULL
                WHERE id = ? AND status = 'queued'
                """, arguments: [now, id])
        }
    }

    /// An attempt failed: try again later, or give up when `permanent` or after the last attempt.
    /// Returns whether the message was given up.
    @discardableResult
    public func markAttemptFailed(_ id: Int64, error: String, permanent: Bool, at now: Date) throws(StoreError) -> Bool {
        try write { db in
            guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM communicationLog WHERE id = ? AND status = 'queued'",
                                                  arguments: [id]) else { return false }
            let next = DeliveryPolicy.afterFailure(attempts: attempts, permanent: permanent)
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
