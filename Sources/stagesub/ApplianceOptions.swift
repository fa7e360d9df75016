import ArgumentParser
import Foundation
import StageSubStore

/// Where the appliance lives. Every flag has an environment twin.
struct ApplianceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The data directory (env STAGESUB_DATA; default ./stagesub-data).", valueName: "dir"))
    var data: String?

    @Option(name: .customLong("key-file"), help: ArgumentHelp(
        "The master key file (env STAGESUB_KEY_FILE; else $CREDENTIALS_DIRECTORY/master-key when systemd passes a credential; else DATA/appliance.key).",
        valueName: "file"))
    var keyFile: String?

    var directory: DataDirectory {
        let environment = ProcessInfo.processInfo.environment
        return DataDirectory(root: data ?? environment["STAGESUB_DATA"],
                             keyFile: keyFile ?? environment["STAGESUB_KEY_FILE"] ?? Self.credentialKeyFile(environment))
    }

    /// The key systemd hands over with `LoadCredential=master-key:…`, so it never has to live in the data directory.
    static func credentialKeyFile(_ environment: [String: String]) -> String? {
        guard let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty else { return nil }
        return URL(fileURLWithPath: folder).appendingPathComponent("master-key").path
    }

    func open() throws -> Appliance { try Appliance.open(directory) }
}

/// Reads a secret (password, passphrase) from the first line of a file; secrets never go on a command line.
func readSecret(fromFile path: String, what: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw StoreError(.fileMissing, "cannot read the \(what) file \(path)")
    }
    let line = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    guard !line.isEmpty else { throw StoreError(.invalidInput, "the \(what) file \(path) is empty") }
    return line
}

/// Prints `value` as pretty, sorted JSON.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Prints rows as aligned columns under a header.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    for row in [header] + rows {
        print(row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  "))
    }
}

func formatBytes(_ bytes: Int) -> String {
    if bytes < 1024 * 1024 { return "\(bytes / 1024) KiB" }
    return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}
