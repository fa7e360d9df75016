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
    let words: Words
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
            return text + " (\(w[.mpWeek]) \(item.weekNumber))"
        }
        func card(_ item: MusicianRequestItem, state: String) -> RequestCard {
            var details: [(String, String)] = []
            if let text = item.rehearsalSchedule, !text.isEmpty { details.append((w[.mpRehearsals], text)) }
            if let text = item.concertInfo, !text.isEmpty { details.append((w[.mpConcerts], text)) }
            if let text = item.location, !text.isEmpty { details.append((w[.mpLocation], text)) }
            return RequestCard(requestId: item.requestId, project: item.projectName, position: "\(item.instrumentName), \(item.positionName)",
                               dates: dates(item), details: details, state: state)
        }
        func pastState(_ item: MusicianRequestItem) -> String {
            switch item.status {
            case .accepted: w[.mpStatusPlayed]
            case .declined: w[.mpStatusDeclined]
            case .timedOut: w[.mpStatusTimedOut]
            case .withdrawn: w[.mpStatusWithdrawn]
            case .cancelled: item.bookingCancelled ? w[.mpStatusBookingCancelled] : w[.mpStatusCancelled]
            case .pending: w[.mpStatusExpired]
            }
        }
        let contact = [data.contactName, data.contactEmail].filter { !$0.isEmpty }.joined(separator: ", ")
        return MusicianPageView(
            language: language, words: w, path: path, title: "\(w[.mpTitle]) — \(data.orchestraName)",
            greeting: "\(w[.mpHello]) \(data.musician.firstName)!", orchestraName: data.orchestraName, contact: contact,
            open: data.open.map { card($0, state: "\(w[.mpAnswerBy]) \(HTML.dateTime($0.deadlineAt, timeZone: data.timeZone, language: language))") },
            upcoming: data.upcoming.map { card($0, state: w[.mpBooked]) },
            past: data.past.map { card($0, state: pastState($0)) },
            blackouts: data.blackouts.map { b in
                let range = b.startDate == b.endDate ? HTML.day(b.startDate, language: language)
                    : HTML.day(b.startDate, language: language) + " – " + HTML.day(b.endDate, language: language)
                return BlackoutRow(id: b.id ?? 0, dates: range, note: b.note ?? "")
            },
            phone: data.musician.phone ?? "")
    }

    static func words(_ language: String) -> Words { Language(language).words }
}
