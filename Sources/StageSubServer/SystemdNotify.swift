import Foundation
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// systemd's readiness protocol (`Type=notify`): datagrams such as `READY=1` sent to the unix socket named
/// by `$NOTIFY_SOCKET`. Written by hand over the socket API because there is no maintained Swift library
/// for it, and the protocol is one `sendto` of a short text; linking libsystemd would add a dependency the
/// .deb must not have.
public struct SystemdNotifier: Sendable {
    /// The socket path; a leading `@` names a socket in the abstract namespace.
    public let socketPath: String

    /// The notifier systemd asked for, or nil when not started by systemd (no `NOTIFY_SOCKET`).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.hasPrefix("/") || path.hasPrefix("@") else { return nil }
        socketPath = path
    }

    /// Sends one state line (`READY=1`, `STOPPING=1`, `WATCHDOG=1`, `STATUS=…`). Returns false when it
    /// could not be delivered; systemd then acts on its own timeouts, so the server carries on.
    @discardableResult
    public func send(_ state: String) -> Bool {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }  // the abstract namespace starts with a NUL byte
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        // An abstract name is exactly as long as given; a path name ends at its NUL.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count + (abstract ? 0 : 1)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length)) }
            }
        }
        return sent == message.count
    }

    /// Half of `$WATCHDOG_USEC` (systemd's advice), when the watchdog is on and meant for this process.
    public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], pid != String(getpid()) { return nil }
        return .microseconds(Int64(usec / 2))
    }
}

/// Tells systemd how the server is doing: `READY=1` once the HTTP port listens (`listening()`), then
/// watchdog pings while the registry answers, and `STOPPING=1` as soon as a graceful shutdown begins.
struct SystemdNotifyService: Service {
    let notifier: SystemdNotifier
    let status: String
    let watchdog: Duration?
    /// Whether the appliance is well enough to be pinged for (a hung registry should get it restarted).
    let isHealthy: @Sendable () -> Bool
    let logger: Logger
    private let ready = ReadyFlag()

    init(notifier: SystemdNotifier, status: String, watchdog: Duration?, isHealthy: @escaping @Sendable () -> Bool, logger: Logger) {
        self.notifier = notifier
        self.status = status
        self.watchdog = watchdog
        self.isHealthy = isHealthy
        self.logger = logger
    }

    /// Called by the HTTP application once its port accepts connections.
    func listening() {
        ready.set()
        notifier.send("READY=1\nSTATUS=\(status)")
    }

    func run() async throws {
        if let watchdog {
            _ = try? await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if !ready.isSet {
                        // Not listening yet: systemd's start timeout, not the watchdog, covers a slow start.
                    } else if isHealthy() {
                        notifier.send("WATCHDOG=1")
                    } else {
                        logger.error("registry unreadable: watchdog ping withheld")
                    }
                    try await Task.sleep(for: watchdog)
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        notifier.send("STOPPING=1")
    }
}

/// Set once, read often: whether the server has said READY=1.
final class ReadyFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
