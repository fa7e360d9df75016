import Foundation
import Testing

/// The shipped unit file, run the way systemd would run it but without systemd: its `ExecStart` and
/// `Environment=` lines, a notification socket the test reads, and the master key as a credential.
@Suite("packaging/systemd/stagesub.service", .serialized)
struct SystemdUnitTests {
    static let unit = repositoryRoot.appendingPathComponent("packaging/systemd/stagesub.service")

    /// `Key=value` lines of the unit, in order.
    static func settings() throws -> [(key: String, value: String)] {
        try String(contentsOf: unit, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let eq = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<eq]), String(line[line.index(after: eq)...]))
        }
    }

    @Test("ExecStart under a fake systemd: READY=1 once the port answers, watchdog pings, STOPPING=1 on SIGTERM; key from CREDENTIALS_DIRECTORY")
    func execStartSpeaksNotify() throws {
        let settings = try Self.settings()
        let value = { (key: String) in settings.first { $0.key == key }?.value }
        #expect(value("Type") == "notify")
        #expect(value("LoadCredential") == "master-key:/etc/stagesub/master-key")
        let execStart = try #require(value("ExecStart")).split(separator: " ").map(String.init)
        #expect(execStart.first == "/usr/bin/stagesub")

        let folder = URL(fileURLWithPath: "/tmp/stagesub-unit-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data"), credentials = folder.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        let keyFile = credentials.appendingPathComponent("master-key").path
        // What the package's postinst does: a key outside the data directory, then init with it.
        let initialised = try VersionTests.run(["init"], environment: ["STAGESUB_DATA": data.path, "STAGESUB_KEY_FILE": keyFile])
        #expect(initialised.status == 0, "\(initialised.err)")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("appliance.key").path))

        let listener = try NotifySocketListener(path: folder.appendingPathComponent("notify").path)
        let port = LoopbackHTTP.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["STAGESUB_KEY_FILE"] = nil
        for setting in settings where setting.key == "Environment" {
            let pair = setting.value.split(separator: "=", maxSplits: 1).map(String.init)
            environment[pair[0]] = pair[1]
        }
        environment["STAGESUB_DATA"] = data.path
        environment["STAGESUB_PORT"] = String(port)
        environment["NOTIFY_SOCKET"] = listener.path
        environment["WATCHDOG_USEC"] = "200000"
        environment["CREDENTIALS_DIRECTORY"] = credentials.path

        let log = folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = VersionTests.binary
        process.arguments = Array(execStart.dropFirst())
        process.environment = environment
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The moment READY=1 arrives, the port must already answer.
        let ready = listener.wait(for: "READY=1")
        #expect(ready.found)
        #expect(ready.before.isEmpty, "nothing before READY=1 (the watchdog starts once the server listens): \(ready.before)")
        #expect(LoopbackHTTP.get(port: port, path: "/healthz")?.status == 200)
        #expect(listener.wait(for: "WATCHDOG=1").found)
        #expect(listener.wait(for: "WATCHDOG=1").found)

        process.terminate()  // SIGTERM, as systemctl stop
        #expect(listener.wait(for: "STOPPING=1").found)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let key = try Data(contentsOf: URL(fileURLWithPath: keyFile)).map { String(format: "%02x", $0) }.joined()
        #expect(!logged.contains(key))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("appliance.key").path))
    }

    @Test("the unit lets no core dump out: LimitCORE=1, since systemd-coredump ignores a limit of 0")
    func noCoreDump() throws {
        // A watchdog abort of a hung server is a SIGABRT; its core would hold the master key and the data keys.
        // The kernel aborts a dump to a pipe (systemd-coredump) only at a limit of exactly 1, and writes no file
        // below one page. Under a real systemd (scripts/check-systemd) the default soft limit of 0 let a dump holding the
        // master key into /var/lib/systemd/coredump; with 1 nothing is stored.
        let limits = try Self.settings().filter { $0.key == "LimitCORE" }.map(\.value)
        #expect(limits == ["1"])
    }

    @Test("systemd-analyze verify accepts the unit (where systemd-analyze is installed)")
    func analyzeVerify() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else { return }
        // verify insists that ExecStart exists: check a copy that points at the binary just built.
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/bin/stagesub", with: "ExecStart=\(VersionTests.binary.path)")
        let folder = URL(fileURLWithPath: "/tmp/stagesub-analyze-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("stagesub.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let result = try runTool(analyze, ["verify", copy.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("stagesub.service:"), "\(result.output)")
    }
}

/// Runs a tool to its end; its exit status and what it printed (stdout and stderr together).
func runTool(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
