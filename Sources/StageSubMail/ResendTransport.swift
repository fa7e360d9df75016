import Foundation

/// Email over Resend's API: `POST /emails` with the orchestra's key as a bearer token, attachments as
/// base64, and an `Idempotency-Key` per outbox message, so a retry after a lost answer never sends twice
/// (Resend keeps keys for 24 hours; the outbox gives a message up long before its retries span that).
public struct ResendTransport: Transport, TransportSession {
    public let apiKey: String
    public let baseURL: String
    public let timeout: Duration
    /// Unique per orchestra and message, e.g. `gso.42.1800000000`.
    let idempotencyKey: @Sendable (OutgoingEmail) -> String

    public init(apiKey: String, baseURL: String, timeout: Duration, idempotencyKey: @escaping @Sendable (OutgoingEmail) -> String) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.timeout = timeout
        self.idempotencyKey = idempotencyKey
    }

    public func open() async throws(DeliveryError) -> any TransportSession { self }
    public func close() async {}

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryReceipt {
        guard case .email(let email) = message else { throw DeliveryError("Resend carries email only", code: .configuration) }
        guard OutgoingEmail.isDeliverable(email.to) else { throw DeliveryError("the address \(email.to) cannot be delivered to", code: .permanent) }
        var body: [String: Any] = [
            "from": "\(OutgoingEmail.displayName(email.fromName)) <\(email.from)>", "to": [email.to], "subject": email.subject,
            "text": email.body, "headers": ["Auto-Submitted": "auto-generated"],
        ]
        if let replyTo = email.replyTo { body["reply_to"] = replyTo }
        if !email.attachments.isEmpty {
            body["attachments"] = email.attachments.map { ["filename": $0.fileName, "content": $0.data.base64EncodedString(),
                                                           "content_type": $0.mimeType] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        let answer: ProviderCall.Answer
        do {
            answer = try await ProviderCall.post(baseURL + "/emails", headers: [
                ("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey(email)),
            ], body: data, timeout: timeout)
        } catch {
            // Either way safe to repeat: the idempotency key makes Resend answer a repeat with the first email.
            switch error {
            case .notSent(let why), .unanswered(let why): throw DeliveryError("Resend: \(why)", code: .unavailable)
            }
        }
        if (200..<300).contains(answer.status), let id = answer.json?["id"] as? String { return DeliveryReceipt(providerMessageId: id) }
        throw Self.refusal(answer)
    }

    /// Resend's error answer (`{"statusCode", "name", "message"}`) as a delivery error.
    static func refusal(_ answer: ProviderCall.Answer) -> DeliveryError {
        let name = answer.json?["name"] as? String ?? "error"
        let said = (answer.json?["message"] as? String).map { ": \($0.prefix(200))" } ?? ""
        let text = "Resend answered \(answer.status) \(name)\(said)"
        switch answer.status {
        case 200..<300: return DeliveryError("Resend answered \(answer.status) without an email id", code: .unavailable)
        // The key is missing, wrong or may not send from this domain: the admin must act.
        case 401, 403: return DeliveryError(text, code: .configuration)
        case 409 where name == "concurrent_idempotent_requests": return DeliveryError(text, code: .unavailable, retryAfter: answer.retryAfter)
        case 429, 500...: return DeliveryError(text, code: .unavailable, retryAfter: answer.retryAfter)
        default: return DeliveryError(text, code: .permanent)
        }
    }
}
