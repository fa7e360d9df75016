import Foundation
import GRDB
import Testing
@testable import StageSubStore

@Suite("Verify, query, migrate, rekey and the orchestra pool")
struct MaintenanceTests {
    @Test("verify names the damaged orchestra and its first bad page; the others are ok")
    func verify() throws {
        let fixture = try BackupRestoreTests.makeFixture()
        let app = fixture.appliance
        _ = try app.createOrchestra(slug: "mso", name: "MSO", adminEmail: "kansli@mso.se")
        #expect(try app.verify().allSatisfy(\.isIntact))
        #expect(try app.verify().map(\.name) == ["registry", "gso", "mso"])
        try flipByte(at: 4096 * 4 + 10, inFileAt: fixture.directory.orchestraDatabase("gso").path)
        let outcomes = try app.verify()
        let gso = try #require(outcomes.first { $0.name == "gso" })
        #expect(!gso.isIntact)
        #expect(gso.report?.firstBadPage == 5)
        #expect(outcomes.filter(\.isIntact).map(\.name) == ["registry", "mso"])
        #expect(try app.verify(["nobody"]).first?.error?.contains("no orchestra nobody") == true)
    }

    @Test("sql reads, refuses writes and reports SQL errors as the operator's mistake")
    func query() throws {
        let fixture = try BackupRestoreTests.makeFixture()
        let app = fixture.appliance
        let result = try app.query("SELECT count(*) AS n, sum(amount) AS total FROM ledger", orchestra: "gso")
        #expect(result.columns == ["n", "total"])
        #expect(result.rows == [["400", "0"]])
        #expect(try app.query("SELECT username FROM user ORDER BY id", orchestra: nil).rows == [["admin"], ["gso-admin"]])
        #expect((#expect(throws: StoreError.self) { try app.query("DELETE FROM ledger", orchestra: "gso") })?.code == .invalidInput)
        #expect((#expect(throws: StoreError.self) { try app.query("SELEKT 1", orchestra: "gso") })?.code == .invalidInput)
        let plain = fixture.dir.path("plain.db")
        #expect(throws: StoreError.self) { try app.query("ATTACH 'file:\(plain)?vfs=unix' AS x", orchestra: "gso") }
        #expect(!FileManager.default.fileExists(atPath: plain))
        #expect(try BackupRestoreTests.ledger(app).count == 400)
    }

    @Test("rekey gives the orchestra a new key; its data stays; the old key no longer opens it")
    func rekey() throws {
        let fixture = try BackupRestoreTests.makeFixture()
        let app = fixture.appliance
        let oldKey = try app.dataKey(of: "gso")
        try app.rekeyOrchestra("gso")
        let newKey = try app.dataKey(of: "gso")
        #expect(oldKey != newKey)
        #expect(try BackupRestoreTests.ledger(app).count == 400)
        #expect(throws: StoreError.self) { try SealedDatabase.open(at: fixture.directory.orchestraDatabase("gso").path, key: oldKey) }
    }

    @Test("a rekey interrupted after its swap is finished by the next open; before it, nothing changed",
          arguments: ["key staged", "swapped"])
    func rekeyInterrupted(_ step: String) throws {
        let fixture = try BackupRestoreTests.makeFixture()
        try fixture.appliance.close()
        let failing = try Appliance.open(fixture.directory, checkpoint: { if $0 == step { throw InjectedFailure() } })
        #expect(throws: StoreError.self) { try failing.rekeyOrchestra("gso") }
        try failing.close()
        let app = try Appliance.open(fixture.directory)
        #expect(try BackupRestoreTests.ledger(app).count == 400)
        #expect(try app.verify(["gso"]).first?.isIntact == true)
    }

    @Test("an orchestra with an older schema is backed up and migrated when the pool first opens it")
    func migrateOnOpen() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        // An orchestra as an older StageSub left it: no migrations applied yet.
        try FileManager.default.createDirectory(at: fixture.directory.orchestraFolder("old"), withIntermediateDirectories: true)
        let key = DatabaseKey.random()
        let path = fixture.directory.orchestraDatabase("old").path
        try SealedDatabase.close(SealedDatabase.create(at: path, key: key))
        try OrchestraKeyFile.write(key, slug: "old", fileId: SealedDatabase.fileId(at: path), master: app.masterKey,
                                   to: fixture.directory.orchestraKey("old"))
        try app.registry.write { db in _ = try app.registry.insert(Orchestra(slug: "old", name: "Old", contactName: "O", contactEmail: "o@o.se", now: .now), in: db) }
        #expect(try app.schemaVersion(of: "old") == 0)
        #expect(try app.pendingMigrations().first?.pending.count == OrchestraMigrations.currentVersion)

        let pool = OrchestraPool(appliance: app, maximumOpen: 2)
        let db = try pool.database("old")
        #expect(try db.read { db in try db.tableExists("setting") })
        #expect(try app.schemaVersion(of: "old") == OrchestraMigrations.currentVersion)
        // The backup taken before migrating sits apart from the rotation (`--keep`, the schedule never remove it).
        #expect(app.backupFiles("old").isEmpty)
        let kept = try FileManager.default.contentsOfDirectory(atPath: app.directory.preMigrationBackupFolder("old").path)
        #expect(kept.count == 1 && kept[0].hasSuffix(".stagesub-backup"))
        #expect(try app.pendingMigrations().first?.pending == [])
    }

    @Test("1,000 orchestras opened one after another through a pool of 16 keep file descriptors bounded")
    func thousandOrchestras() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        _ = try app.createOrchestra(slug: "template", name: "Template", adminEmail: "t@t.se")
        let templateKey = try app.dataKey(of: "template")
        let templateDb = fixture.directory.orchestraDatabase("template")
        let fileId = try SealedDatabase.fileId(at: templateDb.path)
        // Provision by copying the template's folder (creating each the full way would spend ~0.1 s per admin password).
        let slugs = (0..<1000).map { String(format: "orch-%04d", $0) }
        try app.registry.write { db in
            for slug in slugs {
                _ = try app.registry.insert(Orchestra(slug: slug, name: slug, contactName: slug, contactEmail: "\(slug)@x.se", now: .now), in: db)
            }
        }
        for slug in slugs {
            try FileManager.default.createDirectory(at: fixture.directory.orchestraFolder(slug), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: templateDb, to: fixture.directory.orchestraDatabase(slug))
            try OrchestraKeyFile.write(templateKey, slug: slug, fileId: fileId, master: app.masterKey, to: fixture.directory.orchestraKey(slug))
        }
        // Descriptors on this data directory's orchestra files only: other suites run in parallel in this
        // process and open sockets, pipes and files of their own.
        let orchestras = fixture.directory.orchestraFolder(slugs[0]).deletingLastPathComponent().resolvingSymlinksInPath().path + "/"
        func openDescriptors() -> Int {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return fds.filter { ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "").hasPrefix(orchestras) }.count
        }
        let before = openDescriptors()
        let pool = OrchestraPool(appliance: app, maximumOpen: 16)
        var peak = 0
        for slug in slugs {
            let db = try pool.database(slug)
            let name = try db.read { db in try String.fetchOne(db, sql: "SELECT name FROM orchestraProfile") }
            #expect(name == "Template")
            peak = max(peak, openDescriptors())
        }
        #expect(pool.openSlugs.count == 16)
        #expect(pool.openSlugs.last == "orch-0999")
        // Each open orchestra holds a few descriptors (database, WAL, shm per connection); 16 of them, not 1,000.
        #expect(peak - before >= 16, "each of the 16 open orchestras holds its database open")
        #expect(peak - before < 16 * 8)
        pool.closeAll()
        #expect(pool.openSlugs.isEmpty)
    }
}

@Suite("Master key rotation")
struct MasterKeyRotationTests {
    @Test("after a rotation the configured key file holds the new key and opens everything; the old one opens nothing")
    func rotate() throws {
        let fixture = try BackupRestoreTests.makeFixture()
        let oldKeyCopy = fixture.dir.path("old.key")
        try FileManager.default.copyItem(atPath: fixture.directory.keyFile.path, toPath: oldKeyCopy)
        let newKeyFile = URL(fileURLWithPath: fixture.dir.path("new.key"))
        try fixture.appliance.rotateMasterKey(newKeyFile: newKeyFile)
        #expect(try MasterKey.load(from: fixture.directory.keyFile) == MasterKey.load(from: newKeyFile))
        let app = try Appliance.open(fixture.directory)
        #expect(try BackupRestoreTests.ledger(app).count == 400)
        #expect(try app.verify().allSatisfy(\.isIntact))
        try app.close()
        let old = #expect(throws: StoreError.self) { try Appliance.open(DataDirectory(root: fixture.directory.root.path, keyFile: oldKeyCopy)) }
        #expect(old?.code == .wrongKey)
    }

    @Test("a rotation interrupted at any step leaves an appliance that opens and reads every orchestra",
          arguments: ["staged", "registry"])
    func interrupted(_ step: String) throws {
        let fixture = try BackupRestoreTests.makeFixture()
        try fixture.appliance.close()
        let failing = try Appliance.open(fixture.directory, checkpoint: { if $0 == step { throw InjectedFailure() } })
        #expect(throws: StoreError.self) { try failing.rotateMasterKey(newKeyFile: URL(fileURLWithPath: fixture.dir.path("new.key"))) }
        try? failing.close()
        let app = try Appliance.open(fixture.directory)
        #expect(try BackupRestoreTests.ledger(app).count == 400)
        #expect(try app.verify().allSatisfy(\.isIntact))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.root.appendingPathComponent(".master-rotation").path))
        let rotated = try MasterKey.load(from: fixture.directory.keyFile) == MasterKey.load(from: URL(fileURLWithPath: fixture.dir.path("new.key")))
        #expect(rotated == (step == "registry"))
    }
}
