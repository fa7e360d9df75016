import Foundation
import Testing

@Suite("The real server keeps answering while people log in")
struct ResponsivenessTests {
    /// Checking a password is tens of milliseconds of Argon2id (an unknown name costs the same, so timing does
    /// not reveal it). Done on a thread that also serves requests, every other request behind it waits; the
    /// appliance does it on a pool of its own, so a page is answered while logins are still being checked.
    @Test("While three logins per core check their passwords, /healthz answers before any of them")
    func healthAnswersDuringLogins() throws {
        let folder = URL(fileURLWithPath: "/tmp/stagesub-logins-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        #expect(try VersionTests.run(["init"], environment: ["STAGESUB_DATA": data]).status == 0)
        let server = try RunningAppliance(data: data, folder: folder, arguments: [])
        defer { server.stop() }
        let port = server.port
        // The server under test is the one that ships: its tasks on the event loops.
        #expect(server.output.contains("tasks=event loops"), "\(server.output)")

        // Given three logins per core on their way (every one written to the server before anything else is
        // asked): more than the event loops, one per core, can check at once, so each loop has some queued.
        let logins = 3 * ProcessInfo.processInfo.activeProcessorCount
        let answers = Answers()
        let written = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for i in 0..<logins {
            // A thread each (Dispatch's global queue runs only as many at once as there are cores).
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                let reply = LoopbackHTTP.request("POST", port: port, path: "/api/v1/login",
                                                 headers: ["Content-Type": "application/json"],
                                                 body: #"{"username":"nobody-\#(i)","password":"not-a-password"}"#) { written.signal() }
                answers.append("login \(reply?.status ?? 0)")
            }
        }
        for _ in 0..<logins { written.wait() }

        // When the health check is asked while they are checked.
        let health = LoopbackHTTP.get(port: port, path: "/healthz")
        answers.append("healthz \(health?.status ?? 0)")
        done.wait()

        // Then it is answered first, and every login is refused as it should be.
        let order = answers.all
        #expect(order.first == "healthz 200", "the health check waited for the logins: \(order)")
        #expect(order.filter { $0 == "login 401" }.count == logins, "\(order)")
    }
}

/// What the test's threads saw, in the order they saw it.
final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    func append(_ answer: String) { lock.withLock { seen.append(answer) } }
    var all: [String] { lock.withLock { seen } }
}
