import ArgumentParser
import Foundation
import StageSubStore

/// A progress line on the terminal (stderr), only when stderr is a terminal.
func terminalProgress(_ label: String) -> Appliance.Progress? {
    guard isatty(2) == 1 else { return nil }
    return { phase, done, total in
        let percent = total > 0 ? min(100, done * 100 / total) : 0
        FileHandle.standardError.write(Data("\r\(label): \(phase) \(percent)%   ".utf8))
    }
}

func endProgressLine() {
    if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

extension StageSubCommand {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up one orchestra (or all) into a single sealed file, while the appliance keeps running.",
            discussion: """
                Default location: DATA/backups/SLUG/SLUG-<UTC time>.stagesub-backup. The backup's key is sealed \
                with the master key; with --passphrase-file also with the passphrase, so it can be restored on \
                an appliance with another master key.
                """)
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "The orchestra to back up.") var slug: String?
        @Flag(help: "Back up every orchestra.") var all = false
        @Option(help: ArgumentHelp("Write the backup to this file instead.", valueName: "file")) var out: String?
        @Option(help: ArgumentHelp("A file whose first line is a passphrase that can also open the backup.", valueName: "file"))
        var passphraseFile: String?
        @Option(help: "Keep only the newest N backups in the orchestra's backup folder.") var keep: Int?

        func validate() throws {
            if all == (slug != nil) { throw ValidationError("give an orchestra's slug, or --all") }
            if all && out != nil { throw ValidationError("--out names one file; it cannot be used with --all") }
            if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
        }

        func backUp(_ slug: String, app: Appliance, passphrase: String?) throws {
            let result = try app.backup(slug, to: out.map { URL(fileURLWithPath: $0) }, passphrase: passphrase, keep: keep,
                                        progress: terminalProgress("backing up \(slug)"))
            endProgressLine()
            print("\(slug): \(result.file.path) (\(formatBytes(result.manifest.databaseBytes)), \(result.manifest.pageCount) pages)"
                  + (result.removed.isEmpty ? "" : "; removed \(result.removed.count) older"))
        }

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let passphrase = try passphraseFile.map { try readSecret(fromFile: $0, what: "passphrase") }
            let slugs = all ? try app.registry.orchestras().map(\.slug) : [slug!]
            var failed = 0
            for slug in slugs {
                do {
                    try backUp(slug, app: app, passphrase: passphrase)
                } catch {
                    endProgressLine()
                    guard all else { throw error }
                    FileHandle.standardError.write(Data("stagesub: \(slug): \(String(describing: error))\n".utf8))
                    failed += 1
                }
            }
            if failed > 0 { throw StoreError(.io, "\(failed) of \(slugs.count) backups failed") }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore an orchestra from a backup file, verified first and swapped in atomically.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "The .stagesub-backup file.") var file: String
        @Option(name: .customLong("as"), help: "Restore under this slug instead of the one in the backup.") var slug: String?
        @Option(help: ArgumentHelp("A file whose first line is the backup's passphrase (needed on another appliance).", valueName: "file"))
        var passphraseFile: String?

        func run() throws {
            try ServerLock.refuseWhileServing(appliance.directory, what: "a restore", instead: "restore through the API: POST /api/v1/admin/backups/{slug}/{file}/restore")
            let app = try appliance.open()
            defer { try? app.close() }
            let passphrase = try passphraseFile.map { try readSecret(fromFile: $0, what: "passphrase") }
            let result = try app.restore(URL(fileURLWithPath: file), as: slug, passphrase: passphrase,
                                         progress: terminalProgress("restoring"))
            endProgressLine()
            print("Restored \(result.slug) from the backup of \(result.manifest.createdAt) (\(result.manifest.name))"
                  + (result.replaced ? ", replacing the previous data" : ", as a new orchestra")
                  + (result.migrated > 0 ? "; applied \(result.migrated) migrations" : ""))
            if try !result.replaced && app.users(orchestra: result.slug).isEmpty {
                print("It has no users on this appliance yet: stagesub user create --orchestra \(result.slug) --username U --email E --role admin")
            }
        }
    }
}

extension StageSubCommand.OrchestraCommand {
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an orchestra, after a final backup.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument var slug: String
        @Flag(help: "Confirm the deletion.") var yes = false

        func validate() throws {
            if !yes { throw ValidationError("deleting \(slug) removes its data from this appliance (after a final backup); confirm with --yes") }
        }

        func run() throws {
            try ServerLock.refuseWhileServing(appliance.directory, what: "deleting an orchestra", instead: "suspend it through the API instead")
            let app = try appliance.open()
            defer { try? app.close() }
            let final = try app.deleteOrchestra(slug, confirmed: yes)
            print("Deleted \(slug). Final backup: \(final.file.path)")
        }
    }

    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an orchestra folder copied from a stopped appliance with the same master key.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "The folder's name under DATA/orchestras/.") var slug: String

        func run() throws {
            try ServerLock.refuseWhileServing(appliance.directory, what: "adopting a folder", instead: "restart the server: it adopts new folders when it starts")
            let app = try appliance.open()
            defer { try? app.close() }
            let orchestra = try app.adoptOrchestra(slug)
            print("Adopted \(orchestra.slug) (\(orchestra.name))")
            if try app.users(orchestra: slug).isEmpty {
                print("It has no users on this appliance yet: stagesub user create --orchestra \(slug) --username U --email E --role admin")
            }
        }
    }
}
