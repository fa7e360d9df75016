import ArgumentParser
import Foundation
import StageSubStore

extension StageSubCommand {
    struct OrchestraCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orchestra",
            abstract: "Create, list, show, suspend, resume, delete and adopt orchestras.",
            subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, Delete.self, Adopt.self])
    }
}

extension StageSubCommand.OrchestraCommand {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an orchestra: its folder, key, sealed database and first admin, all or nothing.")

        @OptionGroup var appliance: ApplianceOptions
        @Argument(help: "The orchestra's slug: 2-40 characters of a-z, 0-9 and -.") var slug: String
        @Option(help: "The orchestra's name.") var name: String
        @Option(help: "The first admin's email.") var adminEmail: String
        @Option(help: "The first admin's username (default SLUG-admin).") var adminUsername: String?
        @Option(help: ArgumentHelp("A file whose first line is the admin's password (default: generated, printed once).", valueName: "file"))
        var adminPasswordFile: String?

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let password = try adminPasswordFile.map { try readSecret(fromFile: $0, what: "password") }
            let created = try app.createOrchestra(slug: slug, name: name, adminEmail: adminEmail, adminUsername: adminUsername,
                                                  adminPassword: password)
            print("Created orchestra \(created.orchestra.slug) (\(created.orchestra.name))")
            print("Admin: \(created.admin.username) <\(created.admin.email)>"
                  + (created.generatedPassword.map { "   password: \($0)   (shown once)" } ?? ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List orchestras with status, schema version and size.")
        @OptionGroup var appliance: ApplianceOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let summaries = try app.orchestraSummaries()
            if json { return try printJSON(summaries) }
            if summaries.isEmpty { return print("No orchestras yet: stagesub orchestra create SLUG --name NAME --admin-email EMAIL") }
            printTable(["SLUG", "STATUS", "SCHEMA", "SIZE", "USERS", "NAME"], summaries.map {
                [$0.slug, $0.status.rawValue, $0.schemaVersion.map(String.init) ?? "unreadable", formatBytes($0.sizeBytes), "\($0.users)", $0.name]
            })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one orchestra.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument var slug: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            let orchestra = try app.orchestra(slug)
            guard let summary = try app.orchestraSummaries().first(where: { $0.slug == slug }) else { return }
            if json { return try printJSON(summary) }
            let users = try app.users(orchestra: slug)
            print("""
                \(orchestra.name) (\(orchestra.slug))
                  status:          \(orchestra.status.rawValue)
                  plan:            \(orchestra.plan) (up to \(orchestra.maxMusicians) musicians, \(orchestra.maxProjects) projects)
                  contact:         \(orchestra.contactName) <\(orchestra.contactEmail)>
                  email transport: \(orchestra.emailTransport)
                  schema version:  \(summary.schemaVersion.map(String.init) ?? "unreadable") (this binary: \(OrchestraMigrations.currentVersion))
                  size on disk:    \(formatBytes(summary.sizeBytes))
                  folder:          \(app.directory.orchestraFolder(slug).path)
                  users:           \(users.map { "\($0.username) (\($0.role.rawValue)\($0.active ? "" : ", disabled"))" }.joined(separator: ", "))
                """)
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend an orchestra: its users are logged out and cannot log in; its data stays.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument var slug: String

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            try app.suspendOrchestra(slug)
            print("Suspended \(slug)")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a suspended orchestra active again.")
        @OptionGroup var appliance: ApplianceOptions
        @Argument var slug: String

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            try app.resumeOrchestra(slug)
            print("Resumed \(slug)")
        }
    }
}
