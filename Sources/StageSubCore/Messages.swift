/// What a message says, by template. Email and SMS share the types; an SMS uses the `sms_` template.
public enum MessageType: String, Sendable, Codable, CaseIterable {
    case request, reminder, confirmation
    /// Someone else filled the position first.
    case positionFilled = "position_filled"
    /// The orchestra withdrew a pending request (need cancelled, fewer places than requests out).
    case requestWithdrawn = "request_withdrawn"
    /// The orchestra cancelled an accepted booking (its need was cancelled).
    case bookingCancelled = "booking_cancelled"
    case groupEmail = "group_email"
    /// A musician's link to their own page, sent when they ask for it.
    case musicianLink = "musician_link"
    /// An admin checking the email settings ("send a test email"): to that admin, from no template.
    case testEmail = "test_email"

    /// The SMS twin's template, for the types sent by SMS too.
    public var smsTemplate: String? {
        switch self {
        case .request: "sms_request"
        case .reminder: "sms_reminder"
        default: nil
        }
    }
}

/// How a message travels.
public enum MessageChannel: String, Sendable, Codable, CaseIterable {
    case email, sms
}

/// Where a message stands in the outbox.
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case queued, sent, failed
}

/// When a failed delivery is tried again, and when it is given up.
public enum DeliveryPolicy {
    /// After this many failed attempts a message is given up; a permanent refusal gives it up at once.
    public static let maximumAttempts = 8

    /// Seconds to wait after the n-th failed attempt: 1, 2, 4 … minutes, at most 4 hours.
    public static func retryDelay(afterAttempt attempts: Int) -> Double {
        Double(min(240, 1 << min(max(attempts - 1, 0), 8))) * 60
    }

    /// After a failed attempt (the message had `attempts` before it): whether it is given up, and if not,
    /// how many seconds until the next try. A provider's `Retry-After` (seconds) is honoured when it asks
    /// for longer than the policy would wait, up to a day.
    public static func afterFailure(attempts: Int, permanent: Bool, retryAfter: Double? = nil) -> (attempts: Int, givenUp: Bool, retryIn: Double?) {
        let done = attempts + 1
        let givenUp = permanent || done >= maximumAttempts
        return (done, givenUp, givenUp ? nil : max(retryDelay(afterAttempt: done), min(retryAfter ?? 0, 86_400)))
    }
}

/// What the provider said after it took a message (its webhooks): the outbox shows it beside `sent`.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    /// The recipient's server or phone has it.
    case delivered
    /// Not yet delivered; the provider keeps trying.
    case delayed
    /// The recipient's server or the phone network refused it (a wrong address or number).
    case bounced
    /// The recipient marked it as spam.
    case complained
    /// The provider gave it up for another reason.
    case failed

    /// Whether a later report may replace this one (a late "delayed" never hides "delivered").
    public var isFinal: Bool { self != .delayed }
}

/// What an orchestra's own systems can be told by an outgoing webhook.
public enum WebhookEventType: String, Sendable, Codable, CaseIterable {
    case requestSent = "request.sent"
    case requestAccepted = "request.accepted"
    case requestDeclined = "request.declined"
    case requestTimedOut = "request.timed_out"
    case needFilled = "need.filled"
    case bookingCancelled = "booking.cancelled"
    /// Sent only by "send test event".
    case test = "test"

    /// The events an endpoint can subscribe to.
    public static var subscribable: [WebhookEventType] { allCases.filter { $0 != .test } }

    /// The event a request's change of status is (`old` nil: it was just made), or nil when an
    /// orchestra's systems need not hear of it (a pending request withdrawn, a request cancelled because
    /// someone else filled the place: those musicians were never booked).
    public static func forRequest(from old: RequestStatus?, to new: RequestStatus) -> WebhookEventType? {
        switch (old, new) {
        case (nil, .pending): .requestSent
        case (_, .accepted) where old != .accepted: .requestAccepted
        case (_, .declined) where old != .declined: .requestDeclined
        case (_, .timedOut) where old != .timedOut: .requestTimedOut
        case (.accepted, .cancelled): .bookingCancelled
        default: nil
        }
    }
}
