import ArgumentParser
import StageSubStore

/// The `stagesub` command line. `main` only parses; every subcommand calls into the library.
@main
struct StageSubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stagesub",
        abstract: "StageSub: substitute musicians for orchestras, in one self-contained appliance.",
        discussion: """
            Each orchestra lives in its own encrypted SQLite file under the data directory. \
            The server, orchestra lifecycle, backup and restore arrive as subcommands.
            """,
        version: StageSubVersion.current,
        subcommands: [Version.self])
}

extension StageSubCommand {
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version and the storage format.")

        func run() {
            print("stagesub \(StageSubVersion.current) (sealed storage format \(StageSubVersion.storageFormat))")
        }
    }
}
