import Foundation
import Logging
import ServiceLifecycle
import StageSubCore
import StageSubStore

/// Delivers the outboxes: every `interval`, for every active orchestra whose `emailTransport` is `smtp`,
/// the email messages that are due go out over one SMTP session. A message is marked sent after the
/// server accepted it; a failure is recorded on the message (`lastError`, `attempts`) and retried later
/// (1, 2, 4 … minutes, at most 4 hours apart, 8 attempts), or given up at once when the server refused it
/// for good. Orchestras with the default transport `outbox` keep their messages in the outbox, where
/// people read them. SMS messages wait for an SMS transport (none is built yet).
public struct OutboxDeliveryService: Service {
    public let pool: OrchestraPool
    public let clock: any WallClock
    public let interval: Duration
    public let answerBaseURL: String
    let logger: Logger
    let onPass: @Sendable (Pass) -> Void

    public init(pool: OrchestraPool, clock: any WallClock = SystemClock(), interval: Duration = .seconds(15), answerBaseURL: String,
                logger: Logger = Logger(label: "stagesub.delivery"), onPass: @escaping @Sendable (Pass) -> Void = { _ in }) {
        self.pool = pool
        self.clock = clock
        self.interval = interval
        self.answerBaseURL = answerBaseURL
        self.logger = logger
        self.onPass = onPass
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var givenUp = 0
        /// Orchestras whose settings or server kept their messages waiting, with the reason.
        public var problems: [String: String] = [:]
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pass = await deliverAll()
            onPass(pass)
            if pass.sent + pass.retrying + pass.givenUp > 0 || !pass.problems.isEmpty {
                logger.info("outbox delivery", metadata: ["sent": "\(pass.sent)", "retrying": "\(pass.retrying)", "failed": "\(pass.givenUp)"])
            }
            let pause = interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// One pass over every active orchestra.
    public func deliverAll() async -> Pass {
        var pass = Pass()
        let orchestras = (try? pool.appliance.registry.orchestras()) ?? []
        for orchestra in orchestras where orchestra.status == .active {
            do {
                let gateway = try pool.gateway(orchestra, answerBaseURL: answerBaseURL)
                try await deliver(gateway, orchestraName: orchestra.name, into: &pass)
            } catch let error as DeliveryError {
                pass.problems[orchestra.slug] = error.message
                logger.warning("email delivery waits", metadata: ["orchestra": "\(orchestra.slug)", "reason": "\(error.message)"])
            } catch {
                pass.problems[orchestra.slug] = "\(error)"
                logger.error("email delivery failed", metadata: ["orchestra": "\(orchestra.slug)", "error": "\(error)"])
            }
        }
        return pass
    }

    /// The email transport an orchestra's settings describe, or nil when its messages stay in the outbox.
    public static func smtpSettings(_ settings: OrchestraSettings) throws(DeliveryError) -> SMTPSettings? {
        guard settings.emailTransport == .smtp else { return nil }
        guard !settings.smtpHost.isEmpty else { throw DeliveryError("emailTransport is smtp but smtpHost is not set") }
        guard !settings.emailFrom.isEmpty else { throw DeliveryError("emailTransport is smtp but emailFrom is not set") }
        let security = SMTPSettings.Security(rawValue: settings.smtpSecurity.rawValue) ?? .starttls
        let port = settings.smtpPort ?? (security == .tls ? 465 : 587)
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        return SMTPSettings(host: settings.smtpHost, port: port, security: security, username: optional(settings.smtpUsername),
                            password: optional(settings.smtpPassword), caCertificatePEM: optional(settings.smtpCACertificate))
    }

    func deliver(_ gateway: OrchestraGateway, orchestraName: String, into pass: inout Pass) async throws {
        let settings = try gateway.settings()
        guard let smtp = try Self.smtpSettings(settings) else { return }
        let due = try gateway.dueMessages(channel: "email", now: clock.now())
        guard !due.isEmpty else { return }
        let session: SMTPSession
        do {
            session = try await SMTPSession.open(smtp)
        } catch {
            // The server is unreachable or refuses us: every due message waits; the first counts an attempt,
            // so its lastError tells people why.
            try record(error, of: due[0], in: gateway, into: &pass)
            throw error
        }
        do {
            try await send(due, over: session, gateway: gateway, settings: settings, orchestraName: orchestraName, into: &pass)
        } catch {
            await session.quit()
            throw error
        }
        await session.quit()
    }

    private func send(_ due: [OutboxMessage], over session: SMTPSession, gateway: OrchestraGateway, settings: OrchestraSettings,
                      orchestraName: String, into pass: inout Pass) async throws {
        for message in due {
            let email: OutgoingEmail
            do {
                email = try self.email(for: message, gateway: gateway, settings: settings, orchestraName: orchestraName)
            } catch {
                // The message cannot be put together (its database said no): it waits for the next pass.
                logger.error("email not built", metadata: ["orchestra": "\(gateway.tokenPrefix)", "message": "\(message.id!)", "error": "\(error)"])
                continue
            }
            do {
                try await session.send(email)
                try gateway.markDelivered(message.id!, at: clock.now())
                pass.sent += 1
            } catch let error as DeliveryError {
                try record(error, of: message, in: gateway, into: &pass)
                if !error.permanent && error.message.contains("connection") { break }
            }
        }
    }

    /// Records a failed attempt on the message and counts it as retrying or given up.
    private func record(_ error: DeliveryError, of message: OutboxMessage, in gateway: OrchestraGateway, into pass: inout Pass) throws {
        if try gateway.markAttemptFailed(message.id!, error: error.message, permanent: error.permanent, at: clock.now()) {
            pass.givenUp += 1
        } else {
            pass.retrying += 1
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
        return OutgoingEmail(from: settings.emailFrom, fromName: name, to: message.recipient, replyTo: replyTo,
                             subject: message.subject, body: message.body, attachments: files, date: clock.now(),
                             messageId: "\(message.id!).\(UUID().uuidString.lowercased())@\(gateway.tokenPrefix)stagesub")
    }
}
