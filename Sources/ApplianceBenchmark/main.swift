// Appliance figures (issue 3): orchestra create time, a cold open through the pool, backup and restore
// throughput on a ~200 MB orchestra, and resident memory with 1,000 orchestras provisioned and 64 open.
//
//   swift build -c release --product ApplianceBenchmark && .build/release/ApplianceBenchmark [--megabytes 200]
import Foundation
import GRDB
import StageSubCore
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

/// The planner on a need with 2,000 eligible musicians and 20,000 past requests in the project.
func benchmarkPlanner() {
    let position: Int64 = 1
    var musicians: [Int64: PlannerMusician] = [:]
    for id in 1...Int64(2000) { musicians[id] = PlannerMusician(id: id, qualifiedPositions: [position]) }
    var requests: [PlannerRequest] = []
    for i in 0..<20_000 {
        let status: RequestStatus = i % 3 == 0 ? .declined : .accepted
        requests.append(PlannerRequest(needId: Int64(2 + i % 40), musicianId: Int64(10_000 + i), status: status))
    }
    let need = PlannerNeed(id: 1, positionId: position, quantity: 3, strategy: .firstCome, list: Array(1...2000))
    let input = DispatchInput(need: need, musicians: musicians, projectRequests: requests, busyElsewhere: [5: 99, 77: 98])
    _ = DispatchPlanner.plan(input)
    let runs = 200
    var asked = 0
    let (_, seconds) = time { for _ in 0..<runs { asked += DispatchPlanner.plan(input).ask.count } }
    print(String(format: "planner, 2,000 eligible, 20,000 requests: %6.2f ms per plan (%d asked)", seconds * 1000 / Double(runs), asked / runs))
}

/// One pass of the background service over 100 orchestras with 100 open requests each.
func benchmarkServicePass() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-servicebench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let app = try Appliance.initialise(DataDirectory(root: root.path), adminPassword: "benchmark password").appliance
    defer { try? app.close() }
    let start = Date()
    _ = try app.createOrchestra(slug: "busy", name: "Busy", adminEmail: "busy@example.org", adminPassword: "benchmark password")
    let database = try app.openOrchestraDatabase("busy")
    let gateway = try app.gateway("busy", database: database, answerBaseURL: "https://x")
    let position = try gateway.positionId(instrument: "Violin 1", position: "Tutti")
    var ids: [Int64] = []
    for i in 0..<100 {
        let m = try gateway.createMusician(Musician(firstName: "M\(i)", lastName: "B", email: "m\(i)@example.org", now: start))
        try gateway.setQualifications(musician: m.id!, positions: [position])
        ids.append(m.id!)
    }
    let list = try gateway.rankingList(position: position, type: "A")
    try gateway.setRanking(list: list, musicians: ids)
    let project = try gateway.createProject(name: "P", startDate: "2027-01-04", now: start)
    let need = try gateway.createNeed(project: project.id!, position: position, quantity: 100, rankingList: list,
                                      strategy: .parallel, responseTimeHours: 48, now: start)
    _ = try gateway.send(need: need.id!, now: start)
    try SealedDatabase.close(database)
    let template = try app.backup("busy")
    for i in 1..<100 { _ = try app.restore(template.file, as: "busy-\(i)") }
    let clock = ManualClock(start.addingTimeInterval(3600))
    let service = DueWorkService(pool: OrchestraPool(appliance: app, maximumOpen: 128), clock: clock, answerBaseURL: "https://x")
    _ = service.processAll()  // opens every orchestra once
    let (quiet, quietSeconds) = time { service.processAll() }
    clock.set(start.addingTimeInterval(40 * 3600))
    let (busy, busySeconds) = time { service.processAll() }
    print(String(format: "service pass, nothing due:   %8.1f ms (%d orchestras, 100 open requests each)", quietSeconds * 1000, quiet.orchestras))
    print(String(format: "service pass, all reminders: %8.1f ms (%d reminders written to the outboxes)", busySeconds * 1000, busy.reminders))
}

do {
    benchmarkPlanner()
    try run()
    try benchmarkServicePass()
} catch {
    FileHandle.standardError.write(Data("ApplianceBenchmark: \(error)\n".utf8))
    exit(1)
}
