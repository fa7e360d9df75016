import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import StageSubCore
import StageSubStore

/// Delivers the outboxes and the webhooks: every `interval`, for every active orchestra, the email and
/// SMS messages that are due go out through the transport its settings choose (email: outbox only, SMTP,
/// Resend; SMS: outbox only, Twilio), then its queued webhook deliveries. A message is marked sent after
/// the provider took it; a failure is recorded on the message (`lastError`, `attempts`) and, by its code,
/// retried later (1, 2, 4 … minutes, at most 4 hours apart, 8 attempts, longer when the provider asks),
/// or given up at once when refused for good. With the transport `outbox` messages stay where people read them.
public struct OutboxDeliveryService: Service {
    public let pool: OrchestraPool
    public let clock: any WallClock
    public let interval: Duration
    public let answerBaseURL: String
    public let providers: DeliveryProviders
    public let webhookPolicy: OutgoingWebhookPolicy
    let logger: Logger
    let onPass: @Sendable (Pass) -> Void

    public init(pool: OrchestraPool, clock: any WallClock = SystemClock(), interval: Duration = .seconds(15), answerBaseURL: String,
                providers: DeliveryProviders = DeliveryProviders(), webhookPolicy: OutgoingWebhookPolicy = OutgoingWebhookPolicy(),
                logger: Logger = Logger(label: "stagesub.delivery"), onPass: @escaping @Sendable (Pass) -> Void = { _ in }) {
        self.pool = pool
        self.clock = clock
        self.interval = interval
        self.answerBaseURL = answerBaseURL
        self.providers = providers
        self.webhookPolicy = webhookPolicy
        self.logger = logger
        self.onPass = onPass
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var givenUp = 0
        public var webhooksDelivered = 0
        public var webhooksRetrying = 0
        public var webhooksFailed = 0
        /// Orchestras whose settings or provider kept their messages waiting, with the reason.
        public var problems: [String: String] = [:]
    }

    public func run() async throws {
        await PeriodicRunner(interval: interval).run {
            let pass = await deliverAll()
            onPass(pass)
            if pass.sent + pass.retrying + pass.givenUp + pass.webhooksDelivered + pass.webhooksRetrying + pass.webhooksFailed > 0
                || !pass.problems.isEmpty {
                logger.info("outbox delivery", metadata: ["sent": "\(pass.sent)", "retrying": "\(pass.retrying)", "failed": "\(pass.givenUp)",
                                                          "webhooks": "\(pass.webhooksDelivered)", "webhooksFailed": "\(pass.webhooksFailed)"])
            }
        }
    }

    /// One pass over every active orchestra.
    public func deliverAll() async -> Pass {
        var pass = Pass()
        let pool = pool, base = answerBaseURL
        // Opening an orchestra may migrate it (seconds): like every database step of the pass, off the loops.
        guard let orchestras = try? await OffLoop.run({ pool.activeOrchestras(answerBaseURL: base) }) else { return pass }
        for (orchestra, opened) in orchestras {
            do {
                let gateway = try opened.get()
                let settings = try await OffLoop.run { try gateway.settings() }
                for channel in MessageChannel.allCases {
                    do {
                        try await deliver(channel, gateway, settings: settings, orchestra: orchestra, into: &pass)
                    } catch let error as DeliveryError {
                        pass.problems[orchestra.slug] = [pass.problems[orchestra.slug], error.message].compactMap { $0 }.joined(separator: "; ")
                        logger.warning("delivery waits", metadata: ["orchestra": "\(orchestra.slug)", "channel": "\(channel)", "reason": "\(error.message)"])
                    }
                }
                // An orchestra's own receiver gets less time than a provider's API: it should only queue the event.
                let webhooks = try await WebhookSender(policy: webhookPolicy, timeout: min(providers.requestTimeout, .seconds(10)))
                    .deliverDue(gateway, now: clock.now())
                pass.webhooksDelivered += webhooks.delivered
                pass.webhooksRetrying += webhooks.retrying
                pass.webhooksFailed += webhooks.failed
            } catch {
                pass.problems[orchestra.slug] = "\(error)"
                logger.error("delivery failed", metadata: ["orchestra": "\(orchestra.slug)", "error": "\(error)"])
            }
        }
        return pass
    }

    /// The email transport an orchestra's settings describe, or nil when its messages stay in the outbox.
    public static func smtpSettings(_ settings: OrchestraSettings) throws(DeliveryError) -> SMTPSettings? {
        guard settings.emailTransport == .smtp else { return nil }
        guard !settings.smtpHost.isEmpty else { throw DeliveryError("emailTransport is smtp but smtpHost is not set", code: .configuration) }
        guard !settings.emailFrom.isEmpty else { throw DeliveryError("emailTransport is smtp but emailFrom is not set", code: .configuration) }
        let security = SMTPSettings.Security(rawValue: settings.smtpSecurity.rawValue) ?? .starttls
        let port = settings.smtpPort ?? (security == .tls ? 465 : 587)
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        return SMTPSettings(host: settings.smtpHost, port: port, security: security, username: optional(settings.smtpUsername),
                            password: optional(settings.smtpPassword), caCertificatePEM: optional(settings.smtpCACertificate))
    }

    /// The transport for a channel as the orchestra's settings choose it; nil: the outbox only. Says
    /// which setting is missing, never a secret's value.
    public func transport(for channel: MessageChannel, settings: OrchestraSettings, slug: String) throws(DeliveryError) -> (any Transport)? {
        func missing(_ transport: String, _ key: String) -> DeliveryError {
            DeliveryError("\(channel == .email ? "emailTransport" : "smsTransport") is \(transport) but \(key) is not set", code: .configuration)
        }
        switch channel {
        case .email:
            switch settings.emailTransport {
            case .outbox: return nil
            case .smtp: return try Self.smtpSettings(settings).map(SMTPTransport.init)
            case .resend:
                guard !settings.resendApiKey.isEmpty else { throw missing("resend", "resendApiKey") }
                guard !settings.emailFrom.isEmpty else { throw missing("resend", "emailFrom") }
                return ResendTransport(apiKey: settings.resendApiKey, baseURL: providers.resendBaseURL, timeout: providers.requestTimeout) { email in
                    "stagesub/\(slug)/\(email.messageId.prefix { $0 != "." })/\(Int(email.date.timeIntervalSince1970))"
                }
            }
        case .sms:
            switch settings.smsTransport {
            case .outbox: return nil
            case .twilio:
                for (key, value) in [("twilioAccountSid", settings.twilioAccountSid), ("twilioAuthToken", settings.twilioAuthToken),
                                     ("twilioFromNumber", settings.twilioFromNumber)] where value.isEmpty { throw missing("twilio", key) }
                let base = answerBaseURL
                return TwilioTransport(accountSid: settings.twilioAccountSid, authToken: settings.twilioAuthToken, from: settings.twilioFromNumber,
                                       baseURL: providers.twilioBaseURL, timeout: providers.requestTimeout) { id in
                    Self.twilioCallbackURL(base: base, slug: slug, message: id)
                }
            }
        }
    }

    /// Where Twilio reports an SMS's fate: the appliance's public address, the orchestra, the outbox message;
    /// nil when the public address is this machine (`--public-url` not set), which Twilio cannot reach.
    public static func twilioCallbackURL(base: String, slug: String, message: Int64) -> String? {
        let host = URLComponents(string: base)?.host?.lowercased() ?? ""
        guard !host.isEmpty, host != "localhost", !host.hasPrefix("127."), host != "::1", host != "0.0.0.0" else { return nil }
        return "\(base)/api/v1/hooks/twilio/\(slug)?message=\(message)"
    }

    func deliver(_ channel: MessageChannel, _ gateway: OrchestraGateway, settings: OrchestraSettings, orchestra: Orchestra,
                 into pass: inout Pass) async throws {
        guard let transport = try transport(for: channel, settings: settings, slug: orchestra.slug) else { return }
        let now = clock.now()
        let due = try await OffLoop.run { try gateway.dueMessages(channel: channel.rawValue, now: now) }
        guard !due.isEmpty else { return }
        let session: any TransportSession
        do {
            session = try await transport.open()
        } catch {
            // The server is unreachable or refuses us: every due message waits; the first counts an attempt,
            // so its lastError tells people why.
            try await record(error, of: due[0], in: gateway, into: &pass)
            throw error
        }
        do {
            try await send(due, over: session, gateway: gateway, settings: settings, orchestra: orchestra, into: &pass)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    private func send(_ due: [OutboxMessage], over session: any TransportSession, gateway: OrchestraGateway, settings: OrchestraSettings,
                      orchestra: Orchestra, into pass: inout Pass) async throws {
        for message in due {
            let outgoing: OutgoingMessage
            do {
                let name = orchestra.name
                outgoing = try await OffLoop.run { try self.outgoing(message, gateway: gateway, settings: settings, orchestraName: name) }
            } catch {
                // The message cannot be put together (its database said no): it waits for the next pass.
                logger.error("message not built", metadata: ["orchestra": "\(orchestra.slug)", "message": "\(message.id!)", "error": "\(error)"])
                continue
            }
            do {
                let receipt = try await session.send(outgoing)
                let at = clock.now()
                try await OffLoop.run { try gateway.markDelivered(message.id!, at: at, providerMessageId: receipt.providerMessageId, detail: receipt.detail) }
                pass.sent += 1
            } catch let error as DeliveryError {
                try await record(error, of: message, in: gateway, into: &pass)
                if error.stopsBatch { throw error }
            }
        }
    }

    /// Records a failed attempt on the message and counts it as retrying or given up.
    private func record(_ error: DeliveryError, of message: OutboxMessage, in gateway: OrchestraGateway, into pass: inout Pass) async throws {
        let at = clock.now()
        if try await OffLoop.run({ try gateway.markAttemptFailed(message.id!, error: error.message, permanent: error.permanent,
                                                                 retryAfter: error.retryAfter, at: at) }) {
            pass.givenUp += 1
        } else {
            pass.retrying += 1
        }
    }

    func outgoing(_ message: OutboxMessage, gateway: OrchestraGateway, settings: OrchestraSettings, orchestraName: String) throws -> OutgoingMessage {
        switch message.channel {
        case .sms: return .sms(OutgoingSMS(to: message.recipient, body: message.body, outboxId: message.id!))
        case .email: return .email(try email(for: message, gateway: gateway, settings: settings, orchestraName: orchestraName))
        }
    }

    func email(for message: OutboxMessage, gateway: OrchestraGateway, settings: OrchestraSettings, orchestraName: String) throws -> OutgoingEmail {
        var files: [OutgoingEmail.Attachment] = []
        for attachment in try gateway.attachments(message: message.id!) {
            guard let id = attachment.fileId, let stored = try? gateway.file(id) else { continue }  // deleted since: sent without it
            files.append(.init(fileName: stored.file.fileName, mimeType: stored.file.mimeType, data: stored.data))
        }
        let replyTo = settings.emailReplyTo.isEmpty ? nil : settings.emailReplyTo
        let name = settings.emailFromName.isEmpty ? orchestraName : settings.emailFromName
        // The date is the message's own (not the attempt's): Resend's idempotency key is made of it.
        return OutgoingEmail(from: settings.emailFrom, fromName: name, to: message.recipient, replyTo: replyTo,
                             subject: message.subject, body: message.body, attachments: files, date: message.createdAt,
                             messageId: "\(message.id!).\(UUID().uuidString.lowercased())@\(gateway.tokenPrefix)stagesub")
    }
}

/// The delivery pass's database steps (reads of due messages, a commit per message sent) run on NIO's pool
/// for blocking work: the pass is a task like any other, and under `stagesub serve` tasks run on the event
/// loops, where each commit's fsync would make the requests of that loop wait.
enum OffLoop {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
