import ArgumentParser
import StageSubStore

extension StageSubCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set up a data directory: master key, registry, and the superadmin 'admin'.",
            discussion: """
                An existing key file is used as it is (several appliances may share a master key); otherwise a \
                new one is written with mode 0600. Without --admin-password-file the superadmin's password is \
                generated and printed once.
                """)

        @OptionGroup var appliance: ApplianceOptions

        @Option(help: ArgumentHelp("A file whose first line is the superadmin's password.", valueName: "file"))
        var adminPasswordFile: String?

        func run() throws {
            let password = try adminPasswordFile.map { try readSecret(fromFile: $0, what: "password") }
            let result = try Appliance.initialise(appliance.directory, adminPassword: password)
            defer { try? result.appliance.close() }
            let directory = appliance.directory
            print("Initialised \(directory.root.path)")
            print(result.createdKeyFile ? "Master key written to \(directory.keyFile.path) (mode 0600). Keep a copy somewhere safe: without it no orchestra can be read."
                                        : "Using the existing master key \(directory.keyFile.path).")
            if let generated = result.generatedPassword {
                print("Superadmin: admin   password: \(generated)   (shown once; change it with `stagesub user passwd admin`)")
            } else {
                print("Superadmin: admin   password: from \(adminPasswordFile ?? "")")
            }
        }
    }
}
