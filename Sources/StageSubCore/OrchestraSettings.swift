import Foundation

/// How an orchestra's email leaves the appliance.
public enum EmailTransportKind: String, Sendable, Codable, CaseIterable {
    /// Messages stay in the outbox, where people read them (the demo, an orchestra not yet set up).
    case outbox
    case smtp
    /// Resend's HTTP API (`resendApiKey`).
    case resend
}

/// How an orchestra's SMS leave the appliance.
public enum SMSTransportKind: String, Sendable, Codable, CaseIterable {
    /// SMS stay in the outbox, where people read them.
    case outbox
    /// Twilio's Messages API (`twilioAccountSid`, `twilioAuthToken`, `twilioFromNumber`).
    case twilio
}

/// How the SMTP connection is protected.
public enum SMTPSecurity: String, Sendable, Codable, CaseIterable {
    case starttls, tls, none
}

/// An orchestra's settings as one typed value: every key with its default, range and validation. Stored
/// as `key → text` rows; a stored value that is no longer valid reads as the default.
public struct OrchestraSettings: Sendable, Equatable {
    /// The zone an orchestra works in unless it says otherwise.
    public static let defaultTimeZone = "Europe/Stockholm"

    public var timeZone = Self.defaultTimeZone
    /// `HH:MM`, or empty for no quiet hours (both must be set).
    public var quietHoursStart = ""
    public var quietHoursEnd = ""
    /// When the reminder goes, as a share of the response time: 10–90, in steps of 5.
    public var reminderPercentage = 75
    public var conflictPolicy = ConflictPolicy.warn
    public var listConflictMode = ListConflictMode.simple
    /// The language of a new musician and of a user who has not chosen one (sv or en).
    public var defaultLanguage = "sv"
    public var smsOnRequest = false
    public var smsOnReminder = false
    public var emailTransport = EmailTransportKind.outbox
    public var smtpHost = ""
    /// Empty: 587 for STARTTLS and none, 465 for TLS.
    public var smtpPort: Int?
    public var smtpSecurity = SMTPSecurity.starttls
    public var smtpUsername = ""
    /// Write-only: reads back as `(set)` through `publicValues`.
    public var smtpPassword = ""
    public var smtpCACertificate = ""
    public var emailFrom = ""
    public var emailFromName = ""
    public var emailReplyTo = ""
    /// The steps of escalating needs (see `EscalationSchedule.parse` for the text).
    public var escalationSteps = EscalationSchedule.standard
    /// Musicians with no activity for this many years are erased by the due-work pass; 0 never.
    public var retentionYears = 0
    /// Write-only: Resend's API key (`re_…`).
    public var resendApiKey = ""
    /// Write-only: the signing secret of the webhook set up in Resend's dashboard (`whsec_…`).
    public var resendWebhookSecret = ""
    public var smsTransport = SMSTransportKind.outbox
    /// `AC` and 32 hexadecimal digits.
    public var twilioAccountSid = ""
    /// Write-only: also the key Twilio signs its status callbacks with.
    public var twilioAuthToken = ""
    /// The sender: a number in E.164 form (`+46…`) or an alphanumeric sender id of at most 11 characters.
    public var twilioFromNumber = ""

    public init() {}

    /// Every key there is, in the order a settings screen lists them.
    public static let keys = ["timeZone", "quietHoursStart", "quietHoursEnd", "reminderPercentage", "conflictPolicy", "listConflictMode",
                              "defaultLanguage", "smsOnRequest", "smsOnReminder", "emailTransport", "smtpHost", "smtpPort", "smtpSecurity",
                              "smtpUsername", "smtpPassword", "smtpCACertificate", "emailFrom", "emailFromName", "emailReplyTo",
                              "escalationSteps", "retentionYears",
                              "resendApiKey", "resendWebhookSecret", "smsTransport", "twilioAccountSid", "twilioAuthToken", "twilioFromNumber"]

    /// Keys whose value is never shown back.
    public static let secretKeys: Set<String> = ["smtpPassword", "resendApiKey", "resendWebhookSecret", "twilioAuthToken"]
    /// Keys about how email leaves the appliance: hidden from users who are not admins.
    public static let transportKeys: Set<String> = ["emailTransport", "smtpHost", "smtpPort", "smtpSecurity", "smtpUsername", "smtpPassword",
                                                    "smtpCACertificate", "resendApiKey", "resendWebhookSecret", "smsTransport", "twilioAccountSid",
                                                    "twilioAuthToken", "twilioFromNumber"]

    /// The settings stored as text; unknown keys are ignored and invalid values read as the default.
    public init(stored: [String: String]) {
        for (key, value) in stored { try? set(key, value) }
    }

    /// The settings as text, one entry per key (secrets included: for storage only).
    public var stored: [String: String] {
        var out: [String: String] = [:]
        for key in Self.keys { out[key] = value(of: key) }
        return out
    }

    /// The settings as people may read them: secrets as `(set)` or empty.
    public var publicValues: [String: String] {
        var out = stored
        for key in Self.secretKeys where !(out[key] ?? "").isEmpty { out[key] = "(set)" }
        return out
    }

    /// The text of one key.
    public func value(of key: String) -> String? {
        switch key {
        case "timeZone": timeZone
        case "quietHoursStart": quietHoursStart
        case "quietHoursEnd": quietHoursEnd
        case "reminderPercentage": String(reminderPercentage)
        case "conflictPolicy": conflictPolicy.rawValue
        case "listConflictMode": listConflictMode.rawValue
        case "defaultLanguage": defaultLanguage
        case "smsOnRequest": String(smsOnRequest)
        case "smsOnReminder": String(smsOnReminder)
        case "emailTransport": emailTransport.rawValue
        case "smtpHost": smtpHost
        case "smtpPort": smtpPort.map(String.init) ?? ""
        case "smtpSecurity": smtpSecurity.rawValue
        case "smtpUsername": smtpUsername
        case "smtpPassword": smtpPassword
        case "smtpCACertificate": smtpCACertificate
        case "emailFrom": emailFrom
        case "emailFromName": emailFromName
        case "emailReplyTo": emailReplyTo
        case "escalationSteps": escalationSteps.text
        case "retentionYears": String(retentionYears)
        case "resendApiKey": resendApiKey
        case "resendWebhookSecret": resendWebhookSecret
        case "smsTransport": smsTransport.rawValue
        case "twilioAccountSid": twilioAccountSid
        case "twilioAuthToken": twilioAuthToken
        case "twilioFromNumber": twilioFromNumber
        default: nil
        }
    }

    /// Sets one key from text, or says what is wrong with the value (nothing changes then).
    public mutating func set(_ key: String, _ value: String) throws(SettingError) {
        func bad(_ rule: SettingError.Rule) -> SettingError { SettingError(key: key, rule: rule) }
        func text(max: Int) throws(SettingError) -> String {
            guard value.count <= max, !value.contains(where: \.isNewline) else { throw bad(.oneLine(max: max)) }
            return value
        }
        switch key {
        case "timeZone":
            guard TimeZone(identifier: value) != nil else { throw bad(.timeZone) }
            timeZone = value
        case "quietHoursStart", "quietHoursEnd":
            guard value.isEmpty || QuietHours.minutes(value) != nil else { throw bad(.time) }
            if key == "quietHoursStart" { quietHoursStart = value } else { quietHoursEnd = value }
        case "reminderPercentage":
            guard let n = Int(value), (10...90).contains(n), n % 5 == 0 else { throw bad(.reminderSteps) }
            reminderPercentage = n
        case "conflictPolicy":
            guard let v = ConflictPolicy(rawValue: value) else { throw bad(.oneOf(["warn", "skip"])) }
            conflictPolicy = v
        case "listConflictMode":
            guard let v = ListConflictMode(rawValue: value) else { throw bad(.oneOf(["simple", "smart"])) }
            listConflictMode = v
        case "defaultLanguage":
            guard ["sv", "en"].contains(value) else { throw bad(.oneOf(["sv", "en"])) }
            defaultLanguage = value
        case "smsOnRequest", "smsOnReminder":
            guard let v = Bool(value) else { throw bad(.oneOf(["true", "false"])) }
            if key == "smsOnRequest" { smsOnRequest = v } else { smsOnReminder = v }
        case "emailTransport":
            guard let v = EmailTransportKind(rawValue: value) else { throw bad(.oneOf(["outbox", "smtp", "resend"])) }
            emailTransport = v
        case "smtpHost":
            guard value.isEmpty || (value.count <= 253 && value.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) })) else {
                throw bad(.host)
            }
            smtpHost = value
        case "smtpPort":
            if value.isEmpty { smtpPort = nil; return }
            guard let n = Int(value), (1...65535).contains(n) else { throw bad(.port) }
            smtpPort = n
        case "smtpSecurity":
            guard let v = SMTPSecurity(rawValue: value) else { throw bad(.oneOf(["starttls", "tls", "none"])) }
            smtpSecurity = v
        case "smtpUsername": smtpUsername = try text(max: 200)
        case "smtpPassword": smtpPassword = try text(max: 200)
        case "smtpCACertificate":
            guard value.isEmpty || value.contains("-----BEGIN CERTIFICATE-----") else { throw bad(.certificate) }
            smtpCACertificate = value
        case "emailFrom", "emailReplyTo":
            guard value.isEmpty || EmailAddress.isHeaderSafe(value) else { throw bad(.email) }
            if key == "emailFrom" { emailFrom = value } else { emailReplyTo = value }
        case "emailFromName": emailFromName = try text(max: 200)
        case "escalationSteps":
            switch EscalationSchedule.parse(value) {
            case .success(let schedule): escalationSteps = schedule
            case .failure(let error): throw SettingError(key: key, rule: .escalation, escalation: error)
            }
        case "retentionYears":
            guard let n = Int(value), (0...50).contains(n) else { throw bad(.retentionYears) }
            retentionYears = n
        case "resendApiKey", "twilioAuthToken":
            // Secrets go into HTTP headers: printable ASCII without spaces, so none can add a header.
            guard value.count <= 200, value.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
                throw bad(.providerKey)
            }
            if key == "resendApiKey" { resendApiKey = value } else { twilioAuthToken = value }
        case "resendWebhookSecret":
            guard value.isEmpty || (value.hasPrefix("whsec_") && value.count <= 200
                                    && value.dropFirst(6).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })) else {
                throw bad(.resendSecret)
            }
            resendWebhookSecret = value
        case "smsTransport":
            guard let v = SMSTransportKind(rawValue: value) else { throw bad(.oneOf(["outbox", "twilio"])) }
            smsTransport = v
        case "twilioAccountSid":
            guard value.isEmpty || (value.count == 34 && value.hasPrefix("AC") && value.dropFirst(2).allSatisfy(\.isHexDigit)) else {
                throw bad(.twilioSid)
            }
            twilioAccountSid = value
        case "twilioFromNumber":
            let number = value.first == "+" && (8...16).contains(value.count) && value.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
            let senderId = (1...11).contains(value.count) && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") })
                && value.contains(where: \.isLetter)
            guard value.isEmpty || number || senderId else {
                throw bad(.twilioSender)
            }
            twilioFromNumber = value
        default: throw SettingError(key: key, rule: .unknown)
        }
    }

    /// The rule `set` holds a key's value to (nil for a key that is not a setting). Found by asking `set` about
    /// a value no setting takes (a control character, a newline, a space, 300 characters), so the API document,
    /// which says each key's rule, cannot drift from what `set` checks.
    public static func rule(of key: String) -> SettingError.Rule? {
        guard keys.contains(key) else { return nil }
        var probe = OrchestraSettings()
        do {
            try probe.set(key, "\u{1} \n" + String(repeating: "x", count: 300))
            return nil
        } catch {
            return error.rule
        }
    }

    /// These settings with several changes: all of them, or the first that is wrong (in key order).
    public func applying(_ changes: [String: String]) throws(SettingError) -> OrchestraSettings {
        var result = self
        // Quiet hours count only when both ends are set, so they may be set one at a time.
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) { try result.set(key, value) }
        return result
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: Self.defaultTimeZone) ?? .gmt }

    /// The quiet-hours window, when both ends are set.
    public var quietHours: QuietHours? { QuietHours(start: quietHoursStart, end: quietHoursEnd, timeZone: zone) }
}

/// A setting that cannot take the value given.
public struct SettingError: Error, Sendable, Equatable {
    /// What the value must be. `english` is the JSON API's wording; the settings page says each in the
    /// reader's language, beside the field.
    public enum Rule: Sendable, Equatable {
        case oneLine(max: Int)
        case timeZone, time, reminderSteps, host, port, certificate, email, retentionYears, providerKey, resendSecret, twilioSid, twilioSender
        case oneOf([String])
        /// The escalation steps do not parse (`SettingError.escalation` says how).
        case escalation
        case unknown

        public var english: String {
            switch self {
            case .oneLine(let max): "must be one line of at most \(max) characters"
            case .timeZone: "must be a time zone such as Europe/Stockholm"
            case .time: "must be a time HH:MM, or empty"
            case .reminderSteps: "must be 10–90 in steps of 5"
            case .host: "must be a host name or address"
            case .port: "must be a port 1–65535, or empty"
            case .certificate: "must be a PEM certificate, or empty"
            case .email: "must be an email address, or empty"
            case .retentionYears: "must be a number of years 0–50 (0: never erase by itself)"
            case .providerKey: "must be the key as the provider shows it (printable, no spaces), or empty"
            case .resendSecret: "must be the signing secret Resend shows (whsec_…), or empty"
            case .twilioSid: "must be a Twilio account SID (AC and 32 hexadecimal digits), or empty"
            case .twilioSender: "must be a number in E.164 form (+46701234567) or a sender name of at most 11 letters and digits, or empty"
            case .oneOf(let values):
                "must be " + (values.count < 2 ? values.joined() : values.dropLast().joined(separator: ", ") + " or " + values.last!)
            case .escalation: "must be 1 to 6 steps separated by ';', such as \(EscalationSchedule.standard.text)"
            case .unknown: ""
            }
        }
    }

    public let key: String
    public let rule: Rule
    /// For `.escalation`: what the parser found. Beside the rule, not in it, so a `Rule` stays what any value
    /// of the key must be (the API document says each key's rule: `rule(of:)`).
    public let escalation: EscalationError?

    public init(key: String, rule: Rule, escalation: EscalationError? = nil) {
        self.key = key
        self.rule = rule
        self.escalation = escalation
    }

    public var message: String {
        switch rule {
        case .unknown: "there is no setting \(key)"
        case .escalation: escalation?.message ?? "\(key) \(rule.english)"
        default: "\(key) \(rule.english)"
        }
    }
}
