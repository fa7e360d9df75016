import Foundation
import Testing

/// A real `stagesub serve` on loopback, started the way systemd would (it says READY=1 on a notify socket).
final class RunningAppliance {
    let port = LoopbackHTTP.freePort()
    let process = Process()

    init(data: String, folder: URL, arguments: [String]) throws {
        let listener = try NotifySocketListener(path: folder.appendingPathComponent("notify-\(port)").path)
        process.executableURL = VersionTests.binary
        process.arguments = ["serve", "--port", String(port), "--backup-time", "off"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["STAGESUB_DATA": data, "NOTIFY_SOCKET": listener.path]) { $1 }
        let log = folder.appendingPathComponent("server-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        self.log = log
        try process.run()
        guard listener.wait(for: "READY=1").found else {
            // Never left running behind a failed test.
            stop()
            throw CocoaError(.fileReadUnknown)
        }
    }

    let log: URL
    /// What the server wrote to its standard output and error so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite("A fleet: two appliances, a real Prometheus with the shipped configuration, and stagesub fleet status", .serialized)
struct FleetTests {
    static let prometheusFolder = repositoryRoot.appendingPathComponent("packaging/prometheus")

    @Test("promtool accepts the shipped rules, and their unit tests pass (stale backup, appliance down)")
    func promtoolRules() throws {
        let promtool = try #require(Self.tool("promtool"), "install Debian's prometheus (./scripts/setup --test)")
        let rules = try runTool(promtool, ["check", "rules", Self.prometheusFolder.appendingPathComponent("stagesub-alerts.yml").path])
        #expect(rules.status == 0, "\(rules.output)")
        let tests = try runTool(promtool, ["test", "rules", Self.prometheusFolder.appendingPathComponent("stagesub-alerts.test.yml").path])
        #expect(tests.status == 0, "\(tests.output)")
    }

    @Test("Prometheus scrapes both appliances with the fleet token and sees each one's orchestras; fleet status prints one row per appliance")
    func prometheusScrapesTwoAppliances() throws {
        let prometheus = try #require(Self.tool("prometheus"), "install Debian's prometheus (./scripts/setup --test)")
        let promtool = try #require(Self.tool("promtool"))
        let folder = URL(fileURLWithPath: "/tmp/stagesub-fleet-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let token = folder.appendingPathComponent("metrics-token")
        try Data("fleet-\(UUID().uuidString)\n".utf8).write(to: token)

        // Given two appliances: one with the demo orchestra, one with a new orchestra that has a backup.
        let dataA = folder.appendingPathComponent("a").path, dataB = folder.appendingPathComponent("b").path
        #expect(try VersionTests.run(["demo"], environment: ["STAGESUB_DATA": dataA]).status == 0)
        #expect(try VersionTests.run(["init"], environment: ["STAGESUB_DATA": dataB]).status == 0)
        #expect(try VersionTests.run(["orchestra", "create", "gso", "--name", "Göteborgs Symfoniker", "--admin-email", "k@gso.se"],
                                     environment: ["STAGESUB_DATA": dataB]).status == 0)
        #expect(try VersionTests.run(["backup", "gso"], environment: ["STAGESUB_DATA": dataB]).status == 0)
        let a = try RunningAppliance(data: dataA, folder: folder, arguments: ["--metrics-token-file", token.path])
        defer { a.stop() }
        let b = try RunningAppliance(data: dataB, folder: folder, arguments: ["--metrics-token-file", token.path])
        defer { b.stop() }
        #expect(LoopbackHTTP.get(port: a.port, path: "/metrics")?.status == 401)
        let tokenText = try String(contentsOf: token, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(LoopbackHTTP.get(port: a.port, path: "/metrics", headers: ["Authorization": "Bearer \(tokenText)"])?.status == 200)

        // When Prometheus runs the shipped configuration (its paths pointed into the test's folder, scraping every second).
        let config = try String(contentsOf: Self.prometheusFolder.appendingPathComponent("prometheus.yml"), encoding: .utf8)
            .replacingOccurrences(of: "/etc/prometheus/stagesub-alerts.yml", with: Self.prometheusFolder.appendingPathComponent("stagesub-alerts.yml").path)
            .replacingOccurrences(of: "/etc/prometheus/stagesub-metrics-token", with: token.path)
            .replacingOccurrences(of: "/etc/prometheus/stagesub-targets.yml", with: folder.appendingPathComponent("targets.yml").path)
            .replacingOccurrences(of: "30s", with: "1s")
        try config.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        try "- targets: [\"127.0.0.1:\(a.port)\", \"127.0.0.1:\(b.port)\"]\n"
            .write(to: folder.appendingPathComponent("targets.yml"), atomically: true, encoding: .utf8)
        let check = try runTool(promtool, ["check", "config", folder.appendingPathComponent("prometheus.yml").path])
        #expect(check.status == 0, "\(check.output)")

        let prometheusPort = LoopbackHTTP.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: prometheus)
        server.arguments = ["--config.file=\(folder.appendingPathComponent("prometheus.yml").path)",
                            "--storage.tsdb.path=\(folder.appendingPathComponent("tsdb").path)",
                            "--web.listen-address=127.0.0.1:\(prometheusPort)"]
        let log = folder.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: log)
        server.standardError = server.standardOutput
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }

        // Then its HTTP API shows both appliances up, and each one's own orchestra.
        let musicians = Self.query(prometheusPort, "stagesub_orchestra_musicians") { $0.count == 2 }
        let byInstance = Dictionary(musicians.map { ($0.labels["instance"] ?? "", $0) }) { x, _ in x }
        #expect(byInstance["127.0.0.1:\(a.port)"]?.labels["orchestra"] == "demo")
        #expect((byInstance["127.0.0.1:\(a.port)"]?.value ?? 0) > 0)
        #expect(byInstance["127.0.0.1:\(b.port)"]?.labels["orchestra"] == "gso")
        let up = Self.query(prometheusPort, "up") { $0.count == 2 }
        #expect(up.allSatisfy { $0.value == 1 && $0.labels["job"] == "stagesub" })
        let backups = Self.query(prometheusPort, "stagesub_backup_last_success_timestamp_seconds") { !$0.isEmpty }
        #expect(backups.map { $0.labels["instance"] } == ["127.0.0.1:\(b.port)"])
        let rules = LoopbackHTTP.get(port: prometheusPort, path: "/api/v1/rules")?.body ?? ""
        #expect(rules.contains("StageSubBackupStale") && rules.contains("StageSubApplianceDown"))

        // And fleet status: one row per appliance, the unreachable one named, exit 1 because of it.
        let fleet = folder.appendingPathComponent("fleet.txt")
        let wrongToken = folder.appendingPathComponent("wrong-token")
        try Data("not-the-token\n".utf8).write(to: wrongToken)
        try """
            # appliance  token file
            http://127.0.0.1:\(a.port)  \(token.path)
            http://127.0.0.1:\(b.port)/ \(token.path)
            http://127.0.0.1:\(a.port)  \(wrongToken.path)
            http://127.0.0.1:\(LoopbackHTTP.freePort())
            """.write(to: fleet, atomically: true, encoding: .utf8)
        let table = try VersionTests.run(["fleet", "status", fleet.path])
        #expect(table.status == 1)
        let lines = table.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(table.out)")
        #expect(lines.first?.hasPrefix("APPLIANCE") == true)
        #expect(lines.contains { $0.contains(":\(a.port)") && $0.contains(" yes ") && $0.contains(" ok ") && $0.contains("never (demo)") })
        #expect(lines.contains { $0.contains(":\(b.port)") && $0.contains(" yes ") && $0.contains(" ok ") && $0.contains(" h ") })
        #expect(lines[3].contains("no: token refused (401)"))
        #expect(lines.last?.contains("no: cannot connect") == true)
        #expect(!table.out.contains(tokenText) && !table.err.contains(tokenText))
        let json = try VersionTests.run(["fleet", "status", "--json", fleet.path])
        let rows = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        #expect(rows?.count == 4)
        #expect(rows?.first?["orchestras"] as? Int == 1)
        #expect(rows?.first?["version"] as? String == (try VersionTests.run(["--version"]).out.trimmingCharacters(in: .newlines)))
    }

    struct Sample { var labels: [String: String]; var value: Double }

    /// Asks Prometheus for an instant vector until `ready` holds for it (scrapes start within an interval).
    static func query(_ port: Int, _ expression: String, until ready: ([Sample]) -> Bool) -> [Sample] {
        var samples: [Sample] = []
        for _ in 0..<240 {
            if let reply = LoopbackHTTP.get(port: port, path: "/api/v1/query?query=\(expression)"),
               let json = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
               let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] {
                samples = result.map { entry in
                    let value = (entry["value"] as? [Any])?.last as? String
                    return Sample(labels: entry["metric"] as? [String: String] ?? [:], value: value.flatMap(Double.init) ?? .nan)
                }
                if ready(samples) { return samples }
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return samples
    }

    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
