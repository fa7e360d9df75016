import Foundation
import Testing

@Suite("stagesub command line")
struct VersionTests {
    static var binary: URL {
        let folders = [Bundle.main.bundleURL.deletingLastPathComponent(), URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        return folders.map { $0.appendingPathComponent("stagesub") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? folders[0].appendingPathComponent("stagesub")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try Self.run(["--version"])
        #expect(result.status == 0)
        #expect(result.out.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    @Test("--help names the program and its commands")
    func help() throws {
        let result = try Self.run(["--help"])
        #expect(result.status == 0)
        #expect(result.out.contains("USAGE: stagesub"))
        #expect(result.out.contains("version"))
    }

    @Test("an unknown command is a usage error, exit code 2, with a message on stderr")
    func unknown() throws {
        let result = try Self.run(["frobnicate"])
        #expect(result.status == 2)
        #expect(!result.err.isEmpty)
    }
}
