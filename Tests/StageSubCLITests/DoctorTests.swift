import Foundation
import Testing

/// `stagesub doctor` through the real binary, on a healthy data directory and on broken ones.
@Suite("stagesub doctor")
struct DoctorTests {
    enum Breakage: String, CaseIterable, Sendable {
        case openFolder, damagedDatabase, missingKey, backupFileGone
    }

    /// An initialised data directory with one orchestra and one backup.
    static func healthyAppliance() throws -> (folder: URL, run: ([String]) throws -> (status: Int32, out: String, err: String)) {
        let folder = URL(fileURLWithPath: "/tmp/stagesub-doctor-\(UUID().uuidString.prefix(8))")
        let data = folder.appendingPathComponent("data").path
        let run = { (arguments: [String]) in try VersionTests.run(arguments, environment: ["STAGESUB_DATA": data]) }
        #expect(try run(["init"]).status == 0)
        #expect(try run(["orchestra", "create", "gso", "--name", "Göteborgs Symfoniker", "--admin-email", "kansli@gso.se"]).status == 0)
        #expect(try run(["backup", "gso"]).status == 0)
        return (folder, run)
    }

    @Test("a healthy directory: exit 0, every line ok or a warning with what to do")
    func healthy() throws {
        let (folder, run) = try Self.healthyAppliance()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try run(["doctor"])
        #expect(report.status == 0, "\(report.out)")
        let lines = report.out.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("ok  ") || $0.hasPrefix("WARN") }, "\(report.out)")
        #expect(report.out.contains("ok    registry: opens and verifies"))
        #expect(report.out.contains("ok    orchestra gso: opens and verifies"))
        #expect(report.out.contains("ok    backup gso: newest backup"))
        // The key in the data directory is fine for a demo, and the report says how production does it.
        #expect(report.out.contains("WARN  key: the master key is inside the data directory"))
    }

    @Test("a broken directory: exit 1, a FAIL line naming the problem and the fix", arguments: Breakage.allCases)
    func broken(_ breakage: Breakage) throws {
        let (folder, run) = try Self.healthyAppliance()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let expected: [String]
        switch breakage {
        case .openFolder:
            chmod(data.appendingPathComponent("orchestras/gso").path, 0o755)
            expected = ["FAIL  permissions:", "orchestras/gso", "chmod -R go-rwx \(data.path)"]
        case .damagedDatabase:
            let handle = try FileHandle(forUpdating: data.appendingPathComponent("orchestras/gso/orchestra.db"))
            try handle.seek(toOffset: 4096 * 3 + 100)
            try handle.write(contentsOf: [0xFF, 0x00, 0xFF])
            try handle.close()
            expected = ["FAIL  orchestra gso: damaged", "stagesub restore"]
        case .missingKey:
            try FileManager.default.removeItem(at: data.appendingPathComponent("appliance.key"))
            expected = ["FAIL  key: no key file at", "--key-file"]
        case .backupFileGone:
            // The registry remembers a backup whose file someone removed.
            for file in try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("backups/gso").path) {
                try FileManager.default.removeItem(at: data.appendingPathComponent("backups/gso/\(file)"))
            }
            expected = ["WARN  backup gso:", "no file is left", "stagesub backup gso"]
        }
        let report = try run(["doctor"])
        for text in expected { #expect(report.out.contains(text), "\(breakage): \(report.out)") }
        if breakage == .backupFileGone {
            #expect(report.status == 0)
        } else {
            #expect(report.status == 1, "\(report.out)")
            #expect(report.err.contains("checks failed"))
            #expect(report.err.split(separator: "\n").count == 1)
        }
    }
}
