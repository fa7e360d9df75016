// Appliance figures (issue 3): orchestra create time, a cold open through the pool, backup and restore
// throughput on a ~200 MB orchestra, and resident memory with 1,000 orchestras provisioned and 64 open.
//
//   swift build -c release --product ApplianceBenchmark && .build/release/ApplianceBenchmark [--megabytes 200]
import Foundation
import GRDB
import StageSubStore

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let n = Int(args[i + 1]) else { return value }
    return n
}

func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }

func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    let elapsed = ContinuousClock.now - start
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func run() throws {
    let megabytes = argument("--megabytes", default: 200)
    let provisioned = argument("--orchestras", default: 1000)
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-appbench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = DataDirectory(root: root.path)
    let app = try Appliance.initialise(directory, adminPassword: "benchmark password").appliance

    // 1. Orchestra create, the whole way (folder, key, sealed database, migrations, admin with Argon2id).
    let creates = 10
    let (_, createSeconds) = try time {
        for i in 0..<creates {
            _ = try app.createOrchestra(slug: "create-\(i)", name: "Orkester \(i)", adminEmail: "admin\(i)@example.org",
                                        adminPassword: "benchmark password")
        }
    }
    print(String(format: "orchestra create:            %8.1f ms each (%d, Argon2id admin password included)", createSeconds * 1000 / Double(creates), creates))

    // 2. Backup and restore of a ~200 MB orchestra.
    _ = try app.createOrchestra(slug: "big", name: "Stor orkester", adminEmail: "big@example.org", adminPassword: "benchmark password")
    let pool = try app.openOrchestraDatabase("big")
    try pool.write { db in
        try db.execute(sql: "CREATE TABLE archive(id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        let insert = try db.makeStatement(sql: "INSERT INTO archive(body) VALUES (randomblob(2000))")
        for _ in 0..<(megabytes * 1024 * 1024 / 2000) { try insert.execute() }
    }
    try SealedDatabase.close(pool)
    let size = (try FileManager.default.attributesOfItem(atPath: directory.orchestraDatabase("big").path)[.size] as? Int) ?? 0
    let mb = Double(size) / 1_048_576
    let (backup, backupSeconds) = try time { try app.backup("big") }
    print(String(format: "backup of %6.1f MB:          %8.2f s  = %6.1f MB/s (snapshot, verify, hash, write)", mb, backupSeconds, mb / backupSeconds))
    let (_, restoreSeconds) = try time { try app.restore(backup.file) }
    print(String(format: "restore of %6.1f MB:         %8.2f s  = %6.1f MB/s (checksum, verify, swap)", mb, restoreSeconds, mb / restoreSeconds))
    _ = try app.deleteOrchestra("big", confirmed: true)
    try? FileManager.default.removeItem(at: directory.backupFolder("big"))

    // 3. 1,000 orchestras provisioned (restored from one template backup: each gets its own key file bound
    //    to its own slug); then a cold open of each through a pool that keeps 64.
    let template = try app.backup("create-0")
    let (_, provisionSeconds) = try time {
        for i in 0..<provisioned { _ = try app.restore(template.file, as: String(format: "orch-%04d", i)) }
    }
    print(String(format: "provision by restore:        %8.1f ms each (%d orchestras)", provisionSeconds * 1000 / Double(provisioned), provisioned))
    let rssBefore = residentKiB(), fdsBefore = openDescriptors()
    let orchestraPool = OrchestraPool(appliance: app, maximumOpen: 64)
    let (_, openSeconds) = try time {
        for i in 0..<provisioned {
            let db = try orchestraPool.database(String(format: "orch-%04d", i))
            _ = try db.read { db in try String.fetchOne(db, sql: "SELECT name FROM orchestraProfile") }
        }
    }
    print(String(format: "cold open through the pool:  %8.2f ms each (key unwrap, open, first read; %d orchestras)", openSeconds * 1000 / Double(provisioned), provisioned))
    print(String(format: "with %d provisioned, 64 open: RSS %.1f MiB (was %.1f MiB before opening), %d more file descriptors",
                 provisioned, Double(residentKiB()) / 1024, Double(rssBefore) / 1024, openDescriptors() - fdsBefore))
    orchestraPool.closeAll()
    try app.close()
}

do { try run() } catch {
    FileHandle.standardError.write(Data("ApplianceBenchmark: \(error)\n".utf8))
    exit(1)
}
