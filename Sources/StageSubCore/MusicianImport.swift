/// A musician read from an import file, before it meets the roster.
public struct MusicianDraft: Sendable, Equatable {
    public var line: Int
    public var firstName: String
    public var lastName: String
    public var email: String
    public var phone: String?
    public var preferredLanguage: String
    public var localResidence: Bool
    public var notes: String?
}

/// A row that cannot be imported, and why.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// Maps an import file's columns by their Swedish or English header names and checks every row.
public enum MusicianImport {
    enum Field: CaseIterable { case firstName, lastName, email, phone, language, local, notes }

    /// Header spellings people use, compared after `normalized` (case, spaces, hyphens, dots and
    /// underscores do not matter: "E-post", "e post", "EPOST" are one name).
    static let headerNames: [Field: Set<String>] = [
        .firstName: ["förnamn", "fornamn", "first name", "firstname", "given name", "forename"],
        .lastName: ["efternamn", "last name", "lastname", "surname", "family name"],
        .email: ["e-post", "e-postadress", "mejl", "mejladress", "mail", "mailadress", "email", "email address", "e-mail address"],
        .phone: ["telefon", "tel", "telefonnummer", "mobil", "mobilnummer", "mobiltelefon", "phone", "phone number", "mobile",
                 "mobile phone", "cell", "cell phone", "telephone"],
        .language: ["språk", "sprak", "föredraget språk", "language", "preferred language", "lang"],
        .local: ["lokalboende", "lokalt boende", "lokal", "bor lokalt", "boende", "local", "local residence", "local resident",
                 "lives locally", "resident"],
        .notes: ["anteckningar", "anteckning", "kommentar", "kommentarer", "övrigt", "notering", "notes", "note", "comment",
                 "comments", "remarks"],
    ].mapValues { Set($0.map(normalized)) }

    /// A header as compared: lower case, without spaces, hyphens, dots and underscores.
    static func normalized(_ header: String) -> String {
        String(header.lowercased().filter { !" \t-_.".contains($0) })
    }

    /// The drafts of every good row, the issues of every bad one (line numbers from the file), and the
    /// headers of the columns that were not read (nothing of theirs is imported).
    public static func read(_ table: CSVTable) -> (drafts: [MusicianDraft], issues: [ImportIssue], ignoredColumns: [String]) {
        var columns: [Field: Int] = [:]
        var ignored: [String] = []
        for (index, name) in table.header.enumerated() {
            let key = normalized(name)
            if let field = Field.allCases.first(where: { headerNames[$0]!.contains(key) }), columns[field] == nil {
                columns[field] = index
            } else if !name.trimmingCharacters(in: .whitespaces).isEmpty || table.records.contains(where: { index < $0.fields.count && !$0.fields[index].isEmpty }) {
                ignored.append(name.isEmpty ? "(column \(index + 1), no header)" : name)
            }
        }
        var issues: [ImportIssue] = []
        for required in [Field.firstName, .lastName, .email] where columns[required] == nil {
            let names = headerNames[required]!.sorted().prefix(3).joined(separator: " / ")
            issues.append(ImportIssue(line: 1, message: "no column for \(names)"))
        }
        if !issues.isEmpty { return ([], issues, ignored) }

        var drafts: [MusicianDraft] = []
        var emails: [String: Int] = [:]
        for record in table.records {
            func value(_ field: Field) -> String {
                guard let index = columns[field], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var problems: [String] = []
            let first = value(.firstName), last = value(.lastName), email = value(.email)
            if first.isEmpty { problems.append("first name missing") }
            if last.isEmpty { problems.append("last name missing") }
            if email.isEmpty {
                problems.append("email missing")
            } else if !looksLikeEmail(email) {
                problems.append("\"\(email)\" is not an email address")
            } else if let earlier = emails[email.lowercased()] {
                problems.append("\(email) is also on line \(earlier)")
            }
            let languageText = value(.language).lowercased()
            let language: String? = switch languageText {
            case "", "sv", "svenska", "swedish": "sv"
            case "en", "engelska", "english": "en"
            default: nil
            }
            if language == nil { problems.append("language \"\(value(.language))\" is neither svenska nor english") }
            let localText = value(.local).lowercased()
            let local: Bool? = switch localText {
            case "", "nej", "no", "0", "false", "n": false
            case "ja", "yes", "1", "true", "x", "j", "y": true
            default: nil
            }
            if local == nil { problems.append("\"\(value(.local))\" is not ja or nej") }
            if problems.isEmpty {
                emails[email.lowercased()] = record.line
                let phone = value(.phone), notes = value(.notes)
                drafts.append(MusicianDraft(line: record.line, firstName: first, lastName: last, email: email,
                                            phone: phone.isEmpty ? nil : phone, preferredLanguage: language!, localResidence: local!,
                                            notes: notes.isEmpty ? nil : notes))
            } else {
                issues.append(ImportIssue(line: record.line, message: problems.joined(separator: "; ")))
            }
        }
        return (drafts, issues, ignored)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
