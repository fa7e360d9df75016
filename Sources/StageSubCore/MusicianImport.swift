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

    static let headerNames: [Field: Set<String>] = [
        .firstName: ["förnamn", "fornamn", "first name", "firstname", "given name"],
        .lastName: ["efternamn", "last name", "lastname", "surname", "family name"],
        .email: ["e-post", "epost", "e-postadress", "mejl", "mail", "email", "e-mail"],
        .phone: ["telefon", "mobil", "mobilnummer", "telefonnummer", "phone", "mobile", "phone number"],
        .language: ["språk", "sprak", "language"],
        .local: ["lokalboende", "lokal", "bor lokalt", "local", "local residence", "local resident"],
        .notes: ["anteckningar", "anteckning", "kommentar", "notes", "note", "comment"],
    ]

    /// The drafts of every good row and the issues of every bad one (line numbers from the file).
    public static func read(_ table: CSVTable) -> (drafts: [MusicianDraft], issues: [ImportIssue]) {
        var columns: [Field: Int] = [:]
        for (index, name) in table.header.enumerated() {
            let key = name.lowercased()
            if let field = Field.allCases.first(where: { headerNames[$0]!.contains(key) }), columns[field] == nil { columns[field] = index }
        }
        var issues: [ImportIssue] = []
        for required in [Field.firstName, .lastName, .email] where columns[required] == nil {
            let names = headerNames[required]!.sorted().prefix(3).joined(separator: " / ")
            issues.append(ImportIssue(line: 1, message: "no column for \(names)"))
        }
        if !issues.isEmpty { return ([], issues) }

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
        return (drafts, issues)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
