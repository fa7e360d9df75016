import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how an orchestra's email leaves: its SMTP server (or a relay on the appliance).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS before anything else is said (port 587).
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only for a relay on this machine (the password is then never sent elsewhere).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// A PEM certificate to trust besides the system's (a relay with its own certificate authority).
    public var caCertificatePEM: String?
    /// The name this appliance gives in EHLO.
    public var heloName: String = "stagesub.localdomain"

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
                caCertificatePEM: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.caCertificatePEM = caCertificatePEM
    }

    var isLoopback: Bool { ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) }
}

/// Email over SMTP: one session per batch.
public struct SMTPTransport: Transport {
    public let settings: SMTPSettings

    public init(_ settings: SMTPSettings) { self.settings = settings }

    public func open() async throws(DeliveryError) -> any TransportSession { try await SMTPSession.open(settings) }
}

extension SMTPSession: TransportSession {
    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryReceipt {
        guard case .email(let email) = message else { throw DeliveryError("SMTP carries email only", code: .configuration) }
        try await send(email)
        return DeliveryReceipt()
    }

    public func close() async { await quit() }
}

/// A conversation with an SMTP server (RFC 5321): connect, EHLO, STARTTLS, AUTH PLAIN, then any number
/// of messages, then QUIT. Every reply is awaited with a timeout.
public final class SMTPSession: Sendable {
    let channel: Channel
    let replies: ReplyReader
    let settings: SMTPSettings
    let timeout: TimeAmount

    private init(channel: Channel, replies: ReplyReader, settings: SMTPSettings, timeout: TimeAmount) {
        self.channel = channel
        self.replies = replies
        self.settings = settings
        self.timeout = timeout
    }

    /// Connects, says hello, encrypts and logs in as the settings ask.
    public static func open(_ settings: SMTPSettings, timeout: TimeAmount = .seconds(30),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(DeliveryError) -> SMTPSession {
        if settings.username?.isEmpty == false, settings.security == .none, !settings.isLoopback {
            throw DeliveryError("refusing to send the SMTP password unencrypted to \(settings.host): use starttls or tls", code: .configuration)
        }
        let tls: NIOSSLContext?
        do { tls = settings.security == .none ? nil : try makeTLSContext(settings) } catch {
            throw DeliveryError("the SMTP certificate setting cannot be used: \(error)", code: .configuration)
        }
        let replies = ReplyReader()
        let channel: Channel
        do {
            let host = settings.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .tls, let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sniName(settings.host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(replies)
                    }
                }
                .connect(host: host, port: settings.port).get()
        } catch {
            let text = "\(error)"
            let reason = text.contains("Connection refused") ? "connection refused"
                : text.lowercased().contains("timeout") || text.contains("timed out") ? "no answer"
                : text.contains("resolve") || text.contains("NXDOMAIN") ? "unknown host" : String(text.prefix(120))
            throw DeliveryError("could not connect to \(settings.host):\(settings.port) (\(reason))", code: .unavailable)
        }
        let session = SMTPSession(channel: channel, replies: replies, settings: settings, timeout: timeout)
        do throws(DeliveryError) {
            try await session.expect(220, "greeting")
            var capabilities = try await session.hello()
            if settings.security == .starttls {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw DeliveryError("\(settings.host) does not offer STARTTLS; set smtpSecurity to tls or ask its operator", code: .configuration)
                }
                try await session.command("STARTTLS", expect: 220)
                do {
                    let context = tls!, name = sniName(settings.host)
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
                    }.get()
                } catch {
                    throw DeliveryError("could not start TLS with \(settings.host) (\(error))", code: .configuration)
                }
                capabilities = try await session.hello()
            }
            if let username = settings.username, !username.isEmpty {
                let secret = Data("\u{0}\(username)\u{0}\(settings.password ?? "")".utf8).base64EncodedString()
                let reply = try await session.send("AUTH PLAIN \(secret)", shown: "AUTH PLAIN (credentials)")
                guard reply.code == 235 else {
                    throw DeliveryError("\(settings.host) refused the SMTP username or password (\(reply.code))", code: .configuration)
                }
            }
            return session
        } catch {
            session.closeChannel()
            throw error
        }
    }

    /// Sends one message. A refusal of this message is permanent (5xx) or not (4xx); the session stays
    /// usable after either.
    public func send(_ email: OutgoingEmail) async throws(DeliveryError) {
        guard OutgoingEmail.isDeliverable(email.to) else { throw DeliveryError("the address \(email.to) cannot be delivered to", permanent: true) }
        guard OutgoingEmail.isDeliverable(email.from) else { throw DeliveryError("the sender address \(email.from) is not valid", code: .configuration) }
        try await command("MAIL FROM:<\(email.from)>", expect: 250)
        let recipient = try await send("RCPT TO:<\(email.to)>")
        guard recipient.code == 250 || recipient.code == 251 else {
            _ = try? await send("RSET")
            throw DeliveryError("\(email.to) was refused: \(recipient.code) \(recipient.text)", permanent: recipient.code >= 500)
        }
        try await command("DATA", expect: 354)
        // Dot-stuffing: a line that starts with a dot gets another one.
        var data = email.rendered().replacingOccurrences(of: "\r\n.", with: "\r\n..")
        if data.hasPrefix(".") { data = "." + data }
        let reply = try await send(data + ".", shown: "(message)")
        guard reply.code == 250 else {
            throw DeliveryError("the message to \(email.to) was refused: \(reply.code) \(reply.text)", permanent: reply.code >= 500)
        }
    }

    /// Says goodbye and closes.
    public func quit() async {
        _ = try? await send("QUIT")
        closeChannel()
    }

    func closeChannel() { channel.close(promise: nil) }

    // MARK: Conversation

    struct Reply { var code: Int; var text: String; var lines: [String] }

    private func hello() async throws(DeliveryError) -> [String] {
        let reply = try await send("EHLO \(settings.heloName)")
        guard reply.code == 250 else { throw DeliveryError("\(settings.host) did not accept EHLO: \(reply.code) \(reply.text)") }
        return reply.lines.dropFirst().map { String($0.dropFirst(4)) }
    }

    private func command(_ line: String, expect code: Int) async throws(DeliveryError) {
        let reply = try await send(line)
        guard reply.code == code else {
            throw DeliveryError("\(settings.host) answered \(line.split(separator: " ").first ?? "") with \(reply.code) \(reply.text)")
        }
    }

    private func expect(_ code: Int, _ what: String) async throws(DeliveryError) {
        let reply = try await readReply()
        guard reply.code == code else { throw DeliveryError("\(settings.host) sent \(reply.code) \(reply.text) as its \(what)") }
    }

    /// Writes a command (never logged: `shown` is what an error may say instead) and reads the reply.
    private func send(_ line: String, shown: String? = nil) async throws(DeliveryError) -> Reply {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
        } catch {
            throw DeliveryError("the connection to \(settings.host) broke while sending \(shown ?? String(line.prefix(4)))", code: .unavailable)
        }
        return try await readReply()
    }

    private func readReply() async throws(DeliveryError) -> Reply {
        var lines: [String] = []
        while true {
            guard let line = await replies.next(timeout: timeout, on: channel.eventLoop) else {
                throw DeliveryError("\(settings.host) did not answer in time or closed the connection", code: .unavailable)
            }
            lines.append(line)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
                throw DeliveryError("\(settings.host) does not speak SMTP (\(line.prefix(40)))", code: .configuration)
            }
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
                return Reply(code: code, text: String(line.dropFirst(4)), lines: lines)
            }
        }
    }

    static func makeTLSContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let pem = settings.caCertificatePEM, !pem.isEmpty {
            configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))]
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The name to check the certificate against; SNI takes no IP addresses.
    static func sniName(_ host: String) -> String? {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let isAddress = bare.contains(":") || bare.split(separator: ".").allSatisfy { Int($0) != nil }
        return isAddress ? nil : bare
    }
}

/// Splits what the server sends into lines and hands them out one at a time. Lives on the channel's
/// event loop; `next` is called from the session's task.
final class ReplyReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var pending = ByteBuffer()
    private var lines: [String] = []
    private var waiter: EventLoopPromise<String?>?
    private var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        while let index = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = index - pending.readerIndex
            var line = pending.readString(length: length) ?? ""
            pending.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            lines.append(line)
        }
        pending.discardReadBytes()
        // A "line" longer than any SMTP reply: not an SMTP server; stop listening.
        if pending.readableBytes > 1 << 16 {
            closed = true
            context.close(promise: nil)
        }
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        deliver()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closed = true
        deliver()
        context.close(promise: nil)
    }

    private func deliver() {
        guard let waiter else { return }
        if !lines.isEmpty {
            self.waiter = nil
            waiter.succeed(lines.removeFirst())
        } else if closed {
            self.waiter = nil
            waiter.succeed(nil)
        }
    }

    /// The next line, or nil when the connection closed or nothing came within `timeout`.
    func next(timeout: TimeAmount, on loop: any EventLoop) async -> String? {
        let promise = loop.makePromise(of: String?.self)
        loop.execute {
            self.waiter = promise
            self.deliver()
        }
        let timer = loop.scheduleTask(in: timeout) {
            if self.waiter?.futureResult === promise.futureResult {
                self.waiter = nil
                promise.succeed(nil)
            }
        }
        let line = try? await promise.futureResult.get()
        timer.cancel()
        return line ?? nil
    }
}
