import StageSubCore
import Testing

@Suite("Calendar days and project periods")
struct CalendarDayTests {
    @Test("ISO weeks, including the years whose first days belong to the previous year's week",
          arguments: [("2026-01-01", 2026, 1, 4), ("2027-01-01", 2026, 53, 5), ("2024-12-30", 2025, 1, 1),
                      ("2026-11-22", 2026, 47, 7), ("2021-01-03", 2020, 53, 7), ("2000-02-29", 2000, 9, 2)])
    func isoWeeks(_ day: String, year: Int, week: Int, weekday: Int) throws {
        let d = try #require(CalendarDay(iso: day))
        #expect(d.isoWeek.year == year && d.isoWeek.week == week)
        #expect(d.isoWeekday == weekday)
        #expect(d.description == day)
    }

    @Test("impossible dates are refused")
    func invalid() {
        #expect(CalendarDay(iso: "2026-02-29") == nil)
        #expect(CalendarDay(iso: "2026-13-01") == nil)
        #expect(CalendarDay(iso: "26-01-01") == nil)
        #expect(CalendarDay(iso: "2024-02-29") != nil)
    }

    @Test("a project without an end date occupies its start day's ISO week")
    func periods() throws {
        let thursday = try #require(CalendarDay(iso: "2026-11-19"))
        let week = ProjectPeriod(start: thursday)
        #expect(week.span.lowerBound.description == "2026-11-16")
        #expect(week.span.upperBound.description == "2026-11-22")
        #expect(week.overlaps(ProjectPeriod(start: CalendarDay(iso: "2026-11-22")!, end: CalendarDay(iso: "2026-11-25")!)))
        #expect(!week.overlaps(ProjectPeriod(start: CalendarDay(iso: "2026-11-23")!)))
        let explicit = ProjectPeriod(start: CalendarDay(iso: "2026-11-19")!, end: CalendarDay(iso: "2026-11-19")!)
        #expect(!explicit.overlaps(ProjectPeriod(start: CalendarDay(iso: "2026-11-20")!, end: CalendarDay(iso: "2026-11-21")!)))
    }
}
