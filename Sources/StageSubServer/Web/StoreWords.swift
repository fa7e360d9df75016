import StageSubCore
import StageSubStore

/// The store's refusals in the reader's language. The store says each in English for the JSON API; a
/// page asks here, so a Swedish page never shows an English sentence for a duplicate, a limit or a state.
/// A refusal the store gives no `problem` for (none a page can meet) comes through in its English words.
extension Words {
    func explain(_ error: StoreError) -> String {
        guard let problem = error.problem else { return error.message }
        return storeProblem(problem)
    }

    func storeProblem(_ problem: StoreProblem) -> String {
        switch problem {
        case .emailTaken(let email, let name, _): say("\(email) tillhör redan \(name)", "\(email) already belongs to \(name)")
        case .phoneTaken(let phone, let name, _): say("\(phone) tillhör redan \(name)", "\(phone) already belongs to \(name)")
        case .musicianNameMissing: say("En musiker behöver för- och efternamn.", "A musician needs a first and a last name.")
        case .musicianLimit(let max):
            say("Orkesterns abonnemang rymmer \(max) musiker; arkivera någon eller be om ett större abonnemang.",
                "The orchestra's plan allows \(max) musicians; archive someone or ask for a larger plan.")
        case .notQualified(let name, _, let position):
            say("\(name) spelar inte \(position); lägg till stämman i musikerns profil först.",
                "\(name) does not play \(position); add the position to their profile first.")
        case .projectNameMissing: say("Ett projekt behöver ett namn.", "A project needs a name.")
        case .projectLimit(let max):
            say("Orkesterns abonnemang rymmer \(max) projekt; arkivera ett gammalt eller be om ett större abonnemang.",
                "The orchestra's plan allows \(max) projects; archive a past one or ask for a larger plan.")
        case .projectDate(let field, let years):
            say("\(field == "endDate" ? "Slutdatum" : "Startdatum") ska vara ett datum mellan \(years.lowerBound) och \(years.upperBound).",
                "The \(field == "endDate" ? "end" : "start") date must be a date from \(years.lowerBound) to \(years.upperBound).")
        case .endBeforeStart: say("Slutdatum är före startdatum.", "The end date is before the start date.")
        case .projectStillAsking:
            say("Projektet har behov som fortfarande frågar musiker; pausa eller avbryt dem först.",
                "The project still has needs that are asking musicians; pause or cancel them first.")
        case .instrumentArchived(let instrument, let position):
            say("\(instrument) är arkiverat; återställ instrumentet innan du lägger ett behov på \(position).",
                "\(instrument) is archived; restore the instrument before adding a need for \(position).")
        case .positionArchived(let position, let instrument):
            say("\(position) (\(instrument)) är arkiverad; återställ stämman innan du lägger ett behov på den.",
                "\(position) (\(instrument)) is archived; restore the position before adding a need for it.")
        case .needCancelled: say("Behovet är avbrutet; lägg till ett nytt behov i stället.", "The need is cancelled; add a new need instead.")
        case .needEdit(let refusal): needEdit(refusal)
        case .engine(_, let reason): engineRefusal(reason)
        case .cannotBook(let name, let reason): say("\(name) kan inte bokas: \(engineRefusal(reason))", "\(name) cannot be booked: \(engineRefusal(reason))")
        case .setting(let refused): settingRule(refused)
        case .listElsewhere: say("Listan hör till en annan stämma eller ett annat projekt.", "The list belongs to another position or project.")
        case .fileNameMissing: say("Filen behöver ett namn.", "The file needs a name.")
        case .fileNameTooLong: say("Filnamnet är längre än 200 tecken; korta det.", "The file name is longer than 200 characters; shorten it.")
        case .fileType(let type): say("\(type.isEmpty ? "En tom typ" : type) är ingen filtyp som application/pdf.",
                                      "\(type.isEmpty ? "An empty type" : type) is not a file type such as application/pdf.")
        case .fileEmpty(let name): say("\(name) är tom.", "\(name) is empty.")
        case .fileTooLarge(let name, let mebibytes):
            say("\(name) är \(Format.decimal(mebibytes, language: .sv)) MiB; en fil får vara högst 10 MiB, så gör den mindre eller dela upp den.",
                "\(name) is \(Format.decimal(mebibytes, language: .en)) MiB; files may be at most 10 MiB, so make it smaller or split it.")
        case .subjectMissing: say("Mejlet behöver en ämnesrad.", "The email needs a subject.")
        case .messageMissing: say("Mejlet behöver en text.", "The email needs a message.")
        case .nobodyBooked(let project, let forNeed):
            say("Ingen har tackat ja i \(project)\(forNeed ? " för det behovet" : "") än, så det finns ingen att mejla.",
                "Nobody has accepted in \(project)\(forNeed ? " for that need" : "") yet, so there is no one to email.")
        case .listInUse(_, let needs):
            say("Listan används av \(needs.count == 1 ? "ett behov" : "\(needs.count) behov") som fortfarande frågar; den kan tömmas när behovet är tillsatt eller avbrutet.",
                "The list is used by \(needs.count == 1 ? "a need" : "\(needs.count) needs") still asking; it can be cleared once that need is filled or cancelled.")
        case .descriptionTooLong: say("Beskrivningen får vara högst 200 tecken.", "The description may be at most 200 characters.")
        case .customListName: say("En egen lista behöver ett namn på högst 200 tecken.", "A custom list needs a name of at most 200 characters.")
        case .instrumentExists(let name):
            say("Det finns redan ett instrument som heter \(name); återställ det om det är arkiverat.",
                "There is already an instrument called \(name); restore it if it is archived.")
        case .positionExists(let instrument, let name):
            say("\(instrument) har redan en stämma som heter \(name); återställ den om den är arkiverad.",
                "\(instrument) already has a position called \(name); restore it if it is archived.")
        case .catalogNameMissing(let kind):
            kind == .instrument ? say("Ett instrument behöver ett namn.", "An instrument needs a name.")
                : say("En stämma behöver ett namn.", "A position needs a name.")
        case .templateTextMissing: say("Mallen behöver en text.", "The template needs a text.")
        case .templateTooLong: say("Mallen är för lång (högst 300 tecken i ämnet och 20 000 i texten).",
                                   "The template is too long (at most 300 characters of subject and 20,000 of text).")
        case .webhookLimit(let max): say("En orkester kan ha högst \(max) webhook-adresser.", "An orchestra has at most \(max) webhook endpoints.")
        case .webhookEventsMissing: say("Välj minst en händelse.", "Choose at least one event.")
        case .webhookTestEvent: say("Testhändelsen skickas bara med ”Skicka testhändelse”.", "The test event is sent only by \"Send test event\".")
        case .blackoutLimit(let max):
            say("En musiker kan ha högst \(max) perioder; ta bort gamla först.", "A musician may keep at most \(max) periods; remove past ones first.")
        case .usernameTaken(let name): say("Användarnamnet \(name) är upptaget.", "The username \(name) is taken.")
        case .userEmailTaken(let email): say("E-postadressen \(email) hör redan till en användare.", "The email \(email) already belongs to a user.")
        case .lastAdmin(let name):
            say("\(name) är orkesterns sista aktiva administratör; gör någon annan till administratör först.",
                "\(name) is the orchestra's last active admin; make another admin first.")
        case .lastSuperadmin(let name):
            say("\(name) är den sista aktiva superadministratören; skapa en till först.", "\(name) is the last active superadmin; create another first.")
        case .passwordTooShort: say("Ett lösenord behöver minst 10 tecken.", "A password needs at least 10 characters.")
        case .currentPasswordWrong: say("Nuvarande lösenord stämmer inte.", "The current password is wrong.")
        case .usernameShape(let name):
            say("Användarnamnet ”\(name)” ska vara 2–64 bokstäver, siffror, '.', '_' eller '-'.",
                "The username \"\(name)\" must be 2 to 64 letters, digits, '.', '_' or '-'.")
        case .emailShape(let email): say("”\(email)” är ingen e-postadress.", "\"\(email)\" is not an email address.")
        case .apiKeyName: say("En API-nyckel behöver ett namn på 1–80 tecken.", "An API key needs a name of 1 to 80 characters.")
        case .noEmailAddress: say("Användaren har ingen användbar e-postadress.", "The user has no usable email address.")
        case .orchestraExists(let slug): say("Det finns redan en orkester \(slug).", "An orchestra \(slug) already exists.")
        case .slugShape(let slug):
            say("Kortnamnet ”\(slug)” ska vara 2–40 tecken a–z, 0–9 och -.", "The slug \"\(slug)\" must be 2 to 40 characters of a-z, 0-9 and -.")
        case .orchestraNameMissing: say("En orkester behöver ett namn.", "An orchestra needs a name.")
        case .orchestraNameLength: say("Namnet ska vara 1–120 tecken.", "The name must be 1 to 120 characters.")
        case .planLimitRange: say("Gränsen ska vara från 1 till 1 000 000.", "The limit must be from 1 to 1,000,000.")
        }
    }

    /// What a setting's value must be, said beside its field.
    func settingRule(_ refused: SettingError) -> String {
        switch refused.rule {
        case .oneLine(let max): say("En rad med högst \(max) tecken.", "One line of at most \(max) characters.")
        case .timeZone: say("En tidszon som Europe/Stockholm.", "A time zone such as Europe/Stockholm.")
        case .time: say("En tid TT:MM, eller tomt.", "A time HH:MM, or empty.")
        case .reminderSteps: say("10–90 i steg om 5.", "10–90 in steps of 5.")
        case .host: say("Ett värdnamn eller en adress.", "A host name or address.")
        case .port: say("En port 1–65535, eller tomt.", "A port 1–65535, or empty.")
        case .certificate: say("Ett PEM-certifikat, eller tomt.", "A PEM certificate, or empty.")
        case .email: say("En e-postadress, eller tomt.", "An email address, or empty.")
        case .retentionYears: say("Ett antal år 0–50 (0: raderas aldrig av sig självt).", "A number of years 0–50 (0: never erased by itself).")
        case .providerKey: say("Nyckeln som leverantören visar den (skrivbara tecken, inga mellanslag), eller tomt.",
                               "The key as the provider shows it (printable, no spaces), or empty.")
        case .resendSecret: say("Signeringsnyckeln som Resend visar (whsec_…), eller tomt.", "The signing secret Resend shows (whsec_…), or empty.")
        case .twilioSid: say("Ett Twilio-konto-SID (AC och 32 hexadecimala siffror), eller tomt.",
                             "A Twilio account SID (AC and 32 hexadecimal digits), or empty.")
        case .twilioSender: say("Ett nummer på formen +46701234567 eller ett avsändarnamn på högst 11 bokstäver och siffror, eller tomt.",
                                "A number in E.164 form (+46701234567) or a sender name of at most 11 letters and digits, or empty.")
        case .oneOf(let values): say("Ett av: \(values.joined(separator: ", ")).", "One of: \(values.joined(separator: ", ")).")
        case .escalation: escalation(refused.escalation?.problem ?? .stepCount)
        case .unknown: say("Okänd inställning.", "Unknown setting.")
        }
    }

    /// What is wrong with the escalation steps' text, step by step.
    func escalation(_ problem: EscalationError.Problem) -> String {
        switch problem {
        case .stepCount: say("1–6 steg, åtskilda med ”;”.", "1 to 6 steps, separated by \";\".")
        case .strategy(let n, let text):
            say("Steg \(n) (\(text)) ska börja med sequential, parallel eller first_come.", "Step \(n) (\(text)) must start with sequential, parallel or first_come.")
        case .width(let n, let text):
            say("Steg \(n) (\(text)): en bredd x1–x10 går bara med parallel.", "Step \(n) (\(text)): a width x1–x10 applies to parallel only.")
        case .responseTime(let n, let text):
            say("Steg \(n) (\(text)) behöver en svarstid som 24h (1–\(DispatchPlanner.responseHoursRange.upperBound)).",
                "Step \(n) (\(text)) needs a response time such as 24h (1–\(DispatchPlanner.responseHoursRange.upperBound)).")
        case .until(let n, let text):
            say("Steg \(n) (\(text)) slutar med ”until Nd” (0–365 dagar före första repetitionen), eller med ingenting på sista steget.",
                "Step \(n) (\(text)) ends with \"until Nd\" (0–365 days before the first rehearsal), or with nothing on the last step.")
        case .lastStepHasUntil: say("Sista steget har inget ”until”.", "The last step has no \"until\".")
        case .untilMissing: say("Varje steg utom det sista slutar med ”until Nd”.", "Every step but the last ends with \"until Nd\".")
        case .daysMustFall(let previous):
            say("Dagarna ska bli färre steg för steg (\(previous)d, sedan färre).", "The days must fall step by step (\(previous)d, then fewer).")
        }
    }

    func engineRefusal(_ reason: EngineRefusal.Reason) -> String {
        switch reason {
        case .needCancelled: say("behovet är avbrutet", "the need is cancelled")
        case .alreadyInProject(let status):
            say("musikern har redan en förfrågan i projektet (\(requestStatus(status)))", "the musician already has a request in this project (\(requestStatus(status)))")
        case .needFilled: say("behovet är redan tillsatt", "the need is already filled")
        case .notAccepted: say("bara en förfrågan som fått ja kan återtas", "only an accepted request can be withdrawn")
        case .alreadyCancelled: say("behovet är redan avbrutet", "the need is already cancelled")
        case .notActive(let status): say("behovet är \(needStatus(status)), inte aktivt", "the need is \(needStatus(status)), not active")
        case .notPaused: say("behovet är inte pausat", "the need is not paused")
        }
    }

    func needEdit(_ refusal: NeedEditRefusal) -> String {
        switch refusal {
        case .onlyQuantity(let changed):
            say("Musiker har redan tillfrågats för behovet, så bara antalet kan ändras (inte \(changed.map(needField).joined(separator: ", "))); avbryt det och lägg till ett nytt behov i stället.",
                "Musicians have already been asked for this need, so only its number may change (not its \(changed.map(needField).joined(separator: ", "))); cancel it and add a new need instead.")
        case .belowAccepted(let accepted):
            say("Antalet kan inte bli mindre än de \(accepted) som redan tackat ja; registrera ett återbud först om någon inte kommer.",
                "The number cannot be less than the \(accepted) already accepted; record a withdrawal first if someone is not coming.")
        case .aboveFirstComeCap(let max):
            say("Behovet frågar högst \(max) musiker (först till kvarn), så antalet kan vara högst \(max); lägg till ett behov för resten.",
                "This need asks at most \(max) musicians (first come), so its number can be at most \(max); add another need for the rest.")
        case .settings(let problem): problem
        case .oneList: say("Ett behov frågar från en lista: en rankinglista eller en egen lista.", "A need asks from one list: a ranking list or a custom list.")
        }
    }

    func needField(_ field: NeedField) -> String {
        switch field {
        case .position: say("stämma", "position")
        case .list: say("lista", "list")
        case .strategy: say("strategi", "strategy")
        case .maxRecipients: say("högsta antal tillfrågade", "maximum recipients")
        case .responseTime: say("svarstid", "response time")
        case .localResidence: say("krav på lokalt boende", "local residence requirement")
        }
    }
}
