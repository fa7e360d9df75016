import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import StageSubStore

extension StageSubCommand {
    struct FleetCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fleet", abstract: "Look at several appliances at once, through their /metrics.",
            subcommands: [FleetStatus.self])
    }

    struct FleetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "One line per appliance: reachable, version, orchestras, health, oldest backup, due-work lag.",
            discussion: """
                FILE lists one appliance per line: its base URL, then optionally a file holding its metrics token \
                (the --metrics-token-file of that server; the same file Prometheus' credentials_file reads). \
                Lines starting with # are ignored. Exits 1 when an appliance is unreachable or not healthy.
                """)
        @Argument(help: "The list of appliances.") var file: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw StoreError(.fileMissing, "cannot read the fleet file \(file)")
            }
            var targets: [(url: String, token: String?)] = []
            for line in text.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard let url = fields.first, !url.hasPrefix("#") else { continue }
                let token = try fields.dropFirst().first.map { try readSecret(fromFile: $0, what: "metrics token") }
                targets.append((url.hasSuffix("/") ? String(url.dropLast()) : url, token))
            }
            let now = Date()
            let rows = await withTaskGroup(of: (Int, ApplianceStatus).self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask { (index, await ApplianceStatus.fetch(target.url, token: target.token, now: now)) }
                }
                var rows: [(Int, ApplianceStatus)] = []
                for await row in group { rows.append(row) }
                return rows.sorted { $0.0 < $1.0 }.map(\.1)
            }
            if json {
                try printJSON(rows)
            } else {
                printTable(["APPLIANCE", "REACHABLE", "VERSION", "ORCHESTRAS", "HEALTH", "OLDEST BACKUP", "LAG"], rows.map { $0.cells })
            }
            let bad = rows.filter { !$0.reachable || $0.health != "ok" }.count
            if bad > 0 { throw StoreError(.conflict, "\(bad) of \(rows.count) appliances need attention") }
        }
    }
}

/// What one appliance's `/metrics` says, boiled down for the table.
struct ApplianceStatus: Encodable, Sendable {
    var url: String
    var reachable = false
    var error: String?
    var version: String?
    var orchestras: Int?
    var health = "unknown"
    /// Hours since the orchestra with the oldest newest backup was backed up; nil when one never was.
    var oldestBackupHours: Double?
    var neverBackedUp: [String] = []
    var dueWorkLagSeconds: Double?

    var cells: [String] {
        let backup: String
        if !neverBackedUp.isEmpty { backup = "never (\(neverBackedUp.joined(separator: ",")))" }
        else { backup = oldestBackupHours.map { String(format: "%.1f h", $0) } ?? "-" }
        return [url, reachable ? "yes" : "no: \(error ?? "?")", version ?? "-", orchestras.map(String.init) ?? "-", health,
                reachable ? backup : "-", dueWorkLagSeconds.map { String(format: "%.0f s", $0) } ?? "-"]
    }

    static func fetch(_ base: String, token: String?, now: Date) async -> ApplianceStatus {
        var status = ApplianceStatus(url: base)
        var request = HTTPClientRequest(url: base + "/metrics")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 16 << 20)
            let code = Int(response.status.code)
            guard code == 200 else { status.error = code == 401 ? "token refused (401)" : "HTTP \(code)"; return status }
            status.reachable = true
            status.read(PrometheusText.samples(String(buffer: body)), now: now)
        } catch {
            status.error = "cannot connect"
        }
        return status
    }

    mutating func read(_ samples: [PrometheusText.Sample], now: Date) {
        func all(_ name: String) -> [PrometheusText.Sample] { samples.filter { $0.name == name } }
        version = all("stagesub_build_info").first?.labels["version"]
        let slugs = all("stagesub_orchestra_info").compactMap { $0.labels["orchestra"] }
        orchestras = slugs.count
        var problems: [String] = []
        if all("stagesub_registry_up").first?.value != 1 { problems.append("registry down") }
        let down = all("stagesub_orchestra_up").filter { $0.value != 1 }.count
        if down > 0 { problems.append("\(down) orchestra(s) down") }
        let failing = all("stagesub_scheduled_backup_failing").filter { $0.value == 1 }.count
        if failing > 0 { problems.append("\(failing) backup(s) failing") }
        let backups = Dictionary(all("stagesub_backup_last_success_timestamp_seconds").compactMap { s in s.labels["orchestra"].map { ($0, s.value) } }) { a, _ in a }
        neverBackedUp = slugs.filter { backups[$0] == nil }
        if let oldest = backups.values.min() { oldestBackupHours = (now.timeIntervalSince1970 - oldest) / 3600 }
        if let hours = oldestBackupHours, hours * 3600 > Doctor.staleBackup { problems.append("stale backup") }
        dueWorkLagSeconds = all("stagesub_orchestra_due_work_lag_seconds").map(\.value).max()
        health = problems.isEmpty ? "ok" : problems.joined(separator: ", ")
    }
}

/// Just enough of Prometheus' text format to read StageSub's own series: `name{a="b",…} value`.
enum PrometheusText {
    struct Sample: Sendable { var name: String; var labels: [String: String]; var value: Double }

    static func samples(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            // Our label values never hold quotes or commas (slugs, statuses, versions).
            for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { labels[String(kv[0])] = String(kv[1].dropFirst().dropLast()) }
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }
}
