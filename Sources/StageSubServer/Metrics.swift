import Foundation

/// Counters and histograms for Prometheus, kept in memory and rendered in its text format at `/metrics`.
final class Metrics: Sendable {
    /// Latency buckets in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var total = 0
    }

    struct Table {
        var requests: [String: Int] = [:]           // "method|route|status"
        var latency: [String: Histogram] = [:]      // "method|route"
        var failedLogins = 0
        var lastDueWorkPass: Date?
        var dueWorkFailures = 0
        var delivered = 0
        var deliveryRetries = 0
        var deliveryFailures = 0
        var webhooksDelivered = 0
        var webhooksFailed = 0
        /// Per orchestra: when the background service last processed it without an error.
        var dueWorkDone: [String: Date] = [:]
        var scheduledBackupFailures: [String: Int] = [:]
        /// Per orchestra: whether its latest scheduled backup failed.
        var scheduledBackupFailing: [String: Bool] = [:]
        var postBackupFailures = 0
    }

    private let table = Mutex(Table())

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        table.withLock { t in
            t.requests["\(method)|\(route)|\(status)", default: 0] += 1
            var histogram = t.latency["\(method)|\(route)"] ?? Histogram()
            if let index = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            t.latency["\(method)|\(route)"] = histogram
        }
    }

    func recordFailedLogin() { table.withLock { $0.failedLogins += 1 } }

    func recordDueWorkPass(at date: Date, failures: Int) {
        table.withLock { $0.lastDueWorkPass = date; $0.dueWorkFailures += failures }
    }

    func recordDueWork(done slugs: [String], at date: Date) {
        table.withLock { t in for slug in slugs { t.dueWorkDone[slug] = date } }
    }

    func recordScheduledBackup(_ slug: String, succeeded: Bool, at date: Date) {
        table.withLock { t in
            t.scheduledBackupFailing[slug] = !succeeded
            if !succeeded { t.scheduledBackupFailures[slug, default: 0] += 1 }
        }
    }

    func recordPostBackupFailure() { table.withLock { $0.postBackupFailures += 1 } }

    func recordDelivery(sent: Int, retrying: Int, failed: Int, webhooksDelivered: Int = 0, webhooksFailed: Int = 0) {
        table.withLock {
            $0.delivered += sent; $0.deliveryRetries += retrying; $0.deliveryFailures += failed
            $0.webhooksDelivered += webhooksDelivered; $0.webhooksFailed += webhooksFailed
        }
    }

    var failedLogins: Int { table.withLock { $0.failedLogins } }

    /// The exposition text; `gauges` are sampled by the caller at scrape time.
    func render(now: Date, openDatabases: Int, orchestras: [OrchestraSeries], appliance: ApplianceSeries) -> String {
        let t = table.withLock { $0 }
        var out = ""
        func label(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        }
        out += "# HELP stagesub_http_requests_total HTTP requests by method, route and status.\n# TYPE stagesub_http_requests_total counter\n"
        for (key, count) in t.requests.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: "|", maxSplits: 2).map(String.init)
            out += "stagesub_http_requests_total{method=\"\(p[0])\",route=\"\(label(p[1]))\",status=\"\(p[2])\"} \(count)\n"
        }
        out += "# HELP stagesub_http_request_duration_seconds Time to answer, by method and route.\n# TYPE stagesub_http_request_duration_seconds histogram\n"
        for (key, histogram) in t.latency.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: "|", maxSplits: 1).map(String.init)
            let labels = "method=\"\(p[0])\",route=\"\(label(p[1]))\""
            var cumulative = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += histogram.counts[index]
                out += "stagesub_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "stagesub_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.total)\n"
            out += "stagesub_http_request_duration_seconds_sum{\(labels)} \(histogram.sum)\n"
            out += "stagesub_http_request_duration_seconds_count{\(labels)} \(histogram.total)\n"
        }
        out += "# HELP stagesub_open_orchestra_databases Orchestra databases open now.\n# TYPE stagesub_open_orchestra_databases gauge\n"
        out += "stagesub_open_orchestra_databases \(openDatabases)\n"
        out += "# HELP stagesub_due_work_lag_seconds Seconds since the background service last finished a pass (-1: none yet).\n"
        out += "# TYPE stagesub_due_work_lag_seconds gauge\n"
        out += "stagesub_due_work_lag_seconds \(t.lastDueWorkPass.map { max(0, now.timeIntervalSince($0)) } ?? -1)\n"
        out += "# HELP stagesub_due_work_failures_total Orchestras the background service could not process.\n# TYPE stagesub_due_work_failures_total counter\n"
        out += "stagesub_due_work_failures_total \(t.dueWorkFailures)\n"
        out += "# HELP stagesub_failed_logins_total Logins refused (wrong password, unknown user, throttled).\n# TYPE stagesub_failed_logins_total counter\n"
        out += "stagesub_failed_logins_total \(t.failedLogins)\n"
        out += "# HELP stagesub_emails_sent_total Messages (email and SMS; the name is kept for existing alerts) a server or provider accepted.\n# TYPE stagesub_emails_sent_total counter\n"
        out += "stagesub_emails_sent_total \(t.delivered)\n"
        out += "# HELP stagesub_email_attempts_failed_total Delivery attempts that failed and will be retried.\n# TYPE stagesub_email_attempts_failed_total counter\n"
        out += "stagesub_email_attempts_failed_total \(t.deliveryRetries)\n"
        out += "# HELP stagesub_emails_failed_total Messages (email and SMS) given up (refused for good, or out of attempts).\n# TYPE stagesub_emails_failed_total counter\n"
        out += "stagesub_emails_failed_total \(t.deliveryFailures)\n"
        out += "# HELP stagesub_webhooks_delivered_total Outgoing webhook deliveries an orchestra's endpoint answered with 2xx.\n# TYPE stagesub_webhooks_delivered_total counter\n"
        out += "stagesub_webhooks_delivered_total \(t.webhooksDelivered)\n"
        out += "# HELP stagesub_webhooks_failed_total Outgoing webhook deliveries given up.\n# TYPE stagesub_webhooks_failed_total counter\n"
        out += "stagesub_webhooks_failed_total \(t.webhooksFailed)\n"
        out += Self.renderFleet(now: now, table: t, orchestras: orchestras, appliance: appliance)
        return out
    }
}
