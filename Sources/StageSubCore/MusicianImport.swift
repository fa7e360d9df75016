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

/// What is wrong with a row of an import file. The reason is data, not a sentence, so each reader words it
/// in its own language (the API in English through `english`, the staff pages through their word table).
public enum ImportProblem: Sendable, Equatable {
    /// The file has no column for a required field; `names` are a few of the headers that would be read.
    case noColumn(names: [String])
    case firstNameMissing
    case lastNameMissing
    case emailMissing
    case notAnEmail(String)
    case emailAlsoOnLine(email: String, line: Int)
    case unknownLanguage(String)
    case notYesOrNo(String)
    case emailTaken(email: String, by: String, musicianId: Int64)
    case phoneTaken(phone: String, by: String, musicianId: Int64)
    case phoneAlsoOnLine(phone: String, line: Int)
    /// The plan's musician limit would be passed.
    case planLimit(max: Int, onRoster: Int, adding: Int)

    public var english: String {
        switch self {
        case .noColumn(let names): "no column for \(names.joined(separator: " / "))"
        case .firstNameMissing: "first name missing"
        case .lastNameMissing: "last name missing"
        case .emailMissing: "email missing"
        case .notAnEmail(let text): "\"\(text)\" is not an email address"
        case .emailAlsoOnLine(let email, let line): "\(email) is also on line \(line)"
        case .unknownLanguage(let text): "language \"\(text)\" is neither svenska nor english"
        case .notYesOrNo(let text): "\"\(text)\" is not ja or nej"
        case .emailTaken(let email, let name, let id): "\(email) already belongs to \(name) (musician \(id))"
        case .phoneTaken(let phone, let name, let id): "\(phone) already belongs to \(name) (musician \(id))"
        case .phoneAlsoOnLine(let phone, let line): "\(phone) is also on line \(line)"
        case .planLimit(let max, let onRoster, let adding): "the plan allows \(max) musicians; \(onRoster) are on the roster and the file adds \(adding)"
        }
    }
}

/// A row that cannot be imported, and why.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let problems: [ImportProblem]
    /// The problems in English, for the API and logs.
    public var message: String { problems.map(\.english).joined(separator: "; ") }
    public var description: String { "line \(line): \(message)" }

    public init(line: Int, _ problems: [ImportProblem]) {
        self.line = line
        self.problems = problems
    }

    public init(line: Int, _ problem: ImportProblem) { self.init(line: line, [problem]) }
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
            issues.append(ImportIssue(line: 1, .noColumn(names: Array(headerNames[required]!.sorted().prefix(3)))))
        }
        if !issues.isEmpty { return ([], issues, ignored) }

        var drafts: [MusicianDraft] = []
        var emails: [String: Int] = [:]
        for record in table.records {
            func value(_ field: Field) -> String {
                guard let index = columns[field], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var problems: [ImportProblem] = []
            let first = value(.firstName), last = value(.lastName), email = value(.email)
            if first.isEmpty { problems.append(.firstNameMissing) }
            if last.isEmpty { problems.append(.lastNameMissing) }
            if email.isEmpty {
                problems.append(.emailMissing)
            } else if !looksLikeEmail(email) {
                problems.append(.notAnEmail(email))
            } else if let earlier = emails[email.lowercased()] {
                problems.append(.emailAlsoOnLine(email: email, line: earlier))
            }
            let languageText = value(.language).lowercased()
            let language: String? = switch languageText {
            case "", "sv", "svenska", "swedish": "sv"
            case "en", "engelska", "english": "en"
            default: nil
            }
            if language == nil { problems.append(.unknownLanguage(value(.language))) }
            let localText = value(.local).lowercased()
            let local: Bool? = switch localText {
            case "", "nej", "no", "0", "false", "n": false
            case "ja", "yes", "1", "true", "x", "j", "y": true
            default: nil
            }
            if local == nil { problems.append(.notYesOrNo(value(.local))) }
            if problems.isEmpty {
                emails[email.lowercased()] = record.line
                let phone = value(.phone), notes = value(.notes)
                drafts.append(MusicianDraft(line: record.line, firstName: first, lastName: last, email: email,
                                            phone: phone.isEmpty ? nil : phone, preferredLanguage: language!, localResidence: local!,
                                            notes: notes.isEmpty ? nil : notes))
            } else {
                issues.append(ImportIssue(line: record.line, problems))
            }
        }
        return (drafts, issues, ignored)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
