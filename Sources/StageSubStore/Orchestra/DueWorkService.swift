import Foundation
import Logging
import ServiceLifecycle
import StageSubCore

/// The background service: every `interval`, for every active orchestra, sends the reminders and acts on
/// the deadlines that are due. All its state is in the databases and time comes from the clock, so a
/// restart loses and repeats nothing.
public struct DueWorkService: Service {
    public let pool: OrchestraPool
    public let clock: any WallClock
    public let interval: Duration
    public let answerBaseURL: String
    let logger: Logger
    /// Told after every pass (metrics: the background service's lag).
    let onPass: @Sendable (Pass, Date) -> Void

    public init(pool: OrchestraPool, clock: any WallClock = SystemClock(), interval: Duration = .seconds(30),
                answerBaseURL: String, logger: Logger = Logger(label: "stagesub.due-work"),
                onPass: @escaping @Sendable (Pass, Date) -> Void = { _, _ in }) {
        self.onPass = onPass
        self.pool = pool
        self.clock = clock
        self.interval = interval
        self.answerBaseURL = answerBaseURL
        self.logger = logger
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var orchestras = 0
        public var reminders = 0
        public var timeouts = 0
        public var failures: [String] = []
    }

    public func run() async throws {
        await PeriodicRunner(interval: interval).run {
            let pass = await BackgroundThread.run("stagesub-due-work") { processAll() }
            onPass(pass, clock.now())
            if pass.reminders + pass.timeouts > 0 || !pass.failures.isEmpty {
                logger.info("due work", metadata: ["reminders": "\(pass.reminders)", "timeouts": "\(pass.timeouts)",
                                                   "failures": "\(pass.failures.count)"])
            }
        }
    }

    /// One pass over every active orchestra. An orchestra that fails is reported and the others go on.
    public func processAll() -> Pass {
        var pass = Pass()
        let now = clock.now()
        for (orchestra, opened) in pool.activeOrchestras(answerBaseURL: answerBaseURL) {
            do {
                let gateway = try opened.get()
                let done = try gateway.processDueWork(now: now)
                let erased = try gateway.eraseInactive(now: now)
                if !erased.isEmpty { logger.info("retention rule erased inactive musicians", metadata: ["orchestra": "\(orchestra.slug)", "count": "\(erased.count)"]) }
                if !done.unreadable.isEmpty {
                    // Skipped, never blocking: the rest of this orchestra and every other one go on.
                    logger.error("requests that cannot be read were skipped", metadata: [
                        "orchestra": "\(orchestra.slug)", "requests": "\(done.unreadable.map(String.init).joined(separator: ","))"])
                    pass.failures.append("\(orchestra.slug): requests \(done.unreadable.map(String.init).joined(separator: ", ")) cannot be read")
                }
                pass.orchestras += 1
                pass.reminders += done.reminders
                pass.timeouts += done.timeouts
            } catch {
                pass.failures.append("\(orchestra.slug): \(error.message)")
                logger.error("due work failed", metadata: ["orchestra": "\(orchestra.slug)", "error": "\(error.message)"])
            }
        }
        return pass
    }
}
