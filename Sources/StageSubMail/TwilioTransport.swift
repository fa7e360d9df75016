import Foundation
import StageSubCore

/// SMS over Twilio's API: `POST /2010-04-01/Accounts/{sid}/Messages.json`, basic auth with the account
/// sid and auth token, a form body with a status callback that names the outbox message.
///
/// Twilio has no idempotency key for messages. So that a retry never sends twice, only failures where the
/// request certainly did not reach Twilio (no connection) or Twilio refused it (an error answer) are
/// retried; when the request went and no answer came, the message is given up with a note to check
/// Twilio's log, and a later status callback for it marks it sent after all.
public struct TwilioTransport: Transport, TransportSession {
    public let accountSid: String
    public let authToken: String
    public let from: String
    public let baseURL: String
    public let timeout: Duration
    /// The status callback for an outbox message (nil: none, e.g. no public address).
    let statusCallback: @Sendable (Int64) -> String?

    public init(accountSid: String, authToken: String, from: String, baseURL: String, timeout: Duration,
                statusCallback: @escaping @Sendable (Int64) -> String?) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.from = from
        self.baseURL = baseURL
        self.timeout = timeout
        self.statusCallback = statusCallback
    }

    public func open() async throws(DeliveryError) -> any TransportSession { self }
    public func close() async {}

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryReceipt {
        guard case .sms(let sms) = message else { throw DeliveryError("Twilio carries SMS only", code: .configuration) }
        let to = sms.to.filter { !$0.isWhitespace && $0 != "-" && $0 != "(" && $0 != ")" }
        guard to.first == "+", to.count >= 8, to.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DeliveryError("the phone number \(sms.to) is not in international form (+46…)", code: .permanent)
        }
        var fields = [("To", to), ("From", from), ("Body", sms.body)]
        if let callback = statusCallback(sms.outboxId) { fields.append(("StatusCallback", callback)) }
        let credentials = Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        let answer: ProviderCall.Answer
        do {
            answer = try await ProviderCall.post("\(baseURL)/2010-04-01/Accounts/\(accountSid)/Messages.json", headers: [
                ("Authorization", "Basic \(credentials)"), ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: Data(Self.formEncoded(fields).utf8), timeout: timeout)
        } catch {
            switch error {
            case .notSent(let why): throw DeliveryError("Twilio: \(why)", code: .unavailable)
            case .unanswered(let why):
                throw DeliveryError("Twilio: \(why); the SMS may have gone, so it is not sent again: check Twilio's message log, "
                                    + "and retry it only if it is not there", code: .permanent)
            }
        }
        if (200..<300).contains(answer.status), let sid = answer.json?["sid"] as? String { return DeliveryReceipt(providerMessageId: sid) }
        throw Self.refusal(answer)
    }

    /// Twilio's error answer (`{"code", "message", "status"}`) as a delivery error.
    static func refusal(_ answer: ProviderCall.Answer) -> DeliveryError {
        let code = answer.json?["code"] as? Int
        let said = (answer.json?["message"] as? String).map { ": \($0.prefix(200))" } ?? ""
        let text = "Twilio answered \(answer.status)\(code.map { " (error \($0))" } ?? "")\(said)"
        // The sender or the account's permissions: the same for every message until an admin changes them.
        let configurationCodes: Set<Int> = [20003, 21212, 21408, 21603, 21606, 21659, 21660]
        switch answer.status {
        case 200..<300: return DeliveryError("Twilio answered \(answer.status) without a message sid", code: .unavailable)
        case 401, 403, 404: return DeliveryError(text, code: .configuration)
        case 429, 500...: return DeliveryError(text, code: .unavailable, retryAfter: answer.retryAfter)
        case _ where code.map(configurationCodes.contains) == true: return DeliveryError(text, code: .configuration)
        default: return DeliveryError(text, code: .permanent)
        }
    }

    /// `application/x-www-form-urlencoded`, every byte but the unreserved ones percent-encoded.
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }
}
