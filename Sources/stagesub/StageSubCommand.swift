import ArgumentParser
import Foundation
import StageSubServer
import StageSubStore

/// The `stagesub` command line. `main` only parses and maps errors to exit codes; every subcommand calls
/// into the library.
@main
struct StageSubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stagesub",
        abstract: "StageSub: substitute musicians for orchestras, in one self-contained appliance.",
        discussion: """
            Each orchestra lives in its own encrypted SQLite file under the data directory (--data, \
            STAGESUB_DATA; default ./stagesub-data), sealed with its own key; the master key file \
            (--key-file, STAGESUB_KEY_FILE; default DATA/appliance.key) wraps them all.
            Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage.
            """,
        version: StageSubVersion.current,
        subcommands: [Serve.self, Init.self, OrchestraCommand.self, UserCommand.self, Backup.self, Restore.self, Verify.self, SQL.self,
                      Migrate.self, Rekey.self, Demo.self, ImportMusicians.self, DoctorCommand.self, FleetCommand.self, Version.self])

    /// Exit codes as the operator expects them: 0 ok, 1 failure with one line on stderr, 2 bad usage.
    static func main() async {
        do {
            var command = try parseAsRoot()
            // Before any task starts. STAGESUB_EXECUTOR=pool keeps Swift's own pool, to compare (docs/benchmarks.md).
            if command is Serve, ProcessInfo.processInfo.environment["STAGESUB_EXECUTOR"] != "pool" {
                _ = ServerState.runTasksOnEventLoops()
            }
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as StoreError {
            fail(error.message)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            let message = message(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data("stagesub: \(message)\n".utf8)) }
            Foundation.exit(code.rawValue)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("stagesub: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

extension StageSubCommand {
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version and the storage format.")

        func run() {
            print("stagesub \(StageSubVersion.current) (sealed storage format \(StageSubVersion.storageFormat), "
                  + "orchestra schema \(OrchestraMigrations.currentVersion))")
        }
    }
}
