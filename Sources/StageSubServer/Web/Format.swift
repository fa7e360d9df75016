import Foundation
import Hummingbird
import StageSubCore
import StageSubStore

/// The two languages of the interface. A user's own choice wins; without one, the orchestra's (Swedish).
enum Language: String, Sendable, CaseIterable {
    case sv, en

    init(_ code: String?) { self = code == "en" ? .en : .sv }

    static func of(_ user: User?, request: Request) -> Language {
        if let user { return Language(user.preferredLanguage) }
        return Language(HTML.language(of: request))
    }

    var words: Words { Words(language: self) }

    /// Every word of this language by key, for templates (`{{t.key}}`); made once.
    var table: [String: String] { self == .en ? Self.english : Self.swedish }
    static let swedish = Dictionary(uniqueKeysWithValues: Word.allCases.map { ($0.rawValue, $0.text.sv) })
    static let english = Dictionary(uniqueKeysWithValues: Word.allCases.map { ($0.rawValue, $0.text.en) })

    var other: Language { self == .en ? .sv : .en }
}

/// Dates, times, numbers and durations as people of each language write them, in the orchestra's time zone.
enum Format {
    static func dateTime(_ date: Date, timeZone: String, language: Language) -> String {
        HTML.dateTime(date, timeZone: timeZone, language: language.rawValue)
    }

    /// "5 dec. 18:00" / "5 Dec 18:00": dense tables.
    static func shortDateTime(_ date: Date, timeZone: String, language: Language) -> String {
        let (day, time) = local(date, timeZone: timeZone)
        return shortDay(day, language: language) + " " + time
    }

    static func local(_ date: Date, timeZone: String) -> (CalendarDay, String) {
        let zone = HTML.zones.zone(timeZone)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let hour = seconds / 3600, minute = seconds % 3600 / 60
        return (CalendarDay(ordinal: days), "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)")
    }

    /// The orchestra's date today, `YYYY-MM-DD`.
    static func today(_ now: Date, timeZone: String) -> String { local(now, timeZone: timeZone).0.description }

    static func shortDay(_ day: CalendarDay, language: Language) -> String {
        let (year, month, date) = day.components
        let months = language == .en ? ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            : ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."]
        return "\(date) \(months[month - 1]) \(year)"
    }

    /// `YYYY-MM-DD` as "5 dec. 2026"; anything else unchanged.
    static func day(_ iso: String, language: Language) -> String {
        guard let day = CalendarDay(iso: iso) else { return iso }
        return shortDay(day, language: language)
    }

    /// "5–7 dec. 2026 (v. 49)" / "5–7 Dec 2026 (week 49)".
    static func period(start: String, end: String?, week: Int, language: Language) -> String {
        let from = day(start, language: language)
        let span = end.map { $0 == start ? from : from + " – " + day($0, language: language) } ?? from
        return span + (language == .en ? " (week \(week))" : " (v. \(week))")
    }

    /// "83 %" (Swedish writes a space) / "83%".
    static func percent(_ value: Int, language: Language) -> String { language == .en ? "\(value)%" : "\(value) %" }

    /// "10,5" (Swedish writes a decimal comma) / "10.5".
    static func decimal(_ value: Double, language: Language) -> String {
        let text = value == value.rounded() ? String(Int(value)) : String(value)
        return language == .en ? text : text.replacingOccurrences(of: ".", with: ",")
    }

    /// "26 h", "3 d 2 h".
    static func duration(hours: Double, language: Language) -> String {
        let whole = Int(hours.rounded())
        let days = whole / 24, rest = whole % 24
        let d = language == .en ? "d" : "d", h = "h"
        if days == 0 { return "\(whole) \(h)" }
        return rest == 0 ? "\(days) \(d)" : "\(days) \(d) \(rest) \(h)"
    }
}
