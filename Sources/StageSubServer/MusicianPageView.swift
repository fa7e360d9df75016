import Foundation
import StageSubCore
import StageSubStore

/// What a musician's own page shows, as plain text values in their language: built from the gateway's
/// data here, turned into markup by `MusicianPageMarkup` (so it can move to a template unchanged).
struct MusicianPageView: Sendable {
    struct RequestCard: Sendable {
        let requestId: Int64
        let project: String
        let position: String
        let dates: String
        let details: [(label: String, text: String)]
        /// Open requests: the answer deadline; others: where it stands.
        let state: String
    }
    struct BlackoutRow: Sendable { let id: Int64; let dates: String; let note: String }

    let language: String
    let words: [String: String]
    /// `/m/<token>`: every form posts below it.
    let path: String
    let title: String
    let greeting: String
    let orchestraName: String
    let contact: String
    let open: [RequestCard]
    let upcoming: [RequestCard]
    let past: [RequestCard]
    let blackouts: [BlackoutRow]
    let phone: String
    /// A message after a change, and an error beside the form it belongs to (with the values kept).
    var notice: String?
    var error: (form: String, message: String)?
    var kept: [String: String] = [:]
    /// A calendar address made just now (shown once: only its hash is kept).
    var calendarURL: String?

    static func build(_ data: MusicianPageData, path: String, now: Date) -> MusicianPageView {
        let language = data.musician.preferredLanguage == "en" ? "en" : "sv"
        let w = words(language)
        func dates(_ item: MusicianRequestItem) -> String {
            var text = HTML.day(item.startDate, language: language)
            if let end = item.endDate, end != item.startDate { text += " – " + HTML.day(end, language: language) }
            return text + " (\(w["week"]!) \(item.weekNumber))"
        }
        func card(_ item: MusicianRequestItem, state: String) -> RequestCard {
            var details: [(String, String)] = []
            if let text = item.rehearsalSchedule, !text.isEmpty { details.append((w["rehearsals"]!, text)) }
            if let text = item.concertInfo, !text.isEmpty { details.append((w["concerts"]!, text)) }
            if let text = item.location, !text.isEmpty { details.append((w["location"]!, text)) }
            return RequestCard(requestId: item.requestId, project: item.projectName, position: "\(item.instrumentName), \(item.positionName)",
                               dates: dates(item), details: details, state: state)
        }
        func pastState(_ item: MusicianRequestItem) -> String {
            switch item.status {
            case .accepted: w["statusPlayed"]!
            case .declined: w["statusDeclined"]!
            case .timedOut: w["statusTimedOut"]!
            case .withdrawn: w["statusWithdrawn"]!
            case .cancelled: item.bookingCancelled ? w["statusBookingCancelled"]! : w["statusCancelled"]!
            case .pending: w["statusExpired"]!
            }
        }
        let contact = [data.contactName, data.contactEmail].filter { !$0.isEmpty }.joined(separator: ", ")
        return MusicianPageView(
            language: language, words: w, path: path, title: "\(w["title"]!) — \(data.orchestraName)",
            greeting: "\(w["hello"]!) \(data.musician.firstName)!", orchestraName: data.orchestraName, contact: contact,
            open: data.open.map { card($0, state: "\(w["answerBy"]!) \(HTML.dateTime($0.deadlineAt, timeZone: data.timeZone, language: language))") },
            upcoming: data.upcoming.map { card($0, state: w["booked"]!) },
            past: data.past.map { card($0, state: pastState($0)) },
            blackouts: data.blackouts.map { b in
                let range = b.startDate == b.endDate ? HTML.day(b.startDate, language: language)
                    : HTML.day(b.startDate, language: language) + " – " + HTML.day(b.endDate, language: language)
                return BlackoutRow(id: b.id ?? 0, dates: range, note: b.note ?? "")
            },
            phone: data.musician.phone ?? "")
    }

    static func words(_ language: String) -> [String: String] { language == "en" ? english : swedish }

    static let english: [String: String] = [
        "title": "My page", "hello": "Hello", "week": "week", "rehearsals": "Rehearsals", "concerts": "Concerts", "location": "Where",
        "open": "Requests waiting for your answer", "none": "Nothing here right now.", "upcoming": "Your bookings", "past": "Earlier requests",
        "answerBy": "Please answer by", "accept": "Yes, I can play", "decline": "No, I cannot", "booked": "Booked",
        "statusPlayed": "Played", "statusDeclined": "You declined", "statusTimedOut": "No answer in time", "statusWithdrawn": "You withdrew",
        "statusBookingCancelled": "Cancelled by the orchestra", "statusCancelled": "Withdrawn by the orchestra", "statusExpired": "The time to answer passed",
        "blackouts": "Dates I cannot play", "blackoutsInfo": "You will not be asked for projects on these days.", "from": "From", "to": "To",
        "note": "Note (optional)", "add": "Add", "remove": "Remove", "details": "My details", "language": "Language", "phone": "Mobile phone",
        "save": "Save", "calendar": "My calendar", "calendarInfo": "Subscribe to your bookings in Google, Apple or Outlook calendar. Making a new address stops the old one.",
        "calendarMake": "Make a calendar address", "calendarMade": "Your calendar address (copy it now; it is shown only once):",
        "contact": "Questions? Contact", "export": "Download everything the orchestra holds about me (JSON)",
        "revoke": "Stop this link", "revokeInfo": "The link stops working at once; ask for a new one on the “my link” page.",
        "saved": "Saved.", "answeredYes": "Thank you — you are booked. A confirmation is on its way.", "answeredNo": "Thank you for answering.",
        "filled": "Thank you, but the position has already been filled.", "expired": "The time to answer that request has passed.",
        "closed": "That request has already been answered or withdrawn.", "revoked": "This link no longer works. You can ask for a new one.",
        "unknown": "This link does not work (it may have expired or been stopped). Ask for a new one on the “my link” page.",
        "linkTitle": "My link", "linkInfo": "Enter your email address and we will send you a link to your page.", "email": "Email address",
        "send": "Send me my link", "linkSent": "If the address belongs to a musician of an orchestra here, a link to their page is on its way. Check your inbox in a few minutes.",
    ]

    static let swedish: [String: String] = [
        "title": "Min sida", "hello": "Hej", "week": "vecka", "rehearsals": "Repetitioner", "concerts": "Konserter", "location": "Plats",
        "open": "Förfrågningar som väntar på ditt svar", "none": "Inget här just nu.", "upcoming": "Dina bokningar", "past": "Tidigare förfrågningar",
        "answerBy": "Svara senast", "accept": "Ja, jag kan", "decline": "Nej, jag kan inte", "booked": "Bokad",
        "statusPlayed": "Spelat", "statusDeclined": "Du tackade nej", "statusTimedOut": "Inget svar i tid", "statusWithdrawn": "Du lämnade återbud",
        "statusBookingCancelled": "Avbokad av orkestern", "statusCancelled": "Återkallad av orkestern", "statusExpired": "Svarstiden gick ut",
        "blackouts": "Datum då jag inte kan spela", "blackoutsInfo": "Du tillfrågas inte om projekt dessa dagar.", "from": "Från", "to": "Till",
        "note": "Anteckning (frivillig)", "add": "Lägg till", "remove": "Ta bort", "details": "Mina uppgifter", "language": "Språk", "phone": "Mobilnummer",
        "save": "Spara", "calendar": "Min kalender", "calendarInfo": "Prenumerera på dina bokningar i Google-, Apple- eller Outlook-kalendern. En ny adress stänger den gamla.",
        "calendarMake": "Skapa en kalenderadress", "calendarMade": "Din kalenderadress (kopiera den nu; den visas bara en gång):",
        "contact": "Frågor? Kontakta", "export": "Ladda ner allt orkestern har sparat om mig (JSON)",
        "revoke": "Stäng den här länken", "revokeInfo": "Länken slutar fungera direkt; be om en ny på sidan ”min länk”.",
        "saved": "Sparat.", "answeredYes": "Tack — du är bokad. En bekräftelse är på väg.", "answeredNo": "Tack för ditt svar.",
        "filled": "Tack, men platsen är redan tillsatt.", "expired": "Tiden för att svara på förfrågan har gått ut.",
        "closed": "Förfrågan är redan besvarad eller återkallad.", "revoked": "Länken fungerar inte längre. Du kan be om en ny.",
        "unknown": "Länken fungerar inte (den kan ha gått ut eller stängts). Be om en ny på sidan ”min länk”.",
        "linkTitle": "Min länk", "linkInfo": "Skriv din e-postadress så skickar vi en länk till din sida.", "email": "E-postadress",
        "send": "Skicka min länk", "linkSent": "Om adressen tillhör en musiker i en orkester här är en länk till sidan på väg. Titta i inkorgen om några minuter.",
    ]
}
