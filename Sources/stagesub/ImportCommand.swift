import ArgumentParser
import Foundation
import StageSubCore
import StageSubStore

extension StageSubCommand {
    struct ImportMusicians: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-musicians",
            abstract: "Import musicians from a CSV file (as Excel writes it), all or nothing.",
            discussion: """
                Columns by header name, Swedish or English: förnamn/first name, efternamn/last name, e-post/email \
                (required); telefon/phone, språk/language (svenska/english), lokalboende/local (ja/nej), \
                anteckningar/notes. ';' or ',' separated; UTF-8 (with or without BOM) or Windows-1252. Every bad \
                row is reported by line; if there is one, nothing is imported.
                """)
        @OptionGroup var appliance: ApplianceOptions
        @Argument var slug: String
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Check the file and report, without importing.") var dryRun = false

        func run() throws {
            let app = try appliance.open()
            defer { try? app.close() }
            guard let data = FileManager.default.contents(atPath: file) else { throw StoreError(.fileMissing, "cannot read \(file)") }
            let database = try app.openOrchestraDatabase(slug)
            defer { try? SealedDatabase.close(database) }
            let report = try app.gateway(slug, database: database, answerBaseURL: "").importMusicians(data, dryRun: dryRun, now: SystemClock().now())
            for issue in report.issues { print(issue) }
            if !report.ignoredColumns.isEmpty {
                print("Columns not imported (unknown headers): \(report.ignoredColumns.joined(separator: ", "))")
            }
            if !report.issues.isEmpty {
                throw StoreError(.invalidInput, "\(report.issues.count) problems in \(file); nothing was imported")
            }
            print(report.committed ? "Imported \(report.musicians) musicians into \(slug)"
                                   : "\(report.musicians) musicians would be imported (dry run: nothing was changed)")
        }
    }
}
