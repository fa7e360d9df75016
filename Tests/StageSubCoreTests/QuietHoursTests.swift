import Foundation
import StageSubCore
import Testing

@Suite("Quiet hours and deadlines")
struct QuietHoursTests {
    static let stockholm = TimeZone(identifier: "Europe/Stockholm")!

    static func local(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = stockholm
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    static func show(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = stockholm
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    let quiet = QuietHours(start: "21:00", end: "08:00", timeZone: QuietHoursTests.stockholm)!

    @Test("a window across midnight")
    func contains() {
        #expect(quiet.contains(Self.local("2026-11-23 22:30")))
        #expect(quiet.contains(Self.local("2026-11-24 07:59")))
        #expect(!quiet.contains(Self.local("2026-11-24 08:00")))
        #expect(!quiet.contains(Self.local("2026-11-24 20:59")))
        #expect(QuietHours(start: "", end: "08:00", timeZone: Self.stockholm) == nil)
        #expect(QuietHours(start: "25:00", end: "08:00", timeZone: Self.stockholm) == nil)
    }

    @Test("24 counted hours from 20:00 end at 18:00 two days later; time inside the window does not count",
          arguments: [("2026-11-21 20:00", "2026-11-23 18:00", 46.0), ("2026-03-28 20:00", "2026-03-30 18:00", 45.0),
                      ("2026-10-24 20:00", "2026-10-26 18:00", 47.0)])
    func acrossNightsAndDST(_ sent: String, _ expected: String, _ wallHours: Double) {
        let start = Self.local(sent)
        let deadline = Deadline.after(start, counting: 24 * 3600, quiet: quiet)
        #expect(Self.show(deadline) == expected)
        // The spring-forward night is an hour shorter, the autumn one an hour longer, in wall-clock time.
        #expect(deadline.timeIntervalSince(start) / 3600 == wallHours)
    }

    @Test("a request sent inside the window starts counting when it ends")
    func sentAtNight() {
        let deadline = Deadline.after(Self.local("2026-11-23 23:00"), counting: 3 * 3600, quiet: quiet)
        #expect(Self.show(deadline) == "2026-11-24 11:00")
        #expect(Deadline.after(Self.local("2026-11-23 23:00"), counting: 3 * 3600, quiet: nil) == Self.local("2026-11-24 02:00"))
    }
}
