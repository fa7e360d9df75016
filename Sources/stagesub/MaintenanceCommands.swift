import ArgumentParser
import Foundation
import StageSubStore

extension StageSubCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authenticate every page and run integrity_check: the registry and all orchestras, or those named.",
            discussion: "Exits 1 and names the faulty pages when anything is wrong. Best run while the server is stopped or quiet.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "Orchestras to verify (default: the registry and every orchestra).") var slugs: [String] = []

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let outcomes = try app.verify(slugs)
            for outcome in outcomes {
                if let error = outcome.error {
                    print("\(outcome.name): FAILED: \(error)")
                } else if let report = outcome.report, report.isIntact {
                    print("\(outcome.name): ok (\(report.pageCount) pages)")
                } else if let report = outcome.report {
                    var parts: [String] = []
                    if report.badPages > 0 {
                        parts.append("\(report.badPages) of \(report.pageCount) pages fail authentication, first page \(report.firstBadPage ?? 0)")
                    }
                    parts += report.integrityProblems.prefix(5)
                    print("\(outcome.name): DAMAGED: " + parts.joined(separator: "; "))
                }
            }
            let bad = outcomes.filter { !$0.isIntact }.count
            if bad > 0 { throw StoreError(.damaged, "\(bad) of \(outcomes.count) databases failed verification") }
        }
    }

    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql", abstract: "Run one read-only SQL statement on an orchestra's database, or on the registry.")
        @OptionGroup var appliance: ApplianceOptions
        @Flag(help: "Query the registry instead of an orchestra.") var registry = false
        @Argument(help: "The orchestra's slug (omit with --registry), then the statement.") var arguments: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if arguments.count != (registry ? 1 : 2) {
                throw ValidationError(registry ? "usage: stagesub sql --registry \"SELECT …\"" : "usage: stagesub sql SLUG \"SELECT …\"")
            }
        }

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let result = try app.query(arguments.last!, orchestra: registry ? nil : arguments[0])
            if json {
                let objects = result.rows.map { row in Dictionary(uniqueKeysWithValues: zip(result.columns, row)) }
                return try printJSON(objects)
            }
            printTable(result.columns, result.rows.map { $0.map { $0 ?? "NULL" } })
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and apply pending migrations for every orchestra (each backed up first).")
        @OptionGroup var appliance: ApplianceOptions
        @Flag(help: "Only show what would be applied.") var dryRun = false

        func run() throws {
            if !dryRun { try ServerLock.refuseWhileServing(appliance.directory, what: "migrating", instead: "let the server migrate: it migrates an orchestra (after a backup) when it first opens it") }
            let app = try appliance.open()
            defer { try? app.close() }
            for (slug, pending) in try app.pendingMigrations() {
                if pending.isEmpty {
                    print("\(slug): up to date (schema \(OrchestraMigrations.currentVersion))")
                } else if dryRun {
                    print("\(slug): would apply \(pending.joined(separator: ", "))")
                } else {
                    let applied = try app.migrateOrchestra(slug)
                    print("\(slug): applied \(applied.joined(separator: ", "))")
                }
            }
        }
    }

    struct Rekey: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt an orchestra under a new key, or rotate the master key (stop the server first).",
            discussion: """
                --orchestra SLUG: a new random data key; the database is re-encrypted and swapped in atomically.
                --master --new-key-file F: every orchestra key is re-wrapped and the registry re-encrypted under \
                the key in F (created if missing); the configured key file then holds the new key. Backups made \
                before the rotation restore only with the old key file or their passphrase.
                """)
        @OptionGroup var appliance: ApplianceOptions
        @Option(help: "The orchestra to re-encrypt.") var orchestra: String?
        @Flag(help: "Rotate the master key.") var master = false
        @Option(help: ArgumentHelp("The new master key file (with --master).", valueName: "file")) var newKeyFile: String?

        func validate() throws {
            if master == (orchestra != nil) { throw ValidationError("give --orchestra SLUG, or --master --new-key-file F") }
            if master && newKeyFile == nil { throw ValidationError("--master needs --new-key-file F") }
        }

        func run() throws {
            try ServerLock.refuseWhileServing(appliance.directory, what: "a rekey", instead: "run it during a maintenance window")
            let app = try appliance.open()
            if let orchestra {
                defer { try? app.close() }
                try app.rekeyOrchestra(orchestra)
                print("Re-encrypted \(orchestra) with a new data key")
            } else if let newKeyFile {
                try app.rotateMasterKey(newKeyFile: URL(fileURLWithPath: newKeyFile))
                print("Master key rotated; \(app.directory.keyFile.path) now holds the new key.")
                print("Backups made before now restore only with the old key file or their passphrase.")
            }
        }
    }
}
