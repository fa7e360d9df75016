import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import Synchronization

/// What pages share besides their templates: the language a browser asks for, redirects, dates as people
/// write them. (Escaping is the template engine's: nothing here builds HTML.)
enum HTML {
    /// Swedish unless the browser prefers English.
    static func language(of request: Request) -> String {
        let accept = (request.headers[.acceptLanguage] ?? "").lowercased()
        let sv = accept.range(of: "sv")?.lowerBound
        let en = accept.range(of: "en")?.lowerBound
        if let en, sv.map({ en < $0 }) ?? true { return "en" }
        return "sv"
    }

    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// A date and time in the orchestra's time zone, as people there write it: "lördag 5 december 2026
    /// kl. 18:00", "Saturday 5 December 2026, 18:00". Formatted by hand: a `DateFormatter` per request
    /// was a third of an answer page's time (docs/benchmarks.md).
    static func dateTime(_ date: Date, timeZone: String, language: String) -> String {
        let (local, time) = Format.local(date, timeZone: timeZone)
        let day = longDay(local, language: language)
        return language == "en" ? "\(day), \(time)" : "\(day) kl. \(time)"
    }

    /// `YYYY-MM-DD` as "lördag 5 december 2026" / "Saturday 5 December 2026"; anything else unchanged.
    static func day(_ iso: String, language: String) -> String {
        guard let day = CalendarDay(iso: iso) else { return iso }
        return longDay(day, language: language)
    }

    static func longDay(_ day: CalendarDay, language: String) -> String {
        let (year, month, date) = day.components
        let english = language == "en"
        let weekday = (english ? englishWeekdays : swedishWeekdays)[day.isoWeekday - 1]
        let monthName = (english ? englishMonths : swedishMonths)[month - 1]
        return "\(weekday) \(date) \(monthName) \(year)"
    }

    static let swedishWeekdays = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
    static let englishWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let swedishMonths = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                                "september", "oktober", "november", "december"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                "September", "October", "November", "December"]

    /// Time zones by identifier, looked up once (an unknown identifier reads as Stockholm's).
    static let zones = TimeZoneCache()
}

final class TimeZoneCache: Sendable {
    private let known = Mutex<[String: TimeZone]>([:])

    func zone(_ identifier: String) -> TimeZone {
        known.withLock { zones in
            if let zone = zones[identifier] { return zone }
            let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "Europe/Stockholm") ?? .gmt
            if zones.count < 64 { zones[identifier] = zone }
            return zone
        }
    }
}
