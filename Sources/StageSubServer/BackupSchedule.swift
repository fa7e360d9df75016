import Foundation
import Logging
import Synchronization
import ServiceLifecycle
import StageSubCore
import StageSubStore

/// When the server backs up every orchestra by itself, and how many of those backups stay.
public struct BackupSchedule: Sendable, Equatable {
    /// Time of day in `timeZone`, as hour and minute.
    public var hour = 3
    public var minute = 0
    /// The appliance's zone (the process's: `TZ`, else /etc/localtime).
    public var timeZone = TimeZone.current
    /// Backups kept per orchestra in its backup folder (manual ones count too; pre-migration ones never do).
    public var keep = 14
    /// Run through `/bin/sh -c` after each backup with the new file's path as `$1` (and in
    /// `STAGESUB_BACKUP_FILE`), to ship it off the box. Set on the command line only, never through the web.
    public var postBackupCommand: String?
    /// A post-backup command still running after this long is stopped (with everything it started) and
    /// counted as failed, so a hung upload cannot hold back the next night's backups.
    public var postBackupTimeout: TimeInterval = 3600

    public init() {}

    /// Parses `HH:MM` (24-hour clock).
    public static func timeOfDay(_ text: String) -> (hour: Int, minute: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        return (h, m)
    }

    /// The latest scheduled moment at or before `now`: today's slot, or yesterday's when today's is still
    /// ahead. On a day when the clock skips that time (DST), the calendar moves it to the next valid instant.
    public func latestSlot(atOrBefore now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func slot(on day: Date) -> Date {
            let start = calendar.startOfDay(for: day)
            return calendar.nextDate(after: start.addingTimeInterval(-1), matching: DateComponents(hour: hour, minute: minute, second: 0),
                                     matchingPolicy: .nextTime) ?? start
        }
        let today = slot(on: now)
        if today <= now { return today }
        return slot(on: calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: now)) ?? now)
    }

    /// Whether an orchestra is due: a slot has passed since its newest backup (or since it was created, so
    /// a new orchestra waits for the next slot). A box that was off at the slot catches up when it starts.
    public func isDue(now: Date, lastBackup: Date?, createdAt: Date) -> Bool {
        latestSlot(atOrBefore: now) > max(lastBackup ?? createdAt, createdAt)
    }
}

/// The background service that runs the schedule: checks every `checkInterval` which orchestras are due
/// and backs them up one after the other. Time comes from the injected clock, so tests move it.
public struct ScheduledBackupService: Service {
    public let appliance: Appliance
    public let schedule: BackupSchedule
    public let clock: any WallClock
    let checkInterval: Duration
    let logger: Logger
    /// Told of every orchestra's outcome (metrics).
    let onBackup: @Sendable (_ slug: String, _ succeeded: Bool, _ at: Date) -> Void
    let onPostBackupFailure: @Sendable () -> Void
    /// A failed orchestra is tried again after this long, not at every check: a lasting problem (a full
    /// disk) should not write an error into the log every minute.
    public static let retryAfterFailure: TimeInterval = 15 * 60
    private let failedAt = FailureMemory()

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var backedUp: [String] = []
        public var failed: [String] = []
        public var files: [URL] = []
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = await BackgroundThread.run("stagesub-backups") { runDue() }
            let pause = checkInterval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// Backs up every orchestra that is due now, keeps the newest `keep`, runs the post-backup command.
    /// One orchestra failing is logged and counted; the others go on.
    @discardableResult
    public func runDue() -> Pass {
        var pass = Pass()
        let now = clock.now()
        let orchestras: [Orchestra], last: [String: Date]
        do {
            orchestras = try appliance.registry.orchestras()
            last = try appliance.lastBackups()
        } catch {
            logger.error("scheduled backups: cannot read the registry", metadata: ["error": "\(error.message)"])
            return pass
        }
        for orchestra in orchestras where schedule.isDue(now: now, lastBackup: last[orchestra.slug], createdAt: orchestra.createdAt) {
            if let failed = failedAt.date(orchestra.slug), now.timeIntervalSince(failed) < Self.retryAfterFailure { continue }
            do {
                let result = try appliance.backup(orchestra.slug, keep: schedule.keep, reason: "scheduled")
                failedAt.set(orchestra.slug, nil)
                pass.backedUp.append(orchestra.slug)
                pass.files.append(result.file)
                onBackup(orchestra.slug, true, now)
                logger.notice("scheduled backup", metadata: ["orchestra": "\(orchestra.slug)", "file": "\(result.file.lastPathComponent)",
                                                            "removed": "\(result.removed.count)"])
                if let command = schedule.postBackupCommand { runPostBackup(command, file: result.file, slug: orchestra.slug) }
            } catch {
                failedAt.set(orchestra.slug, now)
                pass.failed.append(orchestra.slug)
                onBackup(orchestra.slug, false, now)
                logger.error("scheduled backup failed", metadata: ["orchestra": "\(orchestra.slug)", "error": "\(error.message)"])
                try? appliance.registry.log("error", "backup", "scheduled backup of \(orchestra.slug) failed: \(error.message)",
                                            orchestraId: orchestra.id, at: now)
            }
        }
        return pass
    }

    /// The operator's own shipping step. Its output goes to the server's log; a failure is logged and
    /// counted, and the backup stays (it is already complete on disk).
    func runPostBackup(_ command: String, file: URL, slug: String) {
        let process = Process()
        // coreutils' timeout runs the command in a process group of its own and stops the whole group.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=30", String(format: "%.1f", schedule.postBackupTimeout),
                             "/bin/sh", "-c", command, "stagesub-post-backup", file.path]
        var environment = ProcessInfo.processInfo.environment
        environment["STAGESUB_BACKUP_FILE"] = file.path
        environment["STAGESUB_BACKUP_ORCHESTRA"] = slug
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            onPostBackupFailure()
            logger.error("post-backup command could not start", metadata: ["orchestra": "\(slug)"])
            return
        }
        if process.terminationStatus == 124 || process.terminationReason == .uncaughtSignal {
            onPostBackupFailure()
            logger.error("post-backup command timed out and was stopped", metadata: ["orchestra": "\(slug)"])
        } else if process.terminationStatus != 0 {
            onPostBackupFailure()
            logger.error("post-backup command failed", metadata: ["orchestra": "\(slug)", "status": "\(process.terminationStatus)"])
        }
    }
}

/// When each orchestra's scheduled backup last failed (kept in memory: a restart tries again at once).
final class FailureMemory: Sendable {
    private let dates = Mutex<[String: Date]>([:])
    func date(_ slug: String) -> Date? { dates.withLock { $0[slug] } }
    func set(_ slug: String, _ date: Date?) { dates.withLock { $0[slug] = date } }
}

extension ServerState {
    /// The scheduled backups reporting into this server's metrics, or nil when the schedule is off.
    public func scheduledBackupService(checkInterval: Duration = .seconds(60)) -> ScheduledBackupService? {
        guard let schedule = configuration.backupSchedule else { return nil }
        return ScheduledBackupService(appliance: appliance, schedule: schedule, clock: clock, checkInterval: checkInterval,
                                      logger: Logger(label: "stagesub.backup"),
                                      onBackup: { [metrics] slug, ok, at in metrics.recordScheduledBackup(slug, succeeded: ok, at: at) },
                                      onPostBackupFailure: { [metrics] in metrics.recordPostBackupFailure() })
    }
}
