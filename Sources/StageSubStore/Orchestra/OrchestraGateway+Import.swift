import Foundation
import GRDB
import StageSubCore

/// What an import did or would do.
public struct ImportReport: Sendable {
    /// Musicians imported (or, on a dry run or with issues, that would be): the rows without problems.
    public let musicians: Int
    /// The file's rows below the header, good or bad.
    public let rows: Int
    /// Every bad row, by line; when there are any, nothing is imported.
    public let issues: [ImportIssue]
    public let committed: Bool
    /// Columns of the file that were not read, by header: nothing of theirs is imported.
    public let ignoredColumns: [String]
}

extension OrchestraGateway {
    /// Imports musicians from CSV, all or nothing: every bad row is reported by line and reason, duplicate
    /// emails and phones (in the file or on the roster) are reported and never merged, and nothing is
    /// written unless every row is good and this is not a dry run.
    public func importMusicians(_ data: Data, dryRun: Bool, now: Date) throws(StoreError) -> ImportReport {
        let table: CSVTable
        do { table = try CSVTable(data: data) } catch {
            throw StoreError(.invalidInput, "line \(error.line): \(error.message)")
        }
        let (drafts, fileIssues, ignored) = MusicianImport.read(table)
        var issues = fileIssues
        return try write { db in
            var phones: [String: Int] = [:]
            for draft in drafts {
                if let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE email = ? COLLATE NOCASE", arguments: [draft.email]) {
                    issues.append(ImportIssue(line: draft.line, .emailTaken(email: draft.email, by: other.fullName, musicianId: other.id ?? 0)))
                }
                if let phone = draft.phone {
                    if let other = try Musician.fetchOne(db, sql: "SELECT * FROM musician WHERE phone = ?", arguments: [phone]) {
                        issues.append(ImportIssue(line: draft.line, .phoneTaken(phone: phone, by: other.fullName, musicianId: other.id ?? 0)))
                    } else if let earlier = phones[phone] {
                        issues.append(ImportIssue(line: draft.line, .phoneAlsoOnLine(phone: phone, line: earlier)))
                    }
                    phones[phone] = phones[phone] ?? draft.line
                }
            }
            if let max = limits?.maxMusicians {
                let onRoster = try Int.fetchOne(db, sql: "SELECT count(*) FROM musician WHERE NOT isArchived") ?? 0
                if onRoster + drafts.count > max {
                    issues.append(ImportIssue(line: 1, .planLimit(max: max, onRoster: onRoster, adding: drafts.count)))
                }
            }
            issues.sort { $0.line < $1.line }
            guard issues.isEmpty, !dryRun else { return ImportReport(musicians: drafts.count, rows: table.records.count, issues: issues, committed: false, ignoredColumns: ignored) }
            for draft in drafts {
                var musician = Musician(firstName: draft.firstName, lastName: draft.lastName, email: draft.email, phone: draft.phone,
                                        preferredLanguage: draft.preferredLanguage, localResidence: draft.localResidence,
                                        notes: draft.notes, now: now)
                try musician.insert(db)
            }
            return ImportReport(musicians: drafts.count, rows: table.records.count, issues: [], committed: true, ignoredColumns: ignored)
        }
    }
}
