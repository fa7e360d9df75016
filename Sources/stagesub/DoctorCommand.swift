import ArgumentParser
import Foundation
import StageSubStore

extension StageSubCommand {
    struct DoctorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check a data directory: permissions, key, disk space, every database, migrations, server, backup age, clock.",
            discussion: """
                Prints one line per finding (ok, WARN, FAIL) with what to do. Exits 1 when anything FAILs, 0 otherwise \
                (warnings included). Safe while the server runs.
                """)
        @OptionGroup var appliance: ApplianceOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let findings = Doctor.examine(appliance.directory)
            if json { try printJSON(findings) } else { for finding in findings { print(finding.line) } }
            let failed = findings.filter { $0.severity == .fail }.count
            if failed > 0 { throw StoreError(.damaged, "\(failed) of \(findings.count) checks failed") }
        }
    }
}
