import Foundation
import ServiceLifecycle

/// The loop both background services share (due work, outbox delivery): a pass, a pause of `interval`,
/// again, until graceful shutdown, which ends the pause at once and never a pass halfway.
public struct PeriodicRunner: Sendable {
    public let interval: Duration

    public init(interval: Duration) { self.interval = interval }

    public func run(_ pass: @Sendable () async -> Void) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await pass()
            let pause = interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

/// Background work that computes rather than waits (the due-work pass over every orchestra, the scheduled
/// backups) runs on a thread of its own, at a lower scheduling priority. On one of Swift's cooperative
/// threads (as many as there are cores, two on a small box) a pass of a second would leave half the
/// server to every page and answer link for that second; on its own thread the kernel shares the cores,
/// and a person's request goes first. Nothing is lost by the lower priority: a pass only runs later.
public enum BackgroundThread {
    /// The nice value of a background thread: ten steps below the server, which gets about nine tenths of
    /// a busy core against it, and all of an idle one.
    public static let niceness: Int32 = 10

    public static func run<T: Sendable>(_ name: String, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            let thread = Thread {
                // Linux keeps a nice value per thread, and `who` 0 is the calling thread. A sandbox that refuses
                // it (EPERM) leaves the thread at the server's priority, which is how it ran before.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
                done.resume(returning: work())
            }
            thread.name = name
            thread.start()
        }
    }
}

extension OrchestraPool {
    /// Every active orchestra with its gateway, or why it could not be opened: one failure never keeps
    /// the others from their pass.
    public func activeOrchestras(answerBaseURL: String) -> [(orchestra: Orchestra, gateway: Result<OrchestraGateway, StoreError>)] {
        let orchestras = (try? appliance.registry.orchestras()) ?? []
        return orchestras.filter { $0.status == .active }.map { orchestra in
            (orchestra, Result { () throws(StoreError) in try gateway(orchestra, answerBaseURL: answerBaseURL) })
        }
    }
}
