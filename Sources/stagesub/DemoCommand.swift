import ArgumentParser
import Foundation
import StageSubStore

extension StageSubCommand {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the demo orchestra: ~150 musicians, A/B/C lists, projects with needs in every state.",
            discussion: "Initialises the data directory first when it is not yet. Does nothing if the demo orchestra exists.")
        @OptionGroup var appliance: ApplianceOptions
        @Option(help: ArgumentHelp("A file whose first line is the demo admin's password (default: generated, printed once).", valueName: "file"))
        var adminPasswordFile: String?

        func run() throws {
            let directory = appliance.directory
            if !directory.isInitialised {
                let initialised = try Appliance.initialise(directory)
                try initialised.appliance.close()
                print("Initialised \(directory.root.path)")
                if let password = initialised.generatedPassword {
                    print("Superadmin: admin   password: \(password)   (shown once)")
                }
            }
            let app = try appliance.open()
            defer { try? app.close() }
            if try app.registry.orchestra(slug: DemoOrchestra.slug) != nil {
                print("The demo orchestra exists already (log in as demo; `stagesub user passwd demo` sets a new password).")
                return
            }
            let password = try adminPasswordFile.map { try readSecret(fromFile: $0, what: "password") }
            let summary = try DemoOrchestra.create(on: app, adminPassword: password)
            print("Created \(DemoOrchestra.name) (\(DemoOrchestra.slug)): \(summary.musicians) musicians, \(summary.projects) projects, "
                  + "\(summary.needs) needs, \(summary.requests) requests")
            print("Admin: demo" + (summary.created.generatedPassword.map { "   password: \($0)   (shown once)" } ?? ""))
        }
    }
}
