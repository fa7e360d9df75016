/// A day in the orchestra's calendar (no time, no time zone): projects start and end on days.
public struct CalendarDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// A day from its year, month (1-12) and day (1-31); nil when no such day exists.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let candidate = CalendarDay(ordinal: CalendarDay.daysFromCivil(year, month, day))
        guard candidate.components == (year, month, day) else { return nil }
        self = candidate
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso string: String) {
        let parts = string.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.ordinal < b.ordinal }

    public func adding(days: Int) -> CalendarDay { CalendarDay(ordinal: ordinal + days) }

    /// (year, month, day).
    public var components: (year: Int, month: Int, day: Int) { CalendarDay.civilFromDays(ordinal) }

    /// 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int { ((ordinal % 7) + 7 + 3) % 7 + 1 }  // 1970-01-01 was a Thursday

    /// The ISO 8601 week number (1-53) and its week-year.
    public var isoWeek: (year: Int, week: Int) {
        let thursday = adding(days: 4 - isoWeekday)  // the week belongs to the year of its Thursday
        let year = thursday.components.year
        let firstOfYear = CalendarDay(year: year, month: 1, day: 1)!
        return (year, (thursday.ordinal - firstOfYear.ordinal) / 7 + 1)
    }

    /// The Sunday that ends this day's ISO week.
    public var endOfISOWeek: CalendarDay { adding(days: 7 - isoWeekday) }

    public var description: String {
        let c = components
        return "\(c.year)-\(c.month < 10 ? "0" : "")\(c.month)-\(c.day < 10 ? "0" : "")\(c.day)"
    }

    // Howard Hinnant's days-from-civil algorithm (public domain), proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// The days a project occupies: start to end, or without an end date, the start day's ISO week.
public struct ProjectPeriod: Hashable, Sendable, Codable {
    public let start: CalendarDay
    public let end: CalendarDay?

    public init(start: CalendarDay, end: CalendarDay? = nil) {
        self.start = start
        self.end = end
    }

    /// The first and last day counted for conflicts.
    public var span: ClosedRange<CalendarDay> {
        let first = end == nil ? start.adding(days: 1 - start.isoWeekday) : start
        let last = end ?? start.endOfISOWeek
        return first...max(first, last)
    }

    public func overlaps(_ other: ProjectPeriod) -> Bool { span.overlaps(other.span) }
}
