import Foundation
import Testing

/// The operator's commands through the real `stagesub` binary, on a temporary data directory.
@Suite("stagesub operator commands", .serialized)
struct ApplianceCommandTests {
    let folder: URL
    var data: String { folder.appendingPathComponent("data").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs stagesub with STAGESUB_DATA pointing at this test's data directory.
    func stagesub(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
        try VersionTests.run(arguments, environment: ["STAGESUB_DATA": data])
    }

    func secretFile(_ name: String, _ content: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data((content + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("an operator's day: init, create, users, backup, restore, verify, sql, delete — with exit codes 0, 1, 2")
    func operatorsDay() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try stagesub("orchestra", "list")
        #expect(missing.status == 1)
        #expect(missing.err.contains("stagesub init"))
        #expect(missing.err.split(separator: "\n").count == 1)

        let initialised = try stagesub("init")
        #expect(initialised.status == 0)
        #expect(initialised.out.contains("Superadmin: admin   password: "))
        #expect(try stagesub("init").status == 1)

        let password = try secretFile("pw", "ett långt lösenord")
        let created = try stagesub("orchestra", "create", "gso", "--name", "Göteborgs Symfoniker", "--admin-email", "kansli@gso.se",
                                   "--admin-password-file", password)
        #expect(created.status == 0, "\(created.err)")
        #expect(!created.out.contains("ett långt lösenord"))
        #expect(try stagesub("orchestra", "create", "Bad Slug", "--name", "X", "--admin-email", "x@y.se").status == 1)
        #expect(try stagesub("orchestra", "create", "gso").status == 2)  // missing options: usage

        let list = try stagesub("orchestra", "list", "--json")
        #expect(list.status == 0)
        let orchestras = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]]
        #expect(orchestras?.first?["slug"] as? String == "gso")
        let version = try stagesub("version").out  // "… orchestra schema N)"
        let schema = version.split(separator: " ").last.map { Int($0.dropLast(2)) } ?? nil
        #expect(schema != nil && orchestras?.first?["schemaVersion"] as? Int == schema)

        #expect(try stagesub("user", "create", "--orchestra", "gso", "--username", "karin", "--email", "karin@gso.se", "--role", "user").status == 0)
        #expect(try stagesub("user", "create", "--username", "x", "--email", "x@y.se").status == 2)
        let users = try stagesub("user", "list", "--orchestra", "gso", "--json")
        #expect(users.out.contains("\"karin\"") && users.out.contains("\"gso-admin\""))
        #expect(try stagesub("user", "passwd", "karin", "--password-file", password).status == 0)
        #expect(try stagesub("user", "disable", "karin").status == 0)
        #expect(try stagesub("user", "disable", "nobody").status == 1)

        let passphrase = try secretFile("pp", "Peer Gynt svit nr 1")
        let backup = try stagesub("backup", "gso", "--passphrase-file", passphrase, "--keep", "3")
        #expect(backup.status == 0, "\(backup.err)")
        let file = try #require(backup.out.split(separator: " ").dropFirst().first.map(String.init))
        #expect(file.hasSuffix(".stagesub-backup"))
        #expect(try stagesub("backup").status == 2)
        #expect(try stagesub("backup", "--all").status == 0)

        let restored = try stagesub("restore", file, "--as", "gso-kopia")
        #expect(restored.status == 0, "\(restored.err)")
        #expect(restored.out.contains("as a new orchestra"))
        #expect(try stagesub("verify").out.contains("gso-kopia: ok"))

        let sql = try stagesub("sql", "gso-kopia", "SELECT name FROM orchestraProfile")
        #expect(sql.out.contains("Göteborgs Symfoniker"))
        #expect(try stagesub("sql", "gso", "DROP TABLE setting").status == 1)

        #expect(try stagesub("orchestra", "delete", "gso-kopia").status == 2)
        let deleted = try stagesub("orchestra", "delete", "gso-kopia", "--yes")
        #expect(deleted.status == 0)
        #expect(deleted.out.contains("Final backup:"))
        #expect(!(try stagesub("orchestra", "list").out.contains("gso-kopia")))

        // A damaged database: verify exits 1 and names it.
        let db = URL(fileURLWithPath: data).appendingPathComponent("orchestras/gso/orchestra.db")
        let handle = try FileHandle(forUpdating: db)
        try handle.seek(toOffset: 4096 * 3 + 100)
        try handle.write(contentsOf: [0xFF, 0x00, 0xFF])
        try handle.close()
        let verify = try stagesub("verify", "gso")
        #expect(verify.status == 1)
        #expect(verify.out.contains("gso: DAMAGED"))
        #expect(verify.out.contains("first page 4"))
    }
}
