/// Days a musician cannot play (holiday, another engagement), with an optional note. The planner passes a
/// musician over for a need whose project's days overlap one of them.
public struct Blackout: Sendable, Hashable, Codable {
    public var id: Int64
    public var start: CalendarDay
    public var end: CalendarDay
    public var note: String?

    public init(id: Int64, start: CalendarDay, end: CalendarDay, note: String? = nil) {
        self.id = id
        self.start = start
        self.end = end
        self.note = note
    }

    /// Whether the blackout covers any day the project occupies (a project without an end date counts
    /// its whole ISO week, as for conflicts).
    public func overlaps(_ period: ProjectPeriod) -> Bool { (start...max(start, end)).overlaps(period.span) }

    /// The longest note a blackout keeps.
    public static let maximumNoteLength = 200
    /// How many blackouts one musician may keep at once (beyond that it is a script, not a person).
    public static let maximumPerMusician = 200

    /// A refusal for a blackout that cannot be kept, or nil. `years` bounds the dates (typos otherwise).
    public static func problem(start: String, end: String, note: String?, years: ClosedRange<Int>) -> String? {
        guard let first = CalendarDay(iso: start), years.contains(first.components.year) else {
            return "startDate must be a date YYYY-MM-DD from \(years.lowerBound) to \(years.upperBound)"
        }
        guard let last = CalendarDay(iso: end), years.contains(last.components.year) else {
            return "endDate must be a date YYYY-MM-DD from \(years.lowerBound) to \(years.upperBound)"
        }
        if last < first { return "endDate is before startDate" }
        if last.ordinal - first.ordinal > 366 { return "a blackout may be at most a year long; add another for the rest" }
        if let note, note.count > maximumNoteLength || note.contains(where: \.isNewline) {
            return "note must be one line of at most \(maximumNoteLength) characters"
        }
        return nil
    }
}
