import Foundation
import GRDB
import Testing
@testable import StageSubStore

/// A fresh appliance in a temporary folder.
struct ApplianceFixture {
    let dir: TemporaryDirectory
    let directory: DataDirectory
    let appliance: Appliance

    init(checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }) throws {
        dir = try TemporaryDirectory()
        directory = DataDirectory(root: dir.path("data"))
        let initialised = try Appliance.initialise(directory, adminPassword: "correct horse battery")
        try initialised.appliance.close()
        appliance = try Appliance.open(directory, checkpoint: checkpoint)
    }
}

struct InjectedFailure: Error {}

@Suite("The appliance: data directory, keys, registry, orchestras, users")
struct ApplianceTests {
    @Test("init lays out the data directory, writes a private master key and the superadmin")
    func initialise() throws {
        let dir = try TemporaryDirectory()
        let directory = DataDirectory(root: dir.path("data"))
        let result = try Appliance.initialise(directory)
        defer { try? result.appliance.close() }
        #expect(result.createdKeyFile)
        let password = try #require(result.generatedPassword)
        #expect(password.count >= 20)
        let admin = try result.appliance.user("admin")
        #expect(admin.role == .superadmin && admin.orchestraId == nil)
        #expect(PasswordHash.verify(password, against: admin.passwordHash))
        #expect(!PasswordHash.verify("wrong password", against: admin.passwordHash))
        #expect(admin.passwordHash.hasPrefix("$argon2id$"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: directory.keyFile.path)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: directory.keyFile.path)[.size] as? Int == 32)
        #expect(FileManager.default.fileExists(atPath: directory.orchestras.path))
        #expect(FileManager.default.fileExists(atPath: directory.backups.path))
        // The registry is sealed: the superadmin's name is nowhere in its bytes.
        let registryBytes = try Data(contentsOf: directory.registry)
        #expect(registryBytes.range(of: Data("admin@localhost".utf8)) == nil)

        let again = #expect(throws: StoreError.self) { try Appliance.initialise(directory) }
        #expect(again?.code == .conflict)
    }

    @Test("init with an existing key file uses it, so two appliances can share a master key")
    func sharedMasterKey() throws {
        let dir = try TemporaryDirectory()
        let first = DataDirectory(root: dir.path("one"))
        try Appliance.initialise(first, adminPassword: "first appliance pw").appliance.close()
        let second = DataDirectory(root: dir.path("two"), keyFile: first.keyFile.path)
        let result = try Appliance.initialise(second, adminPassword: "second appliance pw")
        try result.appliance.close()
        #expect(!result.createdKeyFile)
        #expect(try MasterKey.load(from: first.keyFile) == MasterKey.load(from: second.keyFile))
    }

    @Test("a key file others can read is refused with the chmod that fixes it")
    func looseKeyFile() throws {
        let fixture = try ApplianceFixture()
        try fixture.appliance.close()
        chmod(fixture.directory.keyFile.path, 0o644)
        let error = #expect(throws: StoreError.self) { try Appliance.open(fixture.directory) }
        #expect(error?.message.contains("chmod 600 \(fixture.directory.keyFile.path)") == true)
    }

    @Test("a different master key is refused as the wrong key; an uninitialised directory is named")
    func wrongMasterKey() throws {
        let fixture = try ApplianceFixture()
        try fixture.appliance.close()
        let otherKey = fixture.dir.path("other.key")
        _ = try MasterKey.create(at: URL(fileURLWithPath: otherKey))
        let error = #expect(throws: StoreError.self) {
            try Appliance.open(DataDirectory(root: fixture.directory.root.path, keyFile: otherKey))
        }
        #expect(error?.code == .wrongKey)
        let empty = #expect(throws: StoreError.self) { try Appliance.open(DataDirectory(root: fixture.dir.path("nothing"))) }
        #expect(empty?.code == .notInitialised)
        #expect(empty?.message.contains("stagesub init") == true)
    }

    @Test("creating an orchestra makes its folder, wrapped key, sealed database and first admin")
    func createOrchestra() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        let created = try app.createOrchestra(slug: "gso", name: "Göteborgs Symfoniker", adminEmail: "kansli@gso.se")
        #expect(created.orchestra.status == .active)
        #expect(created.admin.username == "gso-admin")
        let password = try #require(created.generatedPassword)
        #expect(PasswordHash.verify(password, against: try app.user("kansli@gso.se").passwordHash))
        #expect(try fixture.dir.fileNames().contains("data"))
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestraFolder("gso").path).sorted()
        #expect(files == ["orchestra.db", "orchestra.key"])
        #expect(try app.schemaVersion(of: "gso") == OrchestraMigrations.currentVersion)
        let name = try app.openOrchestraDatabase("gso").read { db in try String.fetchOne(db, sql: "SELECT name FROM orchestraProfile") }
        #expect(name == "Göteborgs Symfoniker")
        // Its own key: the registry's key does not open it.
        #expect(throws: StoreError.self) {
            try SealedDatabase.open(at: fixture.directory.orchestraDatabase("gso").path, key: MasterKey.registryKey(app.masterKey))
        }
        let summary = try #require(try app.orchestraSummaries().first)
        #expect(summary.slug == "gso" && summary.users == 1 && summary.schemaVersion == OrchestraMigrations.currentVersion && summary.sizeBytes > 0)
    }

    @Test("bad slugs, names, emails and duplicates are refused with what to fix")
    func createRefusals() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        _ = try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        let cases: [(String, String, String, StoreError.Code)] = [
            ("Bad Slug", "X", "x@y.se", .invalidInput), ("a", "X", "x@y.se", .invalidInput),
            (String(repeating: "a", count: 41), "X", "x@y.se", .invalidInput), ("ok-slug", " ", "x@y.se", .invalidInput),
            ("ok-slug", "X", "not-an-email", .invalidInput), ("gso", "Again", "y@y.se", .conflict),
            ("ok-slug", "X", "kansli@gso.se", .conflict),
        ]
        for (slug, name, email, code) in cases {
            let error = #expect(throws: StoreError.self) { try app.createOrchestra(slug: slug, name: name, adminEmail: email) }
            #expect(error?.code == code, "\(slug) \(name) \(email)")
        }
        #expect(try app.registry.orchestras().map(\.slug) == ["gso"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path) == ["gso"])
    }

    @Test("a failure at any step of create leaves no folder, no registry row, no user",
          arguments: ["folder", "database", "migrations", "seeded", "key", "registry"])
    func createIsAllOrNothing(_ step: String) throws {
        let fixture = try ApplianceFixture(checkpoint: { name in if name == step { throw InjectedFailure() } })
        let app = fixture.appliance
        #expect(throws: (any Error).self) {
            try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se", adminUsername: "kansli")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.orchestras.path).isEmpty)
        #expect(try app.registry.orchestras().isEmpty)
        #expect(try app.registry.user(named: "kansli") == nil)
        #expect(try app.users().map(\.username) == ["admin"])
    }

    @Test("suspending logs the orchestra's users out; resuming makes it active again")
    func suspendAndResume() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        let created = try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        try app.registry.write { db in
            try Session(tokenHash: "h1", userId: created.admin.id!, createdAt: .now, expiresAt: .now.addingTimeInterval(3600),
                        lastSeenAt: .now).insert(db)
        }
        try app.suspendOrchestra("gso")
        #expect(try app.orchestra("gso").status == .suspended)
        #expect(try app.registry.read { db in try Session.fetchCount(db) } == 0)
        try app.resumeOrchestra("gso")
        #expect(try app.orchestra("gso").status == .active)
        #expect((#expect(throws: StoreError.self) { try app.suspendOrchestra("nobody") })?.code == .notFound)
    }

    @Test("an answer link's orchestra lookup sees this process's suspension at once, another process's within a second")
    func orchestraLookupFollowsChanges() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        _ = try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        #expect(try app.registry.orchestra(slug: "gso")?.status == .active)

        // Given the lookup was just made; when this process suspends the orchestra, it is seen at once.
        try app.suspendOrchestra("gso")
        #expect(try app.registry.orchestra(slug: "gso")?.status == .suspended)
        try app.resumeOrchestra("gso")
        #expect(try app.registry.orchestra(slug: "gso")?.status == .active)

        // When another process (here: a second handle on the same files, as `stagesub orchestra` has) suspends it,
        // then after the cache's lifetime the lookup says suspended too.
        let other = try Appliance.open(fixture.directory)
        try other.suspendOrchestra("gso")
        try other.close()
        Thread.sleep(forTimeInterval: Double(Registry.cacheLifetime.components.seconds) + 0.3)
        #expect(try app.registry.orchestra(slug: "gso")?.status == .suspended)
        // A slug that is no orchestra is never remembered as one.
        #expect(try app.registry.orchestra(slug: "nobody") == nil)
    }

    @Test("users: create, list per orchestra, change password, disable; the last superadmin stays")
    func users() throws {
        let fixture = try ApplianceFixture()
        let app = fixture.appliance
        _ = try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        _ = try app.createOrchestra(slug: "mso", name: "MSO", adminEmail: "kansli@mso.se")
        let (user, generated) = try app.createUser(username: "karin", email: "karin@gso.se", role: .user, orchestra: "gso")
        #expect(generated != nil)
        #expect(try app.users(orchestra: "gso").map(\.username).sorted() == ["gso-admin", "karin"])
        #expect(try app.users(orchestra: "mso").map(\.username) == ["mso-admin"])

        #expect((#expect(throws: StoreError.self) { try app.createUser(username: "KARIN", email: "k2@gso.se", role: .user, orchestra: "gso") })?.code == .conflict)
        #expect((#expect(throws: StoreError.self) { try app.createUser(username: "x1", email: "x@gso.se", role: .admin, orchestra: nil) })?.code == .invalidInput)
        #expect((#expect(throws: StoreError.self) { try app.createUser(username: "x2", email: "x@gso.se", role: .user, orchestra: "nope") })?.code == .notFound)
        #expect((#expect(throws: StoreError.self) { try app.createUser(username: "x3", email: "x@gso.se", role: .user, orchestra: "gso", password: "short") })?.code == .invalidInput)

        try app.registry.write { db in
            try Session(tokenHash: "k", userId: user.id!, createdAt: .now, expiresAt: .now, lastSeenAt: .now).insert(db)
        }
        #expect(try app.setPassword(of: "karin", to: "a brand new password") == nil)
        #expect(PasswordHash.verify("a brand new password", against: try app.user("karin").passwordHash))
        #expect(try app.registry.read { db in try Session.fetchCount(db) } == 0)
        try app.disableUser("karin@gso.se")
        #expect(try app.user("karin").active == false)
        #expect((#expect(throws: StoreError.self) { try app.disableUser("admin") })?.code == .conflict)
        _ = try app.createUser(username: "root2", email: "root2@example.org", role: .superadmin, orchestra: nil)
        try app.disableUser("admin")
        #expect(try app.user("admin").active == false)
    }
}

@Suite("What a new orchestra starts with")
struct SeedTests {
    @Test("the instruments and positions of a Swedish symphony orchestra, in score order, and every template in Swedish and English")
    func seeds() throws {
        let fixture = try ApplianceFixture()
        _ = try fixture.appliance.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        let db = try fixture.appliance.openOrchestraDatabase("gso")
        defer { try? SealedDatabase.close(db) }
        try db.read { db in
            let instruments = try String.fetchAll(db, sql: "SELECT name FROM instrument ORDER BY displayOrder")
            #expect(instruments.prefix(5) == ["Violin 1", "Violin 2", "Altfiol", "Cello", "Kontrabas"])
            #expect(instruments.count == 17)
            let violin = try Row.fetchAll(db, sql: """
                SELECT p.name, p.nameEn FROM position p JOIN instrument i ON i.id = p.instrumentId
                WHERE i.name = 'Violin 1' ORDER BY p.hierarchyLevel
                """).map { "\($0[0] as String)/\($0[1] as String)" }
            #expect(violin == ["Förste konsertmästare/Concertmaster", "Andre konsertmästare/Associate concertmaster", "Tutti/Tutti"])
            let templates = try Row.fetchAll(db, sql: "SELECT type, language FROM emailTemplate ORDER BY type, language")
                .map { "\($0[0] as String):\($0[1] as String)" }
            for type in ["confirmation", "group_email", "position_filled", "reminder", "request"] {
                #expect(templates.contains("\(type):sv") && templates.contains("\(type):en"), "\(type)")
            }
            let request = try String.fetchOne(db, sql: "SELECT body FROM emailTemplate WHERE type = 'request' AND language = 'sv'") ?? ""
            #expect(request.contains("{{responseUrl}}") && request.contains("{{firstName}}"))
            #expect(try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'reminderPercentage'") == "75")
        }
    }
}
