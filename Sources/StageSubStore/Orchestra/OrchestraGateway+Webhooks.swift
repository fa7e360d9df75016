import Foundation
import GRDB
import StageSubCore

/// An address of the orchestra's own systems (payroll, calendar) that is told about events. The secret
/// signs every delivery; it is shown once, when the endpoint is made.
public struct WebhookEndpoint: Sendable, Equatable, Codable {
    public var id: Int64
    public var url: String
    public var description: String
    public var events: [WebhookEventType]
    public var isActive: Bool
    public var createdAt: Date
    /// Only in the answer that made the endpoint.
    public var secret: String?
}

/// One event on its way to one endpoint: the delivery log.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    public var id: Int64
    public var endpointId: Int64
    public var eventType: WebhookEventType
    public var payload: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date
}

extension OrchestraGateway {
    /// At most this many endpoints per orchestra.
    public static let maximumWebhookEndpoints = 10

    /// Adds an endpoint with a new secret (returned in `secret`, never again). The caller checked the URL
    /// against the appliance's rules (`OutgoingWebhookPolicy` in StageSubMail).
    public func createWebhookEndpoint(url: String, description: String, events: [WebhookEventType], now: Date) throws(StoreError) -> WebhookEndpoint {
        let secret = "whsec_" + Self.newToken()
        let events = try Self.validated(events: events, description: description)
        return try write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM webhookEndpoint") ?? 0 < Self.maximumWebhookEndpoints else {
                throw StoreError(.limitReached, .webhookLimit(Self.maximumWebhookEndpoints))
            }
            try db.execute(sql: "INSERT INTO webhookEndpoint(url, description, events, secret, isActive, createdAt) VALUES (?, ?, ?, ?, 1, ?)",
                           arguments: [url, description, events.map(\.rawValue).joined(separator: ","), secret, now])
            var endpoint = try Self.endpoint(db.lastInsertedRowID, in: db)
            endpoint.secret = secret
            return endpoint
        }
    }

    /// Changes an endpoint's address, description, events or whether it is active (nil: unchanged).
    public func updateWebhookEndpoint(_ id: Int64, url: String?, description: String?, events: [WebhookEventType]?, isActive: Bool?) throws(StoreError) -> WebhookEndpoint {
        let events = try events.map { (list) throws(StoreError) in try Self.validated(events: list, description: description ?? "") }
        if let description, description.count > 200 { throw StoreError(.invalidInput, .descriptionTooLong) }
        return try write { db in
            _ = try Self.endpoint(id, in: db)
            try db.execute(sql: """
                UPDATE webhookEndpoint SET url = COALESCE(?, url), description = COALESCE(?, description), events = COALESCE(?, events),
                isActive = COALESCE(?, isActive) WHERE id = ?
                """, arguments: [url, description, events.map { $0.map(\.rawValue).joined(separator: ",") }, isActive, id])
            return try Self.endpoint(id, in: db)
        }
    }

    public func deleteWebhookEndpoint(_ id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM webhookEndpoint WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no webhook endpoint \(id)") }
        }
    }

    public func webhookEndpoints() throws(StoreError) -> [WebhookEndpoint] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM webhookEndpoint ORDER BY id").map(Self.endpoint(_:)) }
    }

    public func webhookEndpoint(_ id: Int64) throws(StoreError) -> WebhookEndpoint {
        try read { db in try Self.endpoint(id, in: db) }
    }

    /// The secret an endpoint's deliveries are signed with (for the sender only).
    public func webhookSecret(endpoint id: Int64) throws(StoreError) -> String {
        try read { db in
            guard let secret = try String.fetchOne(db, sql: "SELECT secret FROM webhookEndpoint WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no webhook endpoint \(id)")
            }
            return secret
        }
    }

    /// Queues a test event for one endpoint, whatever its events and even when inactive; returns the delivery.
    public func queueTestWebhook(endpoint id: Int64, now: Date) throws(StoreError) -> WebhookDelivery {
        try write { db in
            _ = try Self.endpoint(id, in: db)
            let payload = webhookPayload(.test, data: ["message": "a test event sent from StageSub by an admin"], now: now)
            try db.execute(sql: "INSERT INTO webhookDelivery(endpointId, eventType, payload, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?, ?)",
                           // Sent at once by the caller; the background pass leaves it alone meanwhile.
                           arguments: [id, WebhookEventType.test.rawValue, payload, now.addingTimeInterval(300), now])
            return try Self.delivery(db.lastInsertedRowID, in: db)
        }
    }

    /// An endpoint's deliveries, newest first.
    public func webhookDeliveries(endpoint id: Int64, limit: Int, offset: Int) throws(StoreError) -> Page<WebhookDelivery> {
        try read { db in
            _ = try Self.endpoint(id, in: db)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM webhookDelivery WHERE endpointId = ?", arguments: [id]) ?? 0
            let items = try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery WHERE endpointId = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                                         arguments: [id, limit, offset]).map(Self.delivery(_:))
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    /// Deliveries whose time has come, with the endpoint's address, oldest first.
    public func dueWebhookDeliveries(now: Date, limit: Int = 50) throws(StoreError) -> [(delivery: WebhookDelivery, url: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, e.url AS endpointUrl FROM webhookDelivery d JOIN webhookEndpoint e ON e.id = d.endpointId
                WHERE d.status = 'queued' AND (d.nextAttemptAt IS NULL OR d.nextAttemptAt <= ?) ORDER BY d.id LIMIT ?
                """, arguments: [now, limit]).map { (Self.delivery($0), $0["endpointUrl"]) }
        }
    }

    /// The receiver answered 2xx.
    public func markWebhookDelivered(_ id: Int64, statusCode: Int, at now: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE webhookDelivery SET status = 'delivered', attempts = attempts + 1, lastStatusCode = ?, lastError = NULL,
                nextAttemptAt = NULL, deliveredAt = ? WHERE id = ? AND status = 'queued'
                """, arguments: [statusCode, now, id])
        }
    }

    /// An attempt failed: tried again with the outbox's backoff, or given up (`permanent`, or the last attempt).
    public func markWebhookAttemptFailed(_ id: Int64, statusCode: Int?, error: String, permanent: Bool, retryAfter: Double?, at now: Date) throws(StoreError) {
        try write { db in
            guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM webhookDelivery WHERE id = ? AND status = 'queued'",
                                                  arguments: [id]) else { return }
            let next = DeliveryPolicy.afterFailure(attempts: attempts, permanent: permanent, retryAfter: retryAfter)
            try db.execute(sql: """
                UPDATE webhookDelivery SET attempts = ?, lastStatusCode = ?, lastError = ?, status = ?, nextAttemptAt = ? WHERE id = ?
                """, arguments: [next.attempts, statusCode, String(error.prefix(300)), next.givenUp ? "failed" : "queued",
                                 next.retryIn.map { now.addingTimeInterval($0) }, id])
        }
    }

    // MARK: - Inside a transaction

    /// Queues an event for every active endpoint that wants it, in the caller's transaction (the event
    /// exists exactly when the change that caused it does).
    func queueWebhookEvent(_ type: WebhookEventType, data: [String: Any], now: Date, in db: Database) throws {
        let endpoints = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, events FROM webhookEndpoint WHERE isActive"))
            .filter { ($0["events"] as String).split(separator: ",").contains(Substring(type.rawValue)) }
        guard !endpoints.isEmpty else { return }
        let payload = webhookPayload(type, data: data, now: now)
        for endpoint in endpoints {
            try db.execute(sql: "INSERT INTO webhookDelivery(endpointId, eventType, payload, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [endpoint["id"] as Int64, type.rawValue, payload, now, now])
        }
    }

    /// Queues the event of a request's new status (accepted, declined, timed out, a booking cancelled).
    func queueRequestEvent(_ request: SubstituteRequest, from old: RequestStatus?, now: Date, in db: Database) throws {
        guard let type = WebhookEventType.forRequest(from: old, to: request.status) else { return }
        let projectId = try Int64.fetchOne(db, sql: "SELECT projectId FROM projectNeed WHERE id = ?", arguments: [request.needId])
        var data: [String: Any] = ["requestId": request.id ?? 0, "needId": request.needId, "musicianId": request.musicianId,
                                   "status": request.status.rawValue, "bookedDirectly": request.bookedDirectly]
        if let projectId { data["projectId"] = projectId }
        try queueWebhookEvent(type, data: data, now: now, in: db)
    }

    /// The body every endpoint receives: ids only; a receiver reads details through the API with its own
    /// key, so no copy of a musician's personal data waits in the delivery log.
    func webhookPayload(_ type: WebhookEventType, data: [String: Any], now: Date) -> String {
        let body: [String: Any] = ["id": "evt_" + UUID().uuidString.lowercased(), "type": type.rawValue,
                                   "createdAt": ISO8601DateFormatter().string(from: now), "orchestra": String(tokenPrefix.dropLast()), "data": data]
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: json, as: UTF8.self)
    }

    static func validated(events: [WebhookEventType], description: String) throws(StoreError) -> [WebhookEventType] {
        guard !events.isEmpty else { throw StoreError(.invalidInput, .webhookEventsMissing) }
        guard !events.contains(.test) else { throw StoreError(.invalidInput, .webhookTestEvent) }
        guard description.count <= 200 else { throw StoreError(.invalidInput, .descriptionTooLong) }
        return WebhookEventType.subscribable.filter(events.contains)
    }

    static func endpoint(_ id: Int64, in db: Database) throws -> WebhookEndpoint {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhookEndpoint WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "no webhook endpoint \(id)")
        }
        return endpoint(row)
    }

    static func endpoint(_ row: Row) -> WebhookEndpoint {
        WebhookEndpoint(id: row["id"], url: row["url"], description: row["description"],
                        events: (row["events"] as String).split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) },
                        isActive: row["isActive"], createdAt: row["createdAt"], secret: nil)
    }

    static func delivery(_ id: Int64, in db: Database) throws -> WebhookDelivery {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhookDelivery WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "no webhook delivery \(id)")
        }
        return delivery(row)
    }

    static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], endpointId: row["endpointId"], eventType: WebhookEventType(rawValue: row["eventType"]) ?? .test,
                        payload: row["payload"], status: row["status"], attempts: row["attempts"], nextAttemptAt: row["nextAttemptAt"],
                        lastStatusCode: row["lastStatusCode"], lastError: row["lastError"], deliveredAt: row["deliveredAt"],
                        createdAt: row["createdAt"])
    }
}
