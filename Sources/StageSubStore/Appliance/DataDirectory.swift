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

    /// Whether `stagesub init` has run here.
    public var isInitialised: Bool { FileManager.default.fileExists(atPath: registry.path) }
}
