import Foundation
import Hummingbird
import StageSubStore

/// What a scrape samples of one orchestra (every orchestra on the appliance, open or not).
struct OrchestraSeries: Sendable {
    var slug: String
    var status: String
    var createdAt: Date
    /// Nil when its database does not open (then `stagesub_orchestra_up` is 0).
    var gauges: OrchestraGauges?
    var databaseBytes: Int
    var lastBackup: Date?
}

/// What a scrape samples of the appliance itself.
struct ApplianceSeries: Sendable {
    var version: String
    var startedAt: Date
    var registryReadable: Bool
    var diskFreeBytes: Int?
    var diskTotalBytes: Int?
}

extension Metrics {
    /// Per-orchestra series for a fleet's Prometheus, and the appliance's own (version, disk, backups).
    static func renderFleet(now: Date, table t: Table, orchestras: [OrchestraSeries], appliance: ApplianceSeries) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) { out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" }
        func seconds(_ date: Date) -> String { String(format: "%.3f", date.timeIntervalSince1970) }
        func each(_ name: String, _ value: (OrchestraSeries) -> String?) {
            for o in orchestras { if let v = value(o) { out += "\(name){orchestra=\"\(o.slug)\"} \(v)\n" } }
        }
        family("stagesub_build_info", "gauge", "The running version (value 1).")
        out += "stagesub_build_info{version=\"\(appliance.version)\"} 1\n"
        family("stagesub_start_time_seconds", "gauge", "When this server started (Unix time).")
        out += "stagesub_start_time_seconds \(seconds(appliance.startedAt))\n"
        family("stagesub_registry_up", "gauge", "1 when the registry is readable.")
        out += "stagesub_registry_up \(appliance.registryReadable ? 1 : 0)\n"
        if let free = appliance.diskFreeBytes, let total = appliance.diskTotalBytes {
            family("stagesub_data_disk_free_bytes", "gauge", "Bytes free for the data directory.")
            out += "stagesub_data_disk_free_bytes \(free)\n"
            family("stagesub_data_disk_size_bytes", "gauge", "Size of the file system holding the data directory.")
            out += "stagesub_data_disk_size_bytes \(total)\n"
        }
        family("stagesub_orchestra_info", "gauge", "Each orchestra on the appliance and its status (value 1).")
        for o in orchestras { out += "stagesub_orchestra_info{orchestra=\"\(o.slug)\",status=\"\(o.status)\"} 1\n" }
        family("stagesub_orchestra_up", "gauge", "1 when the orchestra's database opens and answers.")
        each("stagesub_orchestra_up") { $0.gauges == nil ? "0" : "1" }
        family("stagesub_orchestra_created_timestamp_seconds", "gauge", "When the orchestra was created (Unix time).")
        each("stagesub_orchestra_created_timestamp_seconds") { seconds($0.createdAt) }
        family("stagesub_orchestra_musicians", "gauge", "Active musicians.")
        each("stagesub_orchestra_musicians") { $0.gauges.map { "\($0.musicians)" } }
        family("stagesub_orchestra_open_needs", "gauge", "Needs still being filled.")
        each("stagesub_orchestra_open_needs") { $0.gauges.map { "\($0.openNeeds)" } }
        family("stagesub_orchestra_pending_requests", "gauge", "Requests waiting for a musician's answer.")
        each("stagesub_orchestra_pending_requests") { $0.gauges.map { "\($0.pendingRequests)" } }
        family("stagesub_outbox_depth", "gauge", "Messages waiting for delivery.")
        each("stagesub_outbox_depth") { $0.gauges.map { "\($0.outboxDepth)" } }
        family("stagesub_orchestra_database_bytes", "gauge", "Bytes on disk of the orchestra's database and its WAL.")
        each("stagesub_orchestra_database_bytes") { "\($0.databaseBytes)" }
        family("stagesub_backup_last_success_timestamp_seconds", "gauge", "When the orchestra's newest backup was made (Unix time; absent before the first).")
        each("stagesub_backup_last_success_timestamp_seconds") { $0.lastBackup.map(seconds) }
        family("stagesub_orchestra_due_work_lag_seconds", "gauge", "Seconds since the background service last processed the orchestra without an error (-1: not yet).")
        each("stagesub_orchestra_due_work_lag_seconds") { o in
            guard o.status == "active" else { return nil }
            return t.dueWorkDone[o.slug].map { String(format: "%.3f", max(0, now.timeIntervalSince($0))) } ?? "-1"
        }
        family("stagesub_scheduled_backup_failing", "gauge", "1 when the orchestra's latest scheduled backup failed.")
        each("stagesub_scheduled_backup_failing") { t.scheduledBackupFailing[$0.slug] == true ? "1" : "0" }
        family("stagesub_scheduled_backup_failures_total", "counter", "Scheduled backups that failed since the server started.")
        each("stagesub_scheduled_backup_failures_total") { "\(t.scheduledBackupFailures[$0.slug] ?? 0)" }
        family("stagesub_post_backup_command_failures_total", "counter", "Runs of the post-backup command that failed.")
        out += "stagesub_post_backup_command_failures_total \(t.postBackupFailures)\n"
        return out
    }
}

extension ServerState {
    /// Samples every orchestra for a scrape. A database that does not open shows as down, not as an error.
    func sampleOrchestras() -> [OrchestraSeries] {
        let orchestras = (try? appliance.registry.orchestras()) ?? []
        let lastBackups = (try? appliance.lastBackups()) ?? [:]
        return orchestras.map { orchestra in
            OrchestraSeries(slug: orchestra.slug, status: orchestra.status.rawValue, createdAt: orchestra.createdAt,
                            gauges: try? gateway(orchestra).gauges(), databaseBytes: appliance.sizeOnDisk(orchestra.slug),
                            lastBackup: lastBackups[orchestra.slug])
        }
    }

    func sampleAppliance() -> ApplianceSeries {
        var disk = statvfs()
        let ok = statvfs(appliance.directory.root.path, &disk) == 0
        return ApplianceSeries(version: StageSubVersion.current, startedAt: startedAt, registryReadable: appliance.registry.isReadable(),
                               diskFreeBytes: ok ? Int(disk.f_bavail) * Int(disk.f_frsize) : nil,
                               diskTotalBytes: ok ? Int(disk.f_blocks) * Int(disk.f_frsize) : nil)
    }
}

extension ServerState {
    /// With a metrics token configured, `/metrics` wants `Authorization: Bearer <token>`; the comparison takes
    /// the same time wherever the first wrong byte is.
    func checkMetricsToken(_ request: Request) throws {
        guard let token = configuration.metricsToken else { return }
        let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        let a = Array(given.utf8), b = Array(token.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<b.count { difference |= b[i] ^ (i < a.count ? a[i] : 0) }
        guard difference == 0 else {
            throw APIError(.unauthorized, "metrics need the appliance's metrics token", headers: [.wwwAuthenticate: "Bearer"])
        }
    }
}
