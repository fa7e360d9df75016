import Foundation
import Hummingbird
import StageSubCore
import StageSubStore

/// A demo appliance's clock, moved forward by a person (`serve --demo` only): the due-work pass runs at
/// once, so reminders, timeouts and the next musician asked show within seconds. The offset is stored in
/// the data directory, so a restart keeps it.
enum DemoClockRoutes {
    /// The most one move may advance: a month (a demo never needs more at once).
    static let maximumHours = 720

    struct Advance: APIInput {
        var advanceHours: Int
        static let annotations: [String: [SchemaNote]] = ["advanceHours": [.range(1...maximumHours)]]
    }

    struct ClockView: APIContent {
        let now: Date
        let offsetHours: Double
        static let example = ClockView(now: Date(), offsetHours: 26)
    }

    /// `+26h (2026-12-02T21:30:00Z)`: the header every response of a moved demo appliance carries.
    static func headerValue(offset: TimeInterval, now: Date) -> String {
        let hours = (offset / 3600 * 10).rounded() / 10
        return "+\(hours.formatted(.number.grouping(.never)))h (\(ISO8601DateFormatter().string(from: now)))"
    }

    static func view(_ state: ServerState) -> ClockView {
        ClockView(now: state.clock.now(), offsetHours: (state.demoClock?.offsetSeconds ?? 0) / 3600)
    }

    /// Admins of an orchestra and superadmins; not API keys or the user role.
    static func checkMayMove(_ scope: Scope) throws {
        guard let role = scope.principal?.user?.role, role == .admin || role == .superadmin else {
            throw APIError(.forbidden, "only an admin or a superadmin moves the demo clock")
        }
    }
}

extension ServerState {
    static func demoRoutes() -> [APIRoute] {
        [
            APIRoute(method: .get, path: "/api/v1/demo/clock", summary: "The demo appliance's clock and how far it was moved.",
                     access: .authenticated, output: DemoClockRoutes.ClockView.self) { _, _, scope in
                DemoClockRoutes.view(scope.state)
            },
            APIRoute(method: .post, path: "/api/v1/demo/clock", summary: "Move the demo appliance's clock forward, then act on what fell due.",
                     access: .authenticated, input: DemoClockRoutes.Advance.self, output: DemoClockRoutes.ClockView.self) { input, _, _, scope in
                try DemoClockRoutes.checkMayMove(scope)
                let hours = input.advanceHours
                guard (1...DemoClockRoutes.maximumHours).contains(hours) else {
                    throw APIError.badField("advanceHours", "must be from 1 to \(DemoClockRoutes.maximumHours)")
                }
                try await scope.state.advanceDemoClock(hours: hours)
                scope.log("moved the demo clock forward \(hours) h")
                return DemoClockRoutes.view(scope.state)
            },
        ]
    }

    /// Moves the demo clock, stores the offset, and runs the due-work pass at once.
    func advanceDemoClock(hours: Int) async throws {
        guard let demoClock else { throw APIError.notFound }
        let offset = demoClock.advance(by: TimeInterval(hours) * 3600)
        try appliance.directory.writeDemoClockOffset(offset)
        // A pass over every orchestra (reminders, timeouts, the next in line): off the event loop.
        let pass = try await Blocking.run { self.dueWorkService().processAll() }
        metrics.recordDueWorkPass(at: clock.now(), failures: pass.failures.count)
    }
}
