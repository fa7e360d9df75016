import StageSubCore

/// What was refused, for the refusals a person meets on the staff pages and the console: a duplicate, a
/// limit, a state that does not allow the change. The store's `message` is `english`, as the JSON API and
/// the command line say it; the web interface says each case in the reader's language. A refusal no page
/// can meet (a malformed id, a command-line flag) stays a plain message.
public enum StoreProblem: Sendable, Equatable {
    // The roster
    case emailTaken(email: String, by: String, musician: Int64)
    case phoneTaken(phone: String, by: String, musician: Int64)
    case musicianNameMissing
    case musicianLimit(Int)
    case notQualified(musician: String, id: Int64, position: String)
    // Projects and needs
    case projectNameMissing
    case projectLimit(Int)
    case projectDate(field: String, years: ClosedRange<Int>)
    case endBeforeStart
    case projectStillAsking
    case instrumentArchived(instrument: String, position: String)
    case positionArchived(position: String, instrument: String)
    case needCancelled(Int64)
    case needEdit(NeedEditRefusal)
    case engine(need: Int64, EngineRefusal.Reason)
    case cannotBook(musician: String, EngineRefusal.Reason)
    case listElsewhere
    // Files and group email
    case fileNameMissing
    case fileNameTooLong
    case fileType(String)
    case fileEmpty(String)
    case fileTooLarge(String, mebibytes: Double)
    case subjectMissing
    case messageMissing
    case nobodyBooked(project: String, forNeed: Bool)
    // Lists and the catalogue
    case listInUse(list: Int64, needs: [Int64])
    case descriptionTooLong
    case customListName
    case instrumentExists(String)
    case positionExists(instrument: String, position: String)
    case catalogNameMissing(CatalogKind)
    // Settings
    case setting(SettingError)
    // Templates, webhooks, blackouts
    case templateTextMissing
    case templateTooLong
    case webhookLimit(Int)
    case webhookEventsMissing
    case webhookTestEvent
    case blackoutLimit(Int)
    // Accounts
    case usernameTaken(String)
    case userEmailTaken(String)
    case lastAdmin(String)
    case lastSuperadmin(String)
    case passwordTooShort
    case currentPasswordWrong
    case usernameShape(String)
    case emailShape(String)
    case apiKeyName
    case noEmailAddress
    // The console
    case orchestraExists(String)
    case slugShape(String)
    case orchestraNameMissing
    case orchestraNameLength
    case planLimitRange(String)

    public enum CatalogKind: String, Sendable { case instrument, position }

    /// The refusal in English: the JSON API's and the command line's message.
    public var english: String {
        switch self {
        case .emailTaken(let email, let name, let id): "\(email) already belongs to \(name) (musician \(id))"
        case .phoneTaken(let phone, let name, let id): "\(phone) already belongs to \(name) (musician \(id))"
        case .musicianNameMissing: "a musician needs a first and a last name"
        case .musicianLimit(let max): "the orchestra's plan allows \(max) musicians on the roster; archive someone or ask for a larger plan"
        case .notQualified(let name, let id, let position):
            "\(name) (musician \(id)) is not qualified for \(position); add the position to their profile first"
        case .projectNameMissing: "a project needs a name"
        case .projectLimit(let max): "the orchestra's plan allows \(max) projects; archive a past one or ask for a larger plan"
        case .projectDate(let field, let years): "\(field) must be a date YYYY-MM-DD from \(years.lowerBound) to \(years.upperBound)"
        case .endBeforeStart: "endDate is before startDate"
        case .projectStillAsking: "the project still has needs that are asking musicians; pause or cancel them first"
        case .instrumentArchived(let instrument, let position):
            "\(instrument) is archived; restore the instrument before creating a need on \(position)"
        case .positionArchived(let position, let instrument):
            "\(position) (\(instrument)) is archived; restore the position before creating a need on it"
        case .needCancelled(let id): "need \(id) is cancelled; create a new need instead"
        case .needEdit(let refusal): refusal.message
        case .engine(let need, let reason): "need \(need): \(reason.message)"
        case .cannotBook(let name, let reason): "\(name) cannot be booked: \(reason.message)"
        case .listElsewhere: "the list belongs to another position or project"
        case .fileNameMissing: "the file needs a name"
        case .fileNameTooLong: "the file name is longer than 200 characters; shorten it"
        case .fileType(let type): "\(type.isEmpty ? "an empty type" : type) is not a file type such as application/pdf"
        case .fileEmpty(let name): "\(name) is empty"
        case .fileTooLarge(let name, let mebibytes): "\(name) is \(mebibytes) MiB; files may be at most 10 MiB, so make it smaller or split it"
        case .subjectMissing: "the email needs a subject"
        case .messageMissing: "the email needs a message"
        case .nobodyBooked(let project, let forNeed): "nobody has accepted in \(project)\(forNeed ? " for that need" : "") yet, so there is no one to email"
        case .listInUse(let list, let needs):
            "list \(list) is used by need \(needs.map(String.init).joined(separator: ", ")), which is still asking; "
                + "it cannot be cleared until that need is filled or cancelled"
        case .descriptionTooLong: "description: at most 200 characters"
        case .customListName: "name: a custom list needs a name of at most 200 characters"
        case .instrumentExists(let name): "there is already an instrument called \(name); restore it if it is archived"
        case .positionExists(let instrument, let name): "\(instrument) already has a position called \(name); restore it if it is archived"
        case .catalogNameMissing(let kind): kind == .instrument ? "an instrument needs a name" : "a position needs a name"
        case .setting(let error): error.message
        case .templateTextMissing: "a template needs a text"
        case .templateTooLong: "the template is too long"
        case .webhookLimit(let max): "an orchestra has at most \(max) webhook endpoints"
        case .webhookEventsMissing:
            "events: name at least one of \(WebhookEventType.subscribable.map(\.rawValue).joined(separator: ", "))"
        case .webhookTestEvent: "events: test is sent only by \"send test event\""
        case .blackoutLimit(let max): "a musician may keep at most \(max) blackouts; remove past ones first"
        case .usernameTaken(let name): "the username \(name) is taken"
        case .userEmailTaken(let email): "the email \(email) already belongs to a user"
        case .lastAdmin(let name): "\(name) is the orchestra's last active admin; make another admin first"
        case .lastSuperadmin(let name): "\(name) is the last active superadmin; create another first"
        case .passwordTooShort: "a password needs at least 10 characters"
        case .currentPasswordWrong: "the current password is wrong"
        case .usernameShape(let name): "the username \"\(name)\" must be 2 to 64 letters, digits, '.', '_' or '-'"
        case .emailShape(let email): "\"\(email)\" is not an email address"
        case .apiKeyName: "an API key needs a name of 1 to 80 characters"
        case .noEmailAddress: "the user has no usable email address"
        case .orchestraExists(let slug): "an orchestra \(slug) already exists"
        case .slugShape(let slug): "the slug \"\(slug)\" must be 2 to 40 characters of a-z, 0-9 and -"
        case .orchestraNameMissing: "an orchestra needs a name"
        case .orchestraNameLength: "name: 1 to 120 characters"
        case .planLimitRange(let field): "\(field): must be from 1 to 1000000"
        }
    }
}
