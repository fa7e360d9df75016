import ArgumentParser
import Foundation
import Logging
import StageSubServer
import StageSubStore

extension StageSubCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the appliance: web pages, JSON API, musicians' answer pages and the background service.",
            discussion: """
                Stops gracefully on SIGTERM or SIGINT: requests in flight finish and every database closes cleanly. \
                With --demo, initialises the data directory and the demo orchestra when missing, and prints where \
                to log in and with what (the demo admin's password is new on every --demo start).
                """)
        @OptionGroup var appliance: ApplianceOptions
        @Option(help: "Address to listen on (env STAGESUB_HOST).") var host: String?
        @Option(help: "Port to listen on (env STAGESUB_PORT).") var port: Int?
        @Option(help: ArgumentHelp("The address musicians' links start with (default http://HOST:PORT).", valueName: "url"))
        var publicURL: String?
        @Flag(help: "Mark the session cookie Secure (when TLS terminates in front of the appliance).") var secureCookies = false
        @Flag(help: "Set up the demo orchestra when missing and print how to log in; its clock can be moved forward.") var demo = false
        @Option(help: ArgumentHelp("A reverse proxy whose X-Forwarded-For names the client (repeat for several; env STAGESUB_TRUSTED_PROXY, comma-separated).",
                                   valueName: "address"))
        var trustedProxy: [String] = []
        @Option(help: ArgumentHelp("Back up every orchestra daily at this time in the appliance's zone, or `off` (env STAGESUB_BACKUP_TIME; default 03:00).",
                                   valueName: "HH:MM|off"))
        var backupTime: String?
        @Option(help: ArgumentHelp("Backups kept per orchestra by the schedule (env STAGESUB_BACKUP_KEEP; default 14).", valueName: "n"))
        var backupKeep: Int?
        @Option(help: ArgumentHelp("Run through /bin/sh -c after each scheduled backup, the new file as $1 (env STAGESUB_POST_BACKUP_COMMAND).",
                                   valueName: "command"))
        var postBackupCommand: String?
        @Option(help: ArgumentHelp("Require `Authorization: Bearer <first line of FILE>` on /metrics (env STAGESUB_METRICS_TOKEN_FILE).",
                                   valueName: "file"))
        var metricsTokenFile: String?

        func run() async throws {
            // A launcher may hand over SIGTERM/SIGINT blocked (a child inherits the mask; test runners do this):
            // the server must still stop on them.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGTERM)
            sigaddset(&signals, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            let environment = ProcessInfo.processInfo.environment
            var configuration = ServerConfiguration()
            configuration.host = host ?? environment["STAGESUB_HOST"] ?? "127.0.0.1"
            let portText = port.map(String.init) ?? environment["STAGESUB_PORT"] ?? "8080"
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ValidationError("--port must be from 1 to 65535")
            }
            configuration.port = port
            configuration.publicURL = publicURL ?? environment["STAGESUB_PUBLIC_URL"]
            configuration.secureCookies = secureCookies
            configuration.demo = demo
            configuration.trustedProxies = trustedProxy.isEmpty
                ? (environment["STAGESUB_TRUSTED_PROXY"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                : trustedProxy
            configuration.backupSchedule = try backupSchedule(environment)
            if let file = metricsTokenFile ?? environment["STAGESUB_METRICS_TOKEN_FILE"] {
                configuration.metricsToken = try readSecret(fromFile: file, what: "metrics token")
            }
            let directory = appliance.directory
            var superadminPassword: String?
            if demo && !directory.isInitialised {
                let initialised = try Appliance.initialise(directory)
                superadminPassword = initialised.generatedPassword
                try initialised.appliance.close()
            }
            let lock = try ServerLock.acquire(directory)
            defer { lock.release() }
            let app = try appliance.open()
            defer { try? app.close() }
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = environment["STAGESUB_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
                return handler
            }
            let logger = Logger(label: "stagesub")
            // Orchestra folders copied in while the appliance was stopped are picked up now.
            for slug in (try? app.unregisteredOrchestraFolders()) ?? [] {
                do {
                    _ = try app.adoptOrchestra(slug)
                    logger.notice("adopted orchestra folder", metadata: ["orchestra": "\(slug)"])
                } catch {
                    logger.error("could not adopt orchestra folder", metadata: ["orchestra": "\(slug)", "reason": "\(error.message)"])
                }
            }
            var demoPassword: String?
            if demo {
                if try app.registry.orchestra(slug: DemoOrchestra.slug) == nil {
                    demoPassword = try DemoOrchestra.create(on: app, answerBaseURL: configuration.baseURLForLinks).created.generatedPassword
                } else {
                    demoPassword = try app.setPassword(of: "demo", to: nil)
                }
            }
            let state = ServerState(appliance: app, configuration: configuration, logger: logger)
            logger.info("starting", metadata: ["version": "\(StageSubVersion.current)", "tasks": "\(ServerState.executorName)"])
            say("StageSub \(StageSubVersion.current) on \(configuration.baseURLForLinks)  (data: \(directory.root.path))")
            if let superadminPassword { say("Superadmin:  admin / \(superadminPassword)   (shown once)") }
            if let demoPassword {
                say("Demo orchestra: log in at \(configuration.baseURLForLinks)/login as  demo / \(demoPassword)")
                say("API: POST /api/v1/login with {\"username\":\"demo\",\"password\":\"…\"}; document at /api/v1/openapi.json")
            }
            if let schedule = configuration.backupSchedule {
                say("Scheduled backups: daily at \(String(format: "%02d:%02d", schedule.hour, schedule.minute)) "
                    + "\(schedule.timeZone.identifier), newest \(schedule.keep) kept")
            }
            try await state.run()
        }

        /// The schedule from the flags and their environment twins.
        func backupSchedule(_ environment: [String: String]) throws -> BackupSchedule? {
            var schedule = BackupSchedule()
            let time = backupTime ?? environment["STAGESUB_BACKUP_TIME"] ?? "03:00"
            if time == "off" { return nil }
            guard let (hour, minute) = BackupSchedule.timeOfDay(time) else { throw ValidationError("--backup-time must be HH:MM (24-hour) or off") }
            schedule.hour = hour
            schedule.minute = minute
            let keepText = backupKeep.map(String.init) ?? environment["STAGESUB_BACKUP_KEEP"] ?? "14"
            guard let keep = Int(keepText), keep >= 1 else { throw ValidationError("--backup-keep must be at least 1") }
            schedule.keep = keep
            schedule.postBackupCommand = (postBackupCommand ?? environment["STAGESUB_POST_BACKUP_COMMAND"]).flatMap { $0.isEmpty ? nil : $0 }
            return schedule
        }
    }
}

/// Writes a line to standard output at once (a server's stdout is often a pipe, where print would wait).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
