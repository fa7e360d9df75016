import Foundation
import StageSubCore
import StageSubStore

/// Which addresses an orchestra's webhooks may go to. An admin sets them, so they are by definition the
/// orchestra's own systems, possibly on an internal network; what keeps this from being a probe into the
/// appliance's own network: HTTPS only, never the appliance itself (loopback) unless the operator runs a
/// test bench, no redirects followed, and the delivery log keeps only the status code, never a response body.
public struct OutgoingWebhookPolicy: Sendable, Equatable {
    /// `http://127.0.0.1:…` and other loopback addresses allowed (tests, a developer's machine).
    public var allowLoopback: Bool

    public init(allowLoopback: Bool = false) { self.allowLoopback = allowLoopback }

    /// What is wrong with an endpoint's address, or nil when it may be used.
    public func problem(with url: String) -> String? {
        guard url.count <= 500, !url.contains(where: { $0.isWhitespace }),
              let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host?.lowercased(), !host.isEmpty else {
            return "url must be an absolute https:// address of at most 500 characters"
        }
        guard parts.user == nil, parts.password == nil else { return "url must not carry a user name or password; the signature authenticates" }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[].")).lowercased()
        // Resolvers read "2130706433" and "0x7f.1" as 127.0.0.1: a host must be a name or a dotted or IPv6 address.
        let labels = bare.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = labels.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } || $0.hasPrefix("0x") }
        let dottedQuad = labels.count == 4 && labels.allSatisfy { label in
            label.allSatisfy { $0.isASCII && $0.isNumber } && (label == "0" || !label.hasPrefix("0")) && (Int(label).map { $0 <= 255 } ?? false)
        }
        if !bare.contains(":"), numeric, !dottedQuad {
            return "url must name its host, or give a dotted IPv4 or an IPv6 address"
        }
        let loopback = ["localhost", "0.0.0.0", "::1", "::", "0:0:0:0:0:0:0:1"].contains(bare) || bare.hasPrefix("127.") || bare.hasSuffix(".localhost")
            || bare.hasPrefix("::ffff:127.")
        if loopback && !allowLoopback { return "url must not point at the appliance itself" }
        guard scheme == "https" || (scheme == "http" && loopback && allowLoopback) else { return "url must start with https://" }
        return nil
    }
}

/// Sends the queued deliveries of one orchestra's webhooks: signed, with the outbox's backoff on failure.
public struct WebhookSender {
    let policy: OutgoingWebhookPolicy
    let timeout: Duration

    struct Outcome { var delivered = 0, retrying = 0, failed = 0 }

    /// Every due delivery, oldest first. An endpoint that does not answer once is not tried again in the
    /// same pass: its other deliveries wait, uncounted, so one dead receiver cannot hold the pass for minutes.
    func deliverDue(_ gateway: OrchestraGateway, now: Date) async throws -> Outcome {
        var outcome = Outcome()
        var unreachable: Set<Int64> = []
        for (delivery, url) in try await OffLoop.run({ try gateway.dueWebhookDeliveries(now: now) }) where !unreachable.contains(delivery.endpointId) {
            if try await !deliver(delivery, to: url, gateway: gateway, now: now, into: &outcome) { unreachable.insert(delivery.endpointId) }
        }
        return outcome
    }

    /// One attempt of one delivery, recorded on it; false when the endpoint gave no answer at all.
    @discardableResult
    func deliver(_ delivery: WebhookDelivery, to url: String, gateway: OrchestraGateway, now: Date, into outcome: inout Outcome) async throws -> Bool {
        if let problem = policy.problem(with: url) {
            try await OffLoop.run { try gateway.markWebhookAttemptFailed(delivery.id, statusCode: nil, error: problem, permanent: true, retryAfter: nil, at: now) }
            outcome.failed += 1
            return true
        }
        let body = Data(delivery.payload.utf8)
        let signature = WebhookSignature.stageSub(timestamp: Int(now.timeIntervalSince1970), body: body,
                                                  secret: try await OffLoop.run { try gateway.webhookSecret(endpoint: delivery.endpointId) })
        let headers = [("Content-Type", "application/json"), ("X-StageSub-Event", delivery.eventType.rawValue),
                       ("X-StageSub-Delivery", String(delivery.id)), ("X-StageSub-Signature", signature)]
        let answer: ProviderCall.Answer
        do throws(ProviderCall.Failure) {
            answer = try await ProviderCall.post(url, headers: headers, body: body, timeout: timeout)
        } catch {
            // Repeating is safe either way: X-StageSub-Delivery stays the same, so a receiver can ignore a repeat.
            switch error {
            case .notSent(let why), .unanswered(let why):
                try await record(delivery, status: nil, error: why, retryAfter: nil, in: gateway, now: now, into: &outcome)
            }
            return false
        }
        if (200..<300).contains(answer.status) {
            try await OffLoop.run { try gateway.markWebhookDelivered(delivery.id, statusCode: answer.status, at: now) }
            outcome.delivered += 1
        } else {
            try await record(delivery, status: answer.status, error: "the endpoint answered \(answer.status)", retryAfter: answer.retryAfter,
                       in: gateway, now: now, into: &outcome)
        }
        return true
    }

    /// Sends a test event to an endpoint now, and returns its delivery as it stands after the attempt.
    public static func sendTest(endpoint id: Int64, gateway: OrchestraGateway, policy: OutgoingWebhookPolicy, timeout: Duration,
                                now: Date) async throws -> WebhookDelivery {
        let endpoint = try gateway.webhookEndpoint(id)
        let delivery = try gateway.queueTestWebhook(endpoint: id, now: now)
        var outcome = Outcome()
        try await WebhookSender(policy: policy, timeout: timeout).deliver(delivery, to: endpoint.url, gateway: gateway, now: now, into: &outcome)
        return try gateway.webhookDeliveries(endpoint: id, limit: 1, offset: 0).items.first ?? delivery
    }

    private func record(_ delivery: WebhookDelivery, status: Int?, error: String, retryAfter: Double?, in gateway: OrchestraGateway,
                        now: Date, into outcome: inout Outcome) async throws {
        try await OffLoop.run { try gateway.markWebhookAttemptFailed(delivery.id, statusCode: status, error: error, permanent: false, retryAfter: retryAfter, at: now) }
        if delivery.attempts + 1 >= DeliveryPolicy.maximumAttempts { outcome.failed += 1 } else { outcome.retrying += 1 }
    }
}
