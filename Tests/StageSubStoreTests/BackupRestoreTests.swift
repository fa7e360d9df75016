import Foundation
import GRDB
import Testing
@testable import StageSubStore

@Suite("Backup and restore", .serialized)
struct BackupRestoreTests {
    /// An appliance with orchestra `gso` holding a ledger whose rows always sum to zero per transaction.
    static func makeFixture() throws -> ApplianceFixture {
        let fixture = try ApplianceFixture()
        _ = try fixture.appliance.createOrchestra(slug: "gso", name: "Göteborgs Symfoniker", adminEmail: "kansli@gso.se")
        let pool = try fixture.appliance.openOrchestraDatabase("gso")
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE ledger(id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, note TEXT)")
            for i in 0..<200 {
                try db.execute(sql: "INSERT INTO ledger(amount, note) VALUES (?, 'Repetition \(i)'), (?, 'Konsert \(i)')", arguments: [i, -i])
            }
        }
        try SealedDatabase.close(pool)
        return fixture
    }

    static func ledger(_ app: Appliance, _ slug: String = "gso") throws -> (count: Int, sum: Int) {
        let pool = try app.openOrchestraDatabase(slug)
        defer { try? SealedDatabase.close(pool) }
        return try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(amount), 0) FROM ledger")!
            return (row[0], row[1])
        }
    }

    @Test("a backup taken while writers keep writing restores to a consistent state")
    func backupDuringWrites() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        let writer = try app.openOrchestraDatabase("gso")
        let stop = LockedFlag()
        let writes = Thread {
            var i = 0
            while !stop.isSet {
                i += 1
                try? writer.write { db in
                    try db.execute(sql: "INSERT INTO ledger(amount, note) VALUES (?, 'x'), (?, 'y')", arguments: [i, -i])
                }
            }
        }
        writes.start()
        Thread.sleep(forTimeInterval: 0.05)
        let result = try app.backup("gso")
        let afterBackup = try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger") ?? 0 }
        stop.set()
        Thread.sleep(forTimeInterval: 0.05)
        try SealedDatabase.close(writer)
        #expect(afterBackup > 400)  // writers really were writing

        let restored = try app.restore(result.file, as: "gso-restored")
        #expect(!restored.replaced)
        let (count, sum) = try Self.ledger(app, "gso-restored")
        #expect(sum == 0)          // only whole transactions
        #expect(count % 2 == 0 && count >= 400)
        #expect(result.manifest.slug == "gso" && result.manifest.schemaVersion == OrchestraMigrations.currentVersion)
        #expect(try app.registry.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM backup WHERE slug = 'gso'") } == 1)
    }

    @Test("restore replaces an orchestra's data and keeps its users")
    func restoreReplaces() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        let backup = try app.backup("gso")
        let pool = try app.openOrchestraDatabase("gso")
        try pool.write { db in try db.execute(sql: "DELETE FROM ledger") }
        try SealedDatabase.close(pool)
        #expect(try Self.ledger(app).count == 0)
        let result = try app.restore(backup.file)
        #expect(result.replaced)
        #expect(try Self.ledger(app).count == 400)
        #expect(try app.users(orchestra: "gso").map(\.username) == ["gso-admin"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path) == ["gso"])
    }

    @Test("a tampered or truncated backup is refused and nothing changes",
          arguments: ["database byte", "manifest byte", "truncated", "not a backup"])
    func refusesDamage(_ damage: String) throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        let backup = try app.backup("gso")
        let path = backup.file.path
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        switch damage {
        case "database byte": try flipByte(at: size - 3000, inFileAt: path)
        case "manifest byte": try flipByte(at: 40, inFileAt: path)
        case "truncated": try FileHandle(forWritingTo: backup.file).truncate(atOffset: UInt64(size - 4096))
        default: try Data("hello".utf8).write(to: backup.file)
        }
        // The orchestra's folder, byte for byte (the registry's WAL and the lock file live elsewhere).
        let orchestraFiles = { try fixture.dir.fingerprint().filter { $0.key.hasPrefix("data/orchestras/") } }
        let fingerprint = try orchestraFiles()
        #expect(fingerprint.count == 2)
        let error = #expect(throws: StoreError.self) { try app.restore(backup.file) }
        #expect([.damaged, .wrongKey, .notSealed].contains(error?.code), "\(error?.message ?? "")")
        #expect(try orchestraFiles() == fingerprint)
        #expect(try Self.ledger(app).count == 400)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path) == ["gso"])
    }

    @Test("on an appliance with another master key a backup restores only with its passphrase")
    func passphrase() throws {
        let fixture = try Self.makeFixture()
        let passphrase = "Sibelius 2 i D-dur, op. 43"
        let withPassphrase = try fixture.appliance.backup("gso", passphrase: passphrase)
        let withoutPassphrase = try fixture.appliance.backup("gso")

        let other = try ApplianceFixture()
        let noPassphrase = #expect(throws: StoreError.self) { try other.appliance.restore(withPassphrase.file) }
        #expect(noPassphrase?.message.contains("--passphrase-file") == true)
        let wrong = #expect(throws: StoreError.self) { try other.appliance.restore(withPassphrase.file, passphrase: "Sibelius 5") }
        #expect(wrong?.code == .wrongKey)
        let none = #expect(throws: StoreError.self) { try other.appliance.restore(withoutPassphrase.file, passphrase: passphrase) }
        #expect(none?.code == .wrongKey)

        let restored = try other.appliance.restore(withPassphrase.file, passphrase: passphrase)
        #expect(!restored.replaced)
        #expect(try Self.ledger(other.appliance).count == 400)
        #expect(try other.appliance.orchestra("gso").name == "Göteborgs Symfoniker")
    }

    @Test("a backup of a newer schema is refused")
    func newerSchema() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        let backup = try app.backup("gso")
        // Re-seal the same database under a manifest that claims a newer schema.
        let handle = try FileHandle(forReadingFrom: backup.file)
        let header = try BackupFile.readHeader(from: handle, path: backup.file.path)
        let key = try BackupFile.openKey(header, master: app.masterKey, passphrase: nil, path: backup.file.path)
        try handle.seek(toOffset: UInt64(header.databaseOffset))
        let database = try handle.readToEnd() ?? Data()
        try handle.close()
        var manifest = header.manifest
        manifest.schemaVersion = OrchestraMigrations.currentVersion + 1
        let forged = fixture.dir.path("future.stagesub-backup")
        try Data(BackupFile.header(manifest: manifest, key: key, master: app.masterKey, passphrase: nil) + database)
            .write(to: URL(fileURLWithPath: forged))
        let error = #expect(throws: StoreError.self) { try app.restore(URL(fileURLWithPath: forged)) }
        #expect(error?.message.contains("upgrade StageSub") == true)
    }

    @Test("keep N leaves the newest N backups")
    func retention() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        var made: [URL] = []
        for _ in 0..<4 { made.append(try app.backup("gso").file); Thread.sleep(forTimeInterval: 0.002) }
        let result = try app.backup("gso", keep: 2)
        #expect(app.backupFiles("gso") == [made[3], result.file])
        #expect(result.removed.count == 3)
    }

    @Test("delete needs confirmation, takes a final backup, and that backup brings the orchestra back")
    func deleteAndBringBack() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        #expect((#expect(throws: StoreError.self) { try app.deleteOrchestra("gso", confirmed: false) })?.code == .invalidInput)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.orchestraFolder("gso").path))
        let final = try app.deleteOrchestra("gso", confirmed: true)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.orchestraFolder("gso").path))
        #expect(try app.registry.orchestra(slug: "gso") == nil)
        #expect(try app.registry.user(named: "gso-admin") == nil)
        _ = try app.restore(final.file)
        #expect(try Self.ledger(app).count == 400)
    }

    @Test("a folder copied to an appliance with the same master key is adopted; another key is refused")
    func adopt() throws {
        let fixture = try Self.makeFixture()
        try fixture.appliance.close()
        let dir = try TemporaryDirectory()
        let same = DataDirectory(root: dir.path("same"), keyFile: fixture.directory.keyFile.path)
        let sameApp = try Appliance.initialise(same, adminPassword: "another admin pw").appliance
        try FileManager.default.copyItem(at: fixture.directory.orchestraFolder("gso"), to: same.orchestraFolder("gso"))
        #expect(try sameApp.unregisteredOrchestraFolders() == ["gso"])
        let adopted = try sameApp.adoptOrchestra("gso")
        #expect(adopted.name == "Göteborgs Symfoniker")
        #expect(try Self.ledger(sameApp).count == 400)

        let other = DataDirectory(root: dir.path("other"))
        let otherApp = try Appliance.initialise(other, adminPassword: "another admin pw").appliance
        try FileManager.default.copyItem(at: fixture.directory.orchestraFolder("gso"), to: other.orchestraFolder("gso"))
        let error = #expect(throws: StoreError.self) { try otherApp.adoptOrchestra("gso") }
        #expect(error?.message.contains("stagesub backup gso --passphrase-file") == true)
        #expect(try otherApp.registry.orchestra(slug: "gso") == nil)
    }

    @Test("a restore interrupted between its two renames is undone at the next open")
    func interruptedSwap() throws {
        let fixture = try Self.makeFixture()
        let backup = try fixture.appliance.backup("gso")
        let pool = try fixture.appliance.openOrchestraDatabase("gso")
        try pool.write { db in try db.execute(sql: "DELETE FROM ledger WHERE id > 10") }
        try SealedDatabase.close(pool)
        try fixture.appliance.close()
        let failing = try Appliance.open(fixture.directory, checkpoint: { if $0 == "swapping" { throw InjectedFailure() } })
        #expect(throws: StoreError.self) { try failing.restore(backup.file) }
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.orchestraFolder("gso").path))
        try failing.close()
        let reopened = try Appliance.open(fixture.directory)
        #expect(try Self.ledger(reopened).count == 10)  // the old orchestra is back
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path) == ["gso"])
    }

    @Test("SIGKILL at any moment of a restore leaves the old orchestra or the new one, never a broken one")
    func restoreKilled() throws {
        let fixture = try Self.makeFixture()
        let app = fixture.appliance
        let backup = try app.backup("gso")                 // 400 rows
        let pool = try app.openOrchestraDatabase("gso")
        try pool.write { db in try db.execute(sql: "DELETE FROM ledger WHERE id > 100") }
        try SealedDatabase.close(pool)                      // now 100 rows
        try app.close()

        let started = Date()
        _ = try CrashTests.runWriter("restore", path: fixture.directory.root.path, extra: [backup.file.path], keys: [],
                                     kill: nil, in: fixture.dir)
        let duration = Date().timeIntervalSince(started)
        var outcomes: [Int] = []
        for round in 0..<10 {
            // Put the 100-row state back, then restore the 400-row backup and kill it somewhere.
            let reset = try Appliance.open(fixture.directory)
            let db = try reset.openOrchestraDatabase("gso")
            try db.write { db in try db.execute(sql: "DELETE FROM ledger WHERE id > 100") }
            try SealedDatabase.close(db)
            try reset.close()
            let delay = Int(Double.random(in: 0...1.0) * duration * 1_000_000)
            _ = try CrashTests.runWriter("restore", path: fixture.directory.root.path, extra: [backup.file.path], keys: [],
                                         kill: .afterStart(microseconds: delay), in: fixture.dir)
            let after = try Appliance.open(fixture.directory)
            let count = try Self.ledger(after).count
            #expect(count == 100 || count == 400, "round \(round): \(count) rows")
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path) == ["gso"])
            outcomes.append(count)
            try after.close()
        }
        print("restore kill outcomes (restore took \(Int(duration * 1000)) ms): \(outcomes)")
    }
}

/// A flag one thread sets and another reads.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

@Suite("Orchestra rekey under SIGKILL", .serialized)
struct OrchestraRekeyKillTests {
    @Test("an orchestra rekey killed at any moment leaves an orchestra that opens with its data")
    func rekeyKilled() throws {
        let fixture = try BackupRestoreTests.makeFixture()
        try fixture.appliance.close()
        let data = fixture.directory.root.path
        let started = Date()
        _ = try CrashTests.runWriter("rekey-orchestra", path: data, extra: ["gso"], keys: [], kill: nil, in: fixture.dir)
        let duration = Date().timeIntervalSince(started)
        var killed = 0
        for round in 0..<10 {
            let delay = Int(Double.random(in: 0...1.0) * duration * 1_000_000)
            let outcome = try CrashTests.runWriter("rekey-orchestra", path: data, extra: ["gso"], keys: [],
                                                   kill: .afterStart(microseconds: delay), in: fixture.dir)
            if outcome.killed { killed += 1 }
            let app = try Appliance.open(fixture.directory)
            #expect(try BackupRestoreTests.ledger(app).count == 400, "round \(round)")
            #expect(try app.verify(["gso"]).first?.isIntact == true, "round \(round)")
            try app.close()
        }
        print("orchestra rekey: \(killed) of 10 runs killed (a rekey took \(Int(duration * 1000)) ms)")
    }
}
