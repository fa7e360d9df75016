import Foundation

/// One all-day event of a musician's calendar feed.
public struct CalendarEvent: Sendable, Equatable {
    public var uid: String
    /// Rises with every change, so calendar apps replace what they hold (RFC 5545 §3.8.7.4).
    public var sequence: Int
    public var cancelled: Bool
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var summary: String
    public var description: String
    public var location: String?
    public var lastModified: Date

    public init(uid: String, sequence: Int, cancelled: Bool, firstDay: CalendarDay, lastDay: CalendarDay, summary: String, description: String,
                location: String?, lastModified: Date) {
        self.uid = uid
        self.sequence = sequence
        self.cancelled = cancelled
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.summary = summary
        self.description = description
        self.location = location
        self.lastModified = lastModified
    }
}

/// iCalendar (RFC 5545) text: CRLF line ends, text values escaped, lines folded at 75 octets without
/// splitting a UTF-8 character.
public enum ICalendar {
    public static func calendar(name: String, events: [CalendarEvent], now: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//StageSub//Substitutes//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + text(name), "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + text(event.uid), "DTSTAMP:" + moment(now), "LAST-MODIFIED:" + moment(event.lastModified),
                      "SEQUENCE:\(event.sequence)", "STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"),
                      "DTSTART;VALUE=DATE:" + day(event.firstDay), "DTEND;VALUE=DATE:" + day(event.lastDay.adding(days: 1)),
                      "SUMMARY:" + text(event.summary), "DESCRIPTION:" + text(event.description), "TRANSP:OPAQUE"]
            if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + text(location)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A TEXT value: backslash, semicolon, comma and line breaks escaped (§3.3.11).
    public static func text(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r\n", "\n", "\r": out += "\\n"
            default:
                // Other control characters have no place in a calendar line.
                if let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1, scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.append(ch)
            }
        }
        return out
    }

    /// A content line folded into lines of at most 75 octets, continuation lines starting with a space (§3.1).
    public static func fold(_ line: String) -> String {
        var result = "", current = 0
        for ch in line {
            let size = String(ch).utf8.count
            if current + size > 75 {
                result += "\r\n "
                current = 1
            }
            result.append(ch)
            current += size
        }
        return result
    }

    static func day(_ day: CalendarDay) -> String {
        let (y, m, d) = day.components
        return String(format: "%04d%02d%02d", y, m, d)
    }

    static func moment(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        return day(CalendarDay(ordinal: days)) + String(format: "T%02d%02d%02dZ", rest / 3600, rest % 3600 / 60, rest % 60)
    }
}
