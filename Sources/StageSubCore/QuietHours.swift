import Foundation

/// A daily window in the orchestra's time zone (e.g. 21:00–08:00) during which time does not count toward
/// deadlines and no SMS goes out. The window may cross midnight; it follows daylight saving time.
public struct QuietHours: Sendable, Equatable {
    /// Minutes after local midnight.
    public let startMinute: Int
    public let endMinute: Int
    public let timeZone: TimeZone

    /// From `HH:MM` strings; nil when either is empty or malformed, or the window is empty.
    public init?(start: String, end: String, timeZone: TimeZone) {
        guard let s = Self.minutes(start), let e = Self.minutes(end), s != e else { return nil }
        self.startMinute = s
        self.endMinute = e
        self.timeZone = timeZone
    }

    /// Minutes after midnight of an `HH:MM` time, or nil.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func minuteOfDay(_ date: Date) -> Int {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        let m = minuteOfDay(date)
        return startMinute < endMinute ? (m >= startMinute && m < endMinute) : (m >= startMinute || m < endMinute)
    }

    /// The local day of `date` at `minute` after midnight, `dayOffset` days later.
    private func moment(_ date: Date, minute: Int, dayOffset: Int) -> Date {
        let cal = calendar
        let day = cal.date(byAdding: .day, value: dayOffset, to: cal.startOfDay(for: date)) ?? date
        return cal.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: day) ?? day
    }

    /// The first start of the window strictly after `date`.
    func nextStart(after date: Date) -> Date {
        let today = moment(date, minute: startMinute, dayOffset: 0)
        return today > date ? today : moment(date, minute: startMinute, dayOffset: 1)
    }

    /// The end of the window that contains `date`.
    func end(ofWindowContaining date: Date) -> Date {
        let today = moment(date, minute: endMinute, dayOffset: 0)
        return today > date ? today : moment(date, minute: endMinute, dayOffset: 1)
    }
}

/// Deadlines that count only time outside quiet hours.
public enum Deadline {
    /// The moment `seconds` of counted time have passed after `start` (plain addition without quiet hours).
    public static func after(_ start: Date, counting seconds: TimeInterval, quiet: QuietHours?) -> Date {
        guard let quiet, seconds > 0 else { return start.addingTimeInterval(seconds) }
        var t = start
        var remaining = seconds
        for _ in 0..<10_000 {  // a bound no real deadline reaches (≈ 27 years of days)
            if quiet.contains(t) {
                t = quiet.end(ofWindowContaining: t)
                continue
            }
            let nextQuiet = quiet.nextStart(after: t)
            let available = nextQuiet.timeIntervalSince(t)
            // Strictly less: a moment that would land exactly on the window's start belongs to the window,
            // so it moves to the window's end (a deadline is never acted on as quiet hours begin).
            if remaining < available { return t.addingTimeInterval(remaining) }
            remaining -= available
            t = nextQuiet
        }
        return t.addingTimeInterval(remaining)
    }
}
