import Foundation

/// Every path of an appliance, derived from its data directory (see DESIGN.md, "Data directory").
public struct DataDirectory: Sendable, Equatable {
    /// The data directory itself.
    public let root: URL
    /// The master key file (by default inside the data directory; in production often elsewhere).
    public let keyFile: URL

    /// `root` defaults to `./stagesub-data`; `keyFile` to `<root>/appliance.key`.
    public init(root: String? = nil, keyFile: String? = nil) {
        let rootPath = root ?? "./stagesub-data"
        self.root = URL(fileURLWithPath: rootPath).standardizedFileURL
        self.keyFile = keyFile.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? self.root.appendingPathComponent("appliance.key")
    }

    /// The sealed central registry.
    public var registry: URL { root.appendingPathComponent("registry.db") }
    /// The folder holding one folder per orchestra.
    public var orchestras: URL { root.appendingPathComponent("orchestras") }
    /// The folder holding one folder of backups per orchestra.
    public var backups: URL { root.appendingPathComponent("backups") }

    /// `orchestras/<slug>/`: a complete copy of one orchestra.
    public func orchestraFolder(_ slug: String) -> URL { orchestras.appendingPathComponent(slug) }
    /// The orchestra's sealed database.
    public func orchestraDatabase(_ slug: String) -> URL { orchestraFolder(slug).appendingPathComponent("orchestra.db") }
    /// The orchestra's data key, wrapped by the master key.
    public func orchestraKey(_ slug: String) -> URL { orchestraFolder(slug).appendingPathComponent("orchestra.key") }
    /// Where the orchestra's backups go by default.
    public func backupFolder(_ slug: String) -> URL { backups.appendingPathComponent(slug) }
    /// Backups taken before a migration: kept apart, so no rotation (`--keep`, the schedule) ever removes them.
    public func preMigrationBackupFolder(_ slug: String) -> URL { backupFolder(slug).appendingPathComponent("before-migration") }

    /// How far a demo appliance's clock was moved forward (seconds, as text); only `serve --demo` reads it.
    public var demoClockOffset: URL { root.appendingPathComponent("demo-clock-offset") }

    /// The stored demo clock offset in seconds (0 when never moved or unreadable).
    public func readDemoClockOffset() -> TimeInterval {
        guard let text = try? String(contentsOf: demoClockOffset, encoding: .utf8),
              let seconds = TimeInterval(text.trimmingCharacters(in: .whitespacesAndNewlines)), seconds.isFinite, seconds >= 0 else { return 0 }
        return seconds
    }

    /// Stores the demo clock offset (written to a new file and renamed over the old: never half-written).
    public func writeDemoClockOffset(_ seconds: TimeInterval) throws(StoreError) {
        do { try Data("\(Int(seconds))\n".utf8).write(to: demoClockOffset, options: .atomic) } catch {
            throw StoreError(.io, "could not store the demo clock in \(demoClockOffset.path): \(error.localizedDescription)")
        }
    }

    /// Whether `stagesub init` has run here.
    public var isInitialised: Bool { FileManager.default.fileExists(atPath: registry.path) }
}
