import Foundation

/// `stagesub doctor`: looks a data directory over and says, one finding at a time, what is wrong and
/// what to do. It writes nothing of its own (opening the appliance finishes an interrupted restore, as
/// every command does).
public enum Doctor {
    /// One line of the report.
    public struct Finding: Sendable, Equatable, Encodable {
        public enum Severity: String, Sendable, Encodable { case ok, warn, fail }
        public let severity: Severity
        /// What was looked at: "data directory", "key", "disk", "registry", "orchestra gso", …
        public let subject: String
        public let detail: String
        /// What the operator should do; empty when nothing.
        public let advice: String

        public var line: String {
            let tag = ["ok": "ok  ", "warn": "WARN", "fail": "FAIL"][severity.rawValue]!
            return "\(tag)  \(subject): \(detail)" + (advice.isEmpty || severity == .ok ? "" : " — \(advice)")
        }
    }

    /// Free space below which the report fails, and below which it warns (fractions of the file system).
    static let failFree = 0.05, warnFree = 0.15
    /// A backup older than this is stale (a day and a little slack for the schedule).
    public static let staleBackup: TimeInterval = 26 * 3600

    public static func examine(_ directory: DataDirectory, now: Date = Date()) -> [Finding] {
        var findings: [Finding] = []
        func add(_ s: Finding.Severity, _ subject: String, _ detail: String, _ advice: String = "") {
            findings.append(Finding(severity: s, subject: subject, detail: detail, advice: advice))
        }
        let root = directory.root.path
        guard directory.isInitialised else {
            add(.fail, "data directory", "\(root) holds no registry.db", "run `stagesub init`, or point --data / STAGESUB_DATA at the right folder")
            return findings
        }
        findings += permissions(directory)
        findings.append(disk(directory))
        let serving = ServerLock.isHeld(directory)
        add(.ok, "server", serving ? "a server is running on this directory (it holds .server.lock)" : "no server is running on this directory",
            serving ? "" : "start it with `systemctl start stagesub` (or `stagesub serve`) when it should run")

        let appliance: Appliance
        do {
            appliance = try Appliance.open(directory, now: { now })
        } catch {
            add(.fail, "key", error.message, "")
            return findings
        }
        defer { try? appliance.close() }
        if directory.keyFile.path.hasPrefix(directory.root.path + "/") {
            add(.warn, "key", "the master key is inside the data directory (\(directory.keyFile.lastPathComponent))",
                "in production keep it elsewhere (a systemd credential, /etc/stagesub/master-key) and keep a copy off the box")
        } else {
            add(.ok, "key", "the master key opens the registry and lives outside the data directory")
        }

        let outcomes = (try? appliance.verify()) ?? []
        for outcome in outcomes {
            let subject = outcome.name == "registry" ? "registry" : "orchestra \(outcome.name)"
            let restore = outcome.name == "registry" ? "restore the data directory from a copy" : "restore it: stagesub restore <newest backup of \(outcome.name)>"
            if let error = outcome.error {
                add(.fail, subject, "does not open: \(error)", restore)
            } else if let report = outcome.report, report.isIntact {
                add(.ok, subject, "opens and verifies (\(report.pageCount) pages)")
            } else if let report = outcome.report {
                let first = report.firstBadPage.map { ", first page \($0)" } ?? ""
                add(.fail, subject, "damaged: \(report.badPages) pages fail authentication\(first)\(report.integrityProblems.isEmpty ? "" : "; integrity_check: \(report.integrityProblems[0])")",
                    "stop the server, then " + restore)
            }
        }
        findings += migrationsAndBackups(appliance, broken: Set(outcomes.filter { !$0.isIntact }.map(\.name)), serving: serving, now: now)
        findings.append(clock(appliance, now: now))
        return findings
    }

    /// Folders only the owner may enter, key files only the owner may read, and one owner for everything.
    static func permissions(_ directory: DataDirectory) -> [Finding] {
        var findings: [Finding] = []
        let fm = FileManager.default
        var rootInfo = stat()
        guard stat(directory.root.path, &rootInfo) == 0 else {
            return [Finding(severity: .fail, subject: "data directory", detail: "cannot read \(directory.root.path)", advice: "")]
        }
        var open: [String] = [], foreign: [String] = []
        var paths = [directory.root.path]
        if let walker = fm.enumerator(atPath: directory.root.path) {
            while let relative = walker.nextObject() as? String { paths.append(directory.root.appendingPathComponent(relative).path) }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            let isKey = path.hasSuffix(".key") || path == directory.keyFile.path
            if (isDirectory || isKey) && info.st_mode & 0o077 != 0 { open.append(path) }
            if info.st_uid != rootInfo.st_uid { foreign.append(path) }
        }
        if open.isEmpty {
            findings.append(Finding(severity: .ok, subject: "permissions", detail: "folders and key files are private to their owner", advice: ""))
        } else {
            let first = open[0]
            findings.append(Finding(severity: .fail, subject: "permissions",
                                    detail: "\(open.count) folder(s) or key file(s) open to other users, e.g. \(first)",
                                    advice: "chmod -R go-rwx \(directory.root.path)"))
        }
        if !foreign.isEmpty {
            findings.append(Finding(severity: .fail, subject: "ownership",
                                    detail: "\(foreign.count) file(s) belong to another user than the data directory's owner (uid \(rootInfo.st_uid)), e.g. \(foreign[0])",
                                    advice: "run commands as the owner (sudo -u stagesub …); fix with: chown -R \(rootInfo.st_uid):\(rootInfo.st_gid) \(directory.root.path)"))
        }
        return findings
    }

    static func disk(_ directory: DataDirectory) -> Finding {
        var info = statvfs()
        guard statvfs(directory.root.path, &info) == 0, info.f_blocks > 0 else {
            return Finding(severity: .warn, subject: "disk", detail: "cannot read the free space", advice: "")
        }
        let free = Double(info.f_bavail) / Double(info.f_blocks)
        let bytes = Int(info.f_bavail) * Int(info.f_frsize)
        let detail = String(format: "%.0f%% free (%.1f GiB)", free * 100, Double(bytes) / 1_073_741_824)
        if free < failFree { return Finding(severity: .fail, subject: "disk", detail: detail, advice: "free space now: backups and the WAL need room; move old backups off the box") }
        if free < warnFree { return Finding(severity: .warn, subject: "disk", detail: detail, advice: "free some space before it runs out (old backups, logs)") }
        return Finding(severity: .ok, subject: "disk", detail: detail, advice: "")
    }

    static func migrationsAndBackups(_ appliance: Appliance, broken: Set<String>, serving: Bool, now: Date) -> [Finding] {
        var findings: [Finding] = []
        let orchestras = (try? appliance.registry.orchestras()) ?? []
        let readable = orchestras.filter { !broken.contains($0.slug) }
        var pending: [String] = []
        for orchestra in readable {
            if let version = try? appliance.schemaVersion(of: orchestra.slug), version < OrchestraMigrations.currentVersion {
                pending.append(orchestra.slug)
            }
        }
        if pending.isEmpty {
            findings.append(Finding(severity: .ok, subject: "migrations", detail: "every orchestra is at schema \(OrchestraMigrations.currentVersion)", advice: ""))
        } else {
            findings.append(Finding(severity: .warn, subject: "migrations", detail: "pending for \(pending.joined(separator: ", "))",
                                    advice: serving ? "the server migrates each when first opened, after a backup" : "run `stagesub migrate` (each is backed up first)"))
        }
        let last = (try? appliance.lastBackups()) ?? [:]
        for orchestra in orchestras {
            let subject = "backup \(orchestra.slug)"
            if let date = last[orchestra.slug] {
                let hours = now.timeIntervalSince(date) / 3600
                let age = String(format: "%.1f h ago", hours)
                let newest = appliance.backupFiles(orchestra.slug).last
                if now.timeIntervalSince(date) > staleBackup {
                    findings.append(Finding(severity: .fail, subject: subject, detail: "newest backup is \(age)",
                                            advice: "check the server's log for scheduled-backup errors; back up now: stagesub backup \(orchestra.slug)"))
                } else if newest == nil {
                    findings.append(Finding(severity: .warn, subject: subject, detail: "made \(age), but no file is left in \(appliance.directory.backupFolder(orchestra.slug).path)",
                                            advice: "back up now: stagesub backup \(orchestra.slug)"))
                } else {
                    findings.append(Finding(severity: .ok, subject: subject, detail: "newest backup \(age)", advice: ""))
                }
            } else if now.timeIntervalSince(orchestra.createdAt) > staleBackup {
                findings.append(Finding(severity: .fail, subject: subject, detail: "never backed up",
                                        advice: "back up now: stagesub backup \(orchestra.slug); check that the server's schedule is on"))
            } else {
                findings.append(Finding(severity: .ok, subject: subject, detail: "no backup yet; the orchestra is new (the schedule makes the first)", advice: ""))
            }
        }
        return findings
    }

    /// The clock should not be behind what the appliance has already written down.
    static func clock(_ appliance: Appliance, now: Date) -> Finding {
        let newestLog = (try? appliance.registry.recentLog(limit: 1).first?.timestamp) ?? nil
        let newestBackup = ((try? appliance.lastBackups()) ?? [:]).values.max()
        let newest = [newestLog, newestBackup].compactMap { $0 }.max()
        if now < Date(timeIntervalSince1970: 1_704_067_200) {  // 2024-01-01
            return Finding(severity: .fail, subject: "clock", detail: "the system clock says \(now)", advice: "set the time (timedatectl set-ntp true)")
        }
        if let newest, newest.timeIntervalSince(now) > 300 {
            return Finding(severity: .fail, subject: "clock", detail: "the appliance recorded events up to \(Int(newest.timeIntervalSince(now) / 60)) min in the future",
                           advice: "the clock went backwards: fix the time (timedatectl set-ntp true) before the server acts on deadlines")
        }
        return Finding(severity: .ok, subject: "clock", detail: "not behind the newest recorded event", advice: "")
    }
}
