/// What an audit row did, said in a few words from its method and route: `POST /api/v1/needs/{id}/send` is
/// "Skickade behov" / "Sent need", whether it came through a page or the API. The route itself stays in the
/// log (and in the row's tooltip) for whoever needs the exact call.
extension Words {
    enum AuditVerb: String, CaseIterable {
        case create, edit, delete, archive, restore, send, pause, resume, cancel, book, withdrawal, move, rename, add, remove, clear
        case describe, order, `import`, erase, retry, revoke, disable, enable, password, role, test, enter, leave, suspend, backup
        case rekey, restoreUpload = "restore-upload", end, clock, groupEmail = "group-email", testEmail = "test-email", language
    }

    enum AuditNoun: String, CaseIterable {
        case musicians, instruments, positions, lists, projects, needs, requests, files, templates, settings, users
        case apiKeys = "api-keys", webhooks, outbox, blackouts, account, orchestras, backups, customLists = "custom-lists", links
        case session, demo
    }

    /// The sentence, or nil for a route these words do not cover (the page then shows the route).
    func auditSentence(_ action: String) -> String? {
        let parts = action.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let method = parts[0]
        var segments = parts[1].split(separator: "/").map(String.init)
        if segments.starts(with: ["api", "v1"]) { segments.removeFirst(2) }
        if segments.first == "admin", segments.count > 1 { segments.removeFirst() }
        guard let nounIndex = segments.lastIndex(where: { AuditNoun(rawValue: $0) != nil }) else {
            return segments == ["admin", "leave"] || segments == ["leave"] ? say("Lämnade orkestern", "Left the orchestra") : nil
        }
        var noun = AuditNoun(rawValue: segments[nounIndex])!
        let after = segments[(nounIndex + 1)...].filter { !$0.hasPrefix("{") }
        var verb: AuditVerb
        if let word = after.last {
            guard let known = AuditVerb(rawValue: word == "new" ? "create" : word == "backups" ? "backup" : word) else { return nil }
            verb = known
        } else if segments.last?.hasPrefix("{") == true {
            verb = method == "DELETE" ? .delete : .edit
        } else {
            verb = method == "PATCH" || method == "PUT" ? .edit : .create
        }
        // A list's musicians are the list's places: adding one changes the list, not the roster.
        if noun == .musicians, segments.dropLast().contains("lists") {
            noun = .lists
            verb = verb == .delete ? .remove : verb == .create ? .add : verb
        }
        if noun == .files, verb == .create { return say("Laddade upp fil", "Uploaded file") }
        return verbWord(verb) + " " + nounWord(noun)
    }

    private func verbWord(_ verb: AuditVerb) -> String {
        switch verb {
        case .create: say("Skapade", "Created")
        case .edit: say("Ändrade", "Changed")
        case .delete: say("Tog bort", "Removed")
        case .archive: say("Arkiverade", "Archived")
        case .restore: say("Återställde", "Restored")
        case .send: say("Skickade", "Sent")
        case .pause: say("Pausade", "Paused")
        case .resume: say("Återupptog", "Resumed")
        case .cancel: say("Avbröt", "Cancelled")
        case .book: say("Bokade direkt till", "Booked directly for")
        case .withdrawal: say("Registrerade återbud för", "Recorded a withdrawal for")
        case .move: say("Flyttade", "Moved")
        case .rename: say("Bytte namn på", "Renamed")
        case .add: say("Lade till musiker i", "Added musicians to")
        case .remove: say("Tog bort en musiker från", "Removed a musician from")
        case .clear: say("Tömde", "Cleared")
        case .describe: say("Ändrade beskrivningen av", "Described")
        case .order: say("Ordnade om", "Reordered")
        case .import: say("Importerade", "Imported")
        case .erase: say("Raderade personuppgifterna för", "Erased the personal data of")
        case .retry: say("Försökte skicka igen:", "Retried")
        case .revoke: say("Återkallade", "Revoked")
        case .disable: say("Stängde av", "Disabled")
        case .enable: say("Aktiverade", "Enabled")
        case .password: say("Bytte lösenord för", "Changed the password of")
        case .role: say("Ändrade rollen för", "Changed the role of")
        case .test: say("Testade", "Tested")
        case .enter: say("Gick in i", "Entered")
        case .leave: say("Lämnade", "Left")
        case .suspend: say("Stängde av", "Suspended")
        case .backup: say("Säkerhetskopierade", "Backed up")
        case .rekey: say("Bytte nyckel för", "Re-encrypted")
        case .restoreUpload: say("Återställde från en uppladdad fil:", "Restored from an uploaded file:")
        case .end: say("Loggade ut andra sessioner för", "Ended other sessions of")
        case .clock: say("Flyttade klockan för", "Moved the clock of")
        case .groupEmail: say("Skickade gruppmejl för", "Sent a group email for")
        case .testEmail: say("Skickade testmejl från", "Sent a test email from")
        case .language: say("Bytte språk för", "Changed the language of")
        }
    }

    private func nounWord(_ noun: AuditNoun) -> String {
        switch noun {
        case .musicians: say("musiker", "musician")
        case .instruments: say("instrument", "instrument")
        case .positions: say("stämma", "position")
        case .lists: say("rankinglista", "ranking list")
        case .projects: say("projekt", "project")
        case .needs: say("behov", "need")
        case .requests: say("förfrågan", "request")
        case .files: say("fil", "file")
        case .templates: say("meddelandemall", "message template")
        case .settings: say("inställningarna", "settings")
        case .users: say("användare", "user")
        case .apiKeys: say("API-nyckel", "API key")
        case .webhooks: say("webhook", "webhook")
        case .outbox: say("meddelande", "message")
        case .blackouts: say("datum musikern inte kan", "unavailable dates")
        case .account: say("eget konto", "own account")
        case .orchestras: say("orkester", "orchestra")
        case .backups: say("säkerhetskopia", "backup")
        case .customLists: say("egen lista", "custom list")
        case .links: say("musikerns länk", "musician's link")
        case .session: say("eget konto", "own account")
        case .demo: say("demon", "the demo")
        }
    }
}
