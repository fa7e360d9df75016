import Foundation
import StageSubCore

/// How a message leaves the appliance: one conformer per provider (SMTP, Resend, Twilio). Adding a
/// provider is one file: a `Transport` and a case in `OutboxDeliveryService.transport(for:…)`.
public protocol Transport: Sendable {
    /// Gets ready to send a batch: SMTP connects and logs in; an HTTP API has nothing to open.
    func open() async throws(DeliveryError) -> any TransportSession
}

/// A batch in progress: messages one at a time, then `close`.
public protocol TransportSession: Sendable {
    /// Sends one message; the receipt carries the provider's id for it when it has one.
    func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryReceipt
    func close() async
}

/// What goes out: an email or an SMS, with the outbox id it came from (idempotency keys, callbacks).
public enum OutgoingMessage: Sendable, Equatable {
    case email(OutgoingEmail)
    case sms(OutgoingSMS)
}

/// One SMS as a provider gets it.
public struct OutgoingSMS: Sendable, Equatable {
    public var to: String
    public var body: String
    /// The outbox message's id, named in the status callback's URL.
    public var outboxId: Int64

    public init(to: String, body: String, outboxId: Int64) {
        self.to = to
        self.body = body
        self.outboxId = outboxId
    }
}

/// What a provider said when it took a message.
public struct DeliveryReceipt: Sendable, Equatable {
    /// Resend's email id, Twilio's message sid; nil for SMTP.
    public var providerMessageId: String?
    /// A note for the outbox (an SMS that goes in several parts).
    public var detail: String?

    public init(providerMessageId: String? = nil, detail: String? = nil) {
        self.providerMessageId = providerMessageId
        self.detail = detail
    }
}

/// Why a message did not go, with a code the retry policy switches on. Messages name the provider and
/// its status, never a password, key or token.
public struct DeliveryError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// This message, later (an SMTP 4xx to its recipient).
        case temporary
        /// The provider or server is out of reach, overloaded or rate-limiting (5xx, 429, no answer):
        /// this message and the rest of the batch, later.
        case unavailable
        /// This message will never go as it is (refused recipient, invalid number): give it up.
        case permanent
        /// The orchestra's settings or credentials are wrong: nothing goes until an admin fixes them.
        case configuration
    }

    public var message: String
    public var code: Code
    /// Seconds the provider asked us to wait (`Retry-After`).
    public var retryAfter: Double?

    public init(_ message: String, code: Code, retryAfter: Double? = nil) {
        self.message = message
        self.code = code
        self.retryAfter = retryAfter
    }

    /// The SMTP client's form: a refusal for good, or a failure to try again.
    public init(_ message: String, permanent: Bool = false) {
        self.init(message, code: permanent ? .permanent : .temporary)
    }

    public var permanent: Bool { code == .permanent }
    /// Whether the rest of the batch should wait too.
    public var stopsBatch: Bool { code == .unavailable || code == .configuration }
}

/// UTF-8 with every byte but RFC 3986's unreserved ones as `%XX` (form bodies, RFC 2231 parameters).
func percentEncoded(_ text: String) -> String {
    text.utf8.map { unreservedBytes.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
}

private let unreservedBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
