import ElectionRecord
import Foundation
import Testing

@Suite("Voting days of a tally per day")
struct TallyDaysTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("Known dates: offsets east and west, midnight edges, a leap day, before 1970")
    func knownDates() {
        let cases: [(String, Int, String)] = [
            ("2026-06-01T06:00:00Z", 120, "2026-06-01"),
            ("2026-06-01T21:59:59Z", 120, "2026-06-01"),
            ("2026-06-01T22:00:00Z", 120, "2026-06-02"),
            ("2026-01-01T03:00:00Z", -300, "2025-12-31"),
            ("2026-01-01T05:00:00Z", -300, "2026-01-01"),
            ("2024-02-29T12:00:00Z", 0, "2024-02-29"),
            ("2024-02-29T23:00:00Z", 60, "2024-03-01"),
            ("1969-12-31T23:59:59Z", 0, "1969-12-31"),
            ("1970-01-01T00:00:00Z", -1, "1969-12-31"),
            ("2000-02-29T10:00:00Z", 840, "2000-03-01"),
            ("2100-03-01T00:00:00Z", -720, "2100-02-28"),
        ]
        for (text, offset, day) in cases {
            #expect(TallyDays(utcOffsetMinutes: offset).day(of: Self.instant(text)) == day, "\(text) at \(offset)")
        }
    }

    @Test("Agrees with Foundation's Gregorian calendar on 20,000 instants from 1900 to 2200")
    func agreesWithCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        for i in 0..<20_000 {
            // Steps of a prime number of seconds and minutes: every time of day, every offset.
            let offset = TallyDays.offsets.lowerBound + (i * 37) % TallyDays.offsets.count
            let seconds = -2_208_988_800 + i * 473_353
            calendar.timeZone = TimeZone(secondsFromGMT: offset * 60)!
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            #expect(TallyDays(utcOffsetMinutes: offset).day(of: Date(timeIntervalSince1970: Double(seconds))) == expected)
        }
    }

    @Test("The window's days: from the opening's date to that of its last second")
    func windowDays() {
        let days = TallyDays(utcOffsetMinutes: 120)
        let window = VotingWindow(opens: Self.instant("2026-06-01T06:00:00Z"), closes: Self.instant("2026-06-03T22:00:00Z"))
        #expect(days.days(of: window) == ["2026-06-01", "2026-06-02", "2026-06-03"])
        let toMidnight = VotingWindow(opens: Self.instant("2026-06-01T06:00:00Z"), closes: Self.instant("2026-06-03T22:00:01Z"))
        #expect(days.days(of: toMidnight).last == "2026-06-04")
    }
}
