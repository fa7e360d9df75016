import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import StageSubCore
import StageSubMail
import StageSubStore

/// How `stagesub serve` listens and what it tells clients.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Mark the session cookie `Secure` (set when TLS terminates in front of the appliance).
    public var secureCookies = false
    /// The address musicians' links start with; default `http://host:port`.
    public var publicURL: String?
    /// Orchestra databases held open at once.
    public var maximumOpenOrchestras = 64
    /// How often the background service looks for due reminders and deadlines.
    public var dueWorkInterval: Duration = .seconds(30)
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (nobody else's is believed).
    public var trustedProxies: [String] = []
    /// How much longer each login failure beyond an address's limit makes the next attempt from it wait.
    public var loginSlowdownStep: Duration = .milliseconds(500)
    /// A demo appliance (`serve --demo`): its clock can be moved forward by a person.
    public var demo = false
    /// How often the outboxes (SMTP, Resend, Twilio) and the outgoing webhooks are delivered.
    public var deliveryInterval: Duration = .seconds(15)
    /// Backups the server makes by itself; nil turns them off.
    public var backupSchedule: BackupSchedule? = BackupSchedule()
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// Where Resend's and Twilio's APIs are: the operator's choice (`STAGESUB_RESEND_API_URL`,
    /// `STAGESUB_TWILIO_API_URL`), never an orchestra's.
    public var providers = DeliveryProviders.fromEnvironment()
    /// Which addresses outgoing webhooks may go to: https, and loopback only on a test bench
    /// (`STAGESUB_ALLOW_LOOPBACK_WEBHOOKS=1`).
    public var webhookPolicy = OutgoingWebhookPolicy(allowLoopback: ProcessInfo.processInfo.environment["STAGESUB_ALLOW_LOOPBACK_WEBHOOKS"] == "1")

    public init() {}

    public var baseURLForLinks: String { baseURL }
    var baseURL: String { publicURL ?? "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)" }
}

/// Everything a request handler may reach: the appliance, its open orchestras, the clock, and the
/// server's own counters. Handlers never choose an orchestra database themselves; `Scope` hands them
/// the one their principal belongs to.
public final class ServerState: Sendable {
    public let appliance: Appliance
    public let pool: OrchestraPool
    public let clock: any WallClock
    /// The clock a person can move forward; only on a demo appliance (then it is `clock`).
    public let demoClock: OffsetClock?
    public let configuration: ServerConfiguration
    let metrics = Metrics()
    let throttle: LoginThrottle
    let maintenance = MaintenanceGate()
    let logger: Logger
    let startedAt: Date

    public init(appliance: Appliance, configuration: ServerConfiguration = .init(), clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "stagesub")) {
        self.appliance = appliance
        self.configuration = configuration
        if configuration.demo {
            let movable = OffsetClock(base: clock, offset: appliance.directory.readDemoClockOffset())
            self.demoClock = movable
            self.clock = movable
        } else {
            self.demoClock = nil
            self.clock = clock
        }
        self.pool = OrchestraPool(appliance: appliance, maximumOpen: configuration.maximumOpenOrchestras)
        self.throttle = LoginThrottle(clock: clock, slowdownStep: configuration.loginSlowdownStep)
        self.logger = logger
        self.startedAt = clock.now()
    }

    /// The gateway of an orchestra, opened through the pool (and refused while it is being restored).
    func gateway(_ orchestra: Orchestra) throws -> OrchestraGateway {
        if maintenance.isBlocked(orchestra.slug) {
            throw APIError(.serviceUnavailable, "\(orchestra.name) is being restored; try again in a minute")
        }
        return try pool.gateway(orchestra, answerBaseURL: configuration.baseURL)
    }

    /// The router with every route of the appliance: the JSON API, the HTML pages, health and metrics.
    public func buildRouter() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: OutermostMiddleware(state: self))
        for route in activeRoutes { route.register(on: router, state: self) }
        for page in WebPages.all { page.register(on: router, state: self) }
        return router
    }

    /// The background service reporting into this server's metrics.
    public func dueWorkService() -> DueWorkService {
        DueWorkService(pool: pool, clock: clock, interval: configuration.dueWorkInterval, answerBaseURL: configuration.baseURL,
                       logger: Logger(label: "stagesub.due-work")) { [metrics, appliance] pass, at in
            metrics.recordDueWorkPass(at: at, failures: pass.failures.count)
            // Failures read "slug: reason"; every other active orchestra was processed in this pass.
            let failed = Set(pass.failures.map { String($0.prefix { $0 != ":" }) })
            let active = ((try? appliance.registry.orchestras()) ?? []).filter { $0.status == .active }.map(\.slug)
            metrics.recordDueWork(done: active.filter { !failed.contains($0) }, at: at)
        }
    }

    /// The outbox delivery reporting into this server's metrics.
    public func deliveryService() -> OutboxDeliveryService {
        OutboxDeliveryService(pool: pool, clock: clock, interval: configuration.deliveryInterval, answerBaseURL: configuration.baseURL,
                              providers: configuration.providers, webhookPolicy: configuration.webhookPolicy,
                              logger: Logger(label: "stagesub.delivery")) { [metrics] pass in
            metrics.recordDelivery(sent: pass.sent, retrying: pass.retrying, failed: pass.givenUp,
                                   webhooksDelivered: pass.webhooksDelivered, webhooksFailed: pass.webhooksFailed)
        }
    }

    /// Makes Swift concurrency's jobs run on the HTTP server's event loops (NIO's singleton group, which the
    /// application listens on) instead of a pool of their own. A request is then read, handled and answered on
    /// one thread, without the two thread hops per request that otherwise cost each page a wake-up of another
    /// thread (docs/benchmarks.md, "Handlers on the event loops"). Call once, from the main thread, before any
    /// task starts; returns false where NIO cannot (then nothing changed).
    public static func runTasksOnEventLoops() -> Bool {
        let installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        if installed { tasksOnEventLoops.store(true, ordering: .relaxed) }
        return installed
    }

    private static let tasksOnEventLoops = Atomic<Bool>(false)

    /// Where this process runs its tasks, for the start-up log: a benchmark or test of the server can then
    /// tell which executor it measured.
    public static var executorName: String { tasksOnEventLoops.load(ordering: .relaxed) ? "event loops" : "Swift's pool" }

    /// The HTTP application, ready for a `ServiceGroup` (graceful shutdown lets in-flight requests finish).
    /// `onListening` runs once the port accepts connections.
    public func buildApplication(onListening: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
        Application(router: buildRouter(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StageSub"),
                    onServerRunning: { _ in await onListening() },
                    logger: logger)
    }

    /// Runs the server and the background services until SIGTERM or SIGINT, then closes every database.
    /// Under systemd (`NOTIFY_SOCKET`), says READY=1 once the port listens, pings the watchdog and says
    /// STOPPING=1 when the shutdown begins.
    public func run() async throws {
        let systemd = SystemdNotifier().map { notifier in
            SystemdNotifyService(notifier: notifier, status: "serving on \(configuration.host):\(configuration.port)",
                                 watchdog: SystemdNotifier.watchdogInterval(), isHealthy: { [appliance] in appliance.registry.isReadable() },
                                 logger: Logger(label: "stagesub.systemd"))
        }
        var services: [any Service] = [buildApplication { systemd?.listening() }, dueWorkService(), deliveryService()]
        if let backups = scheduledBackupService() { services.append(backups) }
        // Last in the group: graceful shutdown reaches it first, so STOPPING=1 goes out before the rest stops.
        if let systemd { services.append(systemd) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        pool.closeAll()
    }
}

/// Orchestras being restored: their requests wait outside with a 503 until the swap is done.
final class MaintenanceGate: Sendable {
    private let blocked = Mutex<Set<String>>([])

    func isBlocked(_ slug: String) -> Bool { blocked.withLock { $0.contains(slug) } }

    /// Runs `body` (a restore, a re-encryption, a deletion: seconds of disk work) off the event loops, with
    /// the orchestra's requests held at 503 until it is done.
    func during<T: Sendable>(_ slug: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        blocked.withLock { _ = $0.insert(slug) }
        defer { blocked.withLock { _ = $0.remove(slug) } }
        return try await Blocking.run(body)
    }
}

/// Work a request waits for that holds a thread for longer than a page takes: a backup, a restore, a
/// password hash (Argon2id, tens of milliseconds), a check or a pass over every orchestra, an import. On an
/// event loop it would stall every other connection of that loop meanwhile, `/healthz` and the systemd
/// watchdog's ping among them; on NIO's pool for blocking work the loop goes on serving.
enum Blocking {
    /// The answer when the pool refuses the work: the request was cancelled or the server is stopping.
    static let stopping = APIError(.serviceUnavailable, "the server is stopping; try again in a moment", headers: [.retryAfter: "5"])

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(work)
        } catch is CancellationError {
            throw stopping
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw stopping
        }
    }
}
