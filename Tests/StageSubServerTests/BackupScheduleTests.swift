import Foundation
import Hummingbird
import HummingbirdTesting
import StageSubCore
import StageSubServer
import StageSubStore
import Testing

@Suite("Scheduled backups, with the appliance's clock moved by hand")
struct BackupScheduleTests {
    static let stockholm = TimeZone(identifier: "Europe/Stockholm")!

    /// A moment in Stockholm's local time.
    static func local(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = stockholm
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    @Test("HH:MM is read as a 24-hour time; anything else is refused", arguments: [
        ("03:00", true), ("23:59", true), ("00:00", true), ("24:00", false), ("3:00", false), ("03:60", false), ("off", false), ("", false),
    ])
    func timeOfDay(text: String, valid: Bool) {
        #expect((BackupSchedule.timeOfDay(text) != nil) == valid)
    }

    @Test("one backup per day, also on the days the clocks change")
    func daylightSaving() {
        var schedule = BackupSchedule()
        schedule.timeZone = Self.stockholm
        schedule.hour = 2
        schedule.minute = 30  // does not exist on 2027-03-28 in Stockholm
        var last: Date? = nil
        var backups = 0
        var now = Self.local("2027-03-25 12:00")
        while now < Self.local("2027-04-01 12:00") {
            if schedule.isDue(now: now, lastBackup: last, createdAt: Self.local("2027-03-25 12:00")) { backups += 1; last = now }
            now.addTimeInterval(600)
        }
        #expect(backups == 7)
    }

    @Test("a post-backup command that fails, or hangs past its time limit, is counted on /metrics; the backup stays",
          arguments: ["test -f \"$1\" && exit 3", "sleep 600"])
    func failingPostBackupCommand(command: String) async throws {
        let fixture = try Fixture()
        fixture.clock.set(Self.local("2027-01-15 09:00"))
        var configuration = ServerConfiguration()
        var schedule = BackupSchedule()
        schedule.timeZone = Self.stockholm
        schedule.postBackupCommand = command
        schedule.postBackupTimeout = 0.5  // the limit under test, not a wait for something to happen
        configuration.backupSchedule = schedule
        let state = ServerState(appliance: fixture.appliance, configuration: configuration, clock: fixture.clock)
        let service = try #require(state.scheduledBackupService())
        fixture.clock.set(Self.local("2027-01-16 03:00"))
        let pass = service.runDue()
        #expect(pass.backedUp.count == 2)
        #expect(pass.files.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
        let metrics = try await Application(router: state.buildRouter()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        }
        #expect(metrics.contains("stagesub_post_backup_command_failures_total 2"))
        #expect(metrics.contains("stagesub_scheduled_backup_failing{orchestra=\"alpha\"} 0"))
        state.pool.closeAll()
    }

    @Test("the server backs up every orchestra at 03:00, keeps the newest N apart from pre-migration backups, ships each file, and reports a failure")
    func scheduledDay() async throws {
        let fixture = try Fixture()
        let clock = fixture.clock, appliance = fixture.appliance
        clock.set(Self.local("2027-01-15 09:00"))
        let shipped = fixture.root.appendingPathComponent("shipped.txt")
        var configuration = ServerConfiguration()
        var schedule = BackupSchedule()
        schedule.timeZone = Self.stockholm
        schedule.keep = 3
        schedule.postBackupCommand = "echo \"$STAGESUB_BACKUP_ORCHESTRA $1\" >> '\(shipped.path)'"
        configuration.backupSchedule = schedule
        let state = ServerState(appliance: appliance, configuration: configuration, clock: clock)
        let service = try #require(state.scheduledBackupService())

        // Given orchestras made this morning: the next backup waits for tomorrow's 03:00.
        #expect(service.runDue().backedUp.isEmpty)
        clock.set(Self.local("2027-01-16 02:59"))
        #expect(service.runDue().backedUp.isEmpty)

        // When 03:00 comes, each orchestra is backed up once, and the post-backup command gets each file.
        clock.set(Self.local("2027-01-16 03:00"))
        let first = service.runDue()
        #expect(first.backedUp.sorted() == ["alpha", "beta"])
        #expect(service.runDue().backedUp.isEmpty)
        let lines = try String(contentsOf: shipped, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(Set(lines) == Set(first.files.map { file in "\(file.pathComponents.dropLast().last!) \(file.path)" }))
        #expect(first.files.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })

        // A backup made before a migration sits apart and outlives the rotation.
        let kept = appliance.directory.preMigrationBackupFolder("alpha").appendingPathComponent("alpha-before.stagesub-backup")
        _ = try appliance.backup("alpha", to: kept, reason: "before migration")

        // Then, a week of nights later, the newest three remain.
        for day in 17...22 {
            clock.set(Self.local("2027-01-\(day) 03:01"))
            #expect(service.runDue().backedUp.sorted() == ["alpha", "beta"])
        }
        let alphaFiles = appliance.backupFiles("alpha")
        #expect(alphaFiles.count == 3)
        #expect(alphaFiles.last?.lastPathComponent.contains("20270122T020100") == true)  // 03:01 in Stockholm is 02:01 UTC
        #expect(FileManager.default.fileExists(atPath: kept.path))

        // When beta's backup folder cannot be written, alpha still gets its backup; /metrics and the log say beta failed.
        let betaFolder = appliance.directory.backupFolder("beta")
        try FileManager.default.removeItem(at: betaFolder)
        try Data("not a folder".utf8).write(to: betaFolder)
        clock.set(Self.local("2027-01-23 03:00"))
        let failing = service.runDue()
        #expect(failing.backedUp == ["alpha"])
        #expect(failing.failed == ["beta"])
        #expect(try appliance.registry.recentLog(limit: 5).contains { $0.message.contains("scheduled backup of beta failed") })
        // A lasting failure is tried again a quarter of an hour later, not at every check.
        clock.advance(by: 60)
        #expect(service.runDue().failed.isEmpty)
        clock.advance(by: ScheduledBackupService.retryAfterFailure)
        #expect(service.runDue().failed == ["beta"])
        let metrics = try await Application(router: state.buildRouter()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        }
        #expect(metrics.contains("stagesub_scheduled_backup_failing{orchestra=\"beta\"} 1"))
        #expect(metrics.contains("stagesub_scheduled_backup_failures_total{orchestra=\"beta\"} 2"))
        #expect(metrics.contains("stagesub_scheduled_backup_failing{orchestra=\"alpha\"} 0"))
        let stamp = String(format: "%.3f", Self.local("2027-01-23 03:00").timeIntervalSince1970)
        #expect(metrics.contains("stagesub_backup_last_success_timestamp_seconds{orchestra=\"alpha\"} \(stamp)"))
        state.pool.closeAll()
    }
}
