import ArgumentParser
import Foundation
import StageSubStore

extension User.Role: ExpressibleByArgument {}

extension StageSubCommand {
    struct UserCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user", abstract: "Create, list and disable users; change passwords.",
            subcommands: [Create.self, List.self, Passwd.self, Disable.self])
    }
}

extension StageSubCommand.UserCommand {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an orchestra's admin or user (--orchestra), or a superadmin (--superadmin).")
        @OptionGroup var appliance: ApplianceOptions
        @Option(help: "The orchestra the user belongs to.") var orchestra: String?
        @Flag(help: "Create a superadmin (no orchestra).") var superadmin = false
        @Option var username: String
        @Option var email: String
        @Option(help: "admin or user.") var role: User.Role?
        @Option(help: ArgumentHelp("A file whose first line is the password (default: generated, printed once).", valueName: "file"))
        var passwordFile: String?

        func validate() throws {
            if superadmin && (orchestra != nil || (role != nil && role != .superadmin)) {
                throw ValidationError("--superadmin takes neither --orchestra nor --role")
            }
            if !superadmin && orchestra == nil { throw ValidationError("give --orchestra SLUG (or --superadmin)") }
            if !superadmin && role == .superadmin { throw ValidationError("use --superadmin to create a superadmin") }
        }

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let password = try passwordFile.map { try readSecret(fromFile: $0, what: "password") }
            let (user, generated) = try app.createUser(username: username, email: email, role: superadmin ? .superadmin : (role ?? .user),
                                                       orchestra: superadmin ? nil : orchestra, password: password)
            print("Created \(user.role.rawValue) \(user.username) <\(user.email)>" + (generated.map { "   password: \($0)   (shown once)" } ?? ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, of one orchestra or all.")
        @OptionGroup var appliance: ApplianceOptions
        @Option var orchestra: String?
        @Flag(help: "Print JSON.") var json = false

        struct Listed: Codable {
            var username: String, email: String, role: String, orchestra: String?, active: Bool, lastLogin: Date?
        }

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let slugs = Dictionary(uniqueKeysWithValues: try app.registry.orchestras().map { ($0.id!, $0.slug) })
            let users = try app.users(orchestra: orchestra).map {
                Listed(username: $0.username, email: $0.email, role: $0.role.rawValue, orchestra: $0.orchestraId.flatMap { slugs[$0] },
                       active: $0.active, lastLogin: $0.lastLogin)
            }
            if json { return try printJSON(users) }
            printTable(["USERNAME", "ROLE", "ORCHESTRA", "ACTIVE", "EMAIL"], users.map {
                [$0.username, $0.role, $0.orchestra ?? "-", $0.active ? "yes" : "no", $0.email]
            })
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password; their sessions end.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "Username or email.") var user: String
        @Option(help: ArgumentHelp("A file whose first line is the new password (default: generated, printed once).", valueName: "file"))
        var passwordFile: String?

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let password = try passwordFile.map { try readSecret(fromFile: $0, what: "password") }
            let generated = try app.setPassword(of: user, to: password)
            print("Password changed for \(user)" + (generated.map { "   new password: \($0)   (shown once)" } ?? ""))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user; their sessions end.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "Username or email.") var user: String

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            try app.disableUser(user)
            print("Disabled \(user)")
        }
    }
}
