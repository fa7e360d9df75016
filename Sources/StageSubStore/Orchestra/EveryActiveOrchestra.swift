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
