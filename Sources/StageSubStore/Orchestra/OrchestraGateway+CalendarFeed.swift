import Foundation
import GRDB
import StageSubCore

/// A musician's private calendar feed: every booking, and bookings that ended (cancelled by the
/// orchestra, or withdrawn) as cancelled events with the same UID and a higher SEQUENCE, so a
/// subscribed calendar removes them.
extension OrchestraGateway {
    /// The feed a calendar link opens, or nil when the link does not work.
    public func calendarFeed(link token: String, now: Date) throws(StoreError) -> String? {
        try read { db in
            guard let musician = try linkedMusician(token, purpose: .calendar, now: now, in: db) else { return nil }
            let english = musician.preferredLanguage == "en"
            let events = try requestItems(musician: musician.id!, in: db).compactMap { item -> CalendarEvent? in
                let ended = item.status == .withdrawn || item.bookingCancelled
                guard item.status == .accepted || ended, let first = CalendarDay(iso: item.startDate) else { return nil }
                let last = CalendarDay(iso: item.lastDay) ?? first
                var description = "\(item.instrumentName), \(item.positionName)"
                if let text = item.rehearsalSchedule, !text.isEmpty { description += "\n\n" + (english ? "Rehearsals:\n" : "Repetitioner:\n") + text }
                if let text = item.concertInfo, !text.isEmpty { description += "\n\n" + (english ? "Concerts:\n" : "Konserter:\n") + text }
                // Seconds since 2020 of the latest change; a cancellation counts one more, so it always outranks the booking.
                let sequence = max(0, Int(item.changedAt.timeIntervalSince1970) - 1_577_836_800) + (ended ? 1 : 0)
                return CalendarEvent(uid: "request-\(item.requestId)@stagesub", sequence: sequence, cancelled: ended, firstDay: first,
                                     lastDay: max(first, last), summary: "\(orchestraName): \(item.projectName)", description: description,
                                     location: item.location, lastModified: item.changedAt)
            }
            return ICalendar.calendar(name: orchestraName, events: events, now: now)
        }
    }
}
