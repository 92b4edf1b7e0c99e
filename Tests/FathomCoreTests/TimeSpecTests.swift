import Testing

@testable import FathomCore

private let now: Int64 = 1_795_161_600_000  // 2026-11-20T08:00:00Z

private func instant(_ s: String) -> Int64? { try? TimeSpec.parseInstant(s, now: now) }

private func instantError(_ s: String) -> String {
    do {
        let v = try TimeSpec.parseInstant(s, now: now)
        return "no error: \(v)"
    } catch { return error.description }
}

private func durationError(_ s: String) -> String {
    do {
        let v = try TimeSpec.parseDuration(s)
        return "no error: \(v)"
    } catch { return error.message }
}

@Suite struct TimeSpecTests {
    @Test func relative() {
        #expect(instant("now") == now)
        #expect(instant("NOW") == now)
        #expect(instant(" now ") == now)
        #expect(instant("-1h") == now - 3_600_000)
        #expect(instant("-30m") == now - 1_800_000)
        #expect(instant("-90s") == now - 90_000)
        #expect(instant("-2d") == now - 2 * 86_400_000)
        #expect(instant("-1w") == now - 7 * 86_400_000)
        #expect(instant("-1h30m") == now - 5_400_000)
        #expect(instant("now-1h") == now - 3_600_000)
        #expect(instant("now+5m") == now + 300_000)
        #expect(instant("+5m") == now + 300_000)
    }

    @Test func rfc3339() {
        #expect(instant("2026-11-20T08:00:00Z") == 1_795_161_600_000)
        #expect(instant("2026-11-20t08:00:00z") == 1_795_161_600_000)
        #expect(instant("2026-11-20 08:00:00Z") == 1_795_161_600_000)
        #expect(instant("2026-11-20T08:00Z") == 1_795_161_600_000)
        #expect(instant("2026-11-20T08:00:00") == 1_795_161_600_000)  // no offset: UTC
        #expect(instant("2026-11-20T08:00:00+02:00") == 1_795_154_400_000)
        #expect(instant("2026-11-20T08:00:00-05:30") == 1_795_181_400_000)
        #expect(instant("2026-11-20T08:00:00+0200") == 1_795_154_400_000)
        #expect(instant("2026-11-20T08:00:00+00:00") == 1_795_161_600_000)
        #expect(instant("2026-12-31T23:59:59Z") == 1_798_761_599_000)
        #expect(instant("1999-12-31T23:59:59Z") == 946_684_799_000)
        #expect(instant("1970-01-01T00:00:00Z") == 0)
    }

    @Test func fractions() {
        #expect(instant("2026-11-20T08:00:00.1Z") == 1_795_161_600_100)
        #expect(instant("2026-11-20T08:00:00.12Z") == 1_795_161_600_120)
        #expect(instant("2026-11-20T08:00:00.123Z") == 1_795_161_600_123)
        #expect(instant("2026-11-20T08:00:00.123456Z") == 1_795_161_600_123)
        #expect(instant("2026-11-20T08:00:00.999999999Z") == 1_795_161_600_999)
        #expect(instant("2026-11-20T08:00:00.5+01:00") == 1_795_158_000_500)
        #expect(
            instantError("2026-11-20T08:00:00.1234567890Z") == """
                error: expected 1 to 9 digits of fraction, found 10 at column 21
                  2026-11-20T08:00:00.1234567890Z
                                      ^
                """)
        #expect(instant("2026-11-20T08:00:00.Z") == nil)
    }

    @Test func dates() {
        #expect(instant("2026-11-20") == 1_795_132_800_000)
        #expect(instant("1970-01-01") == 0)
        #expect(instant("2100-03-01") == 4_107_542_400_000)
    }

    @Test func leapYears() {
        #expect(instant("2024-02-29T12:34:56Z") == 1_709_210_096_000)
        #expect(instant("2000-02-29") == 951_782_400_000)
        #expect(instant("2024-03-01")! - instant("2024-02-28")! == 2 * 86_400_000)
        #expect(instant("2023-03-01")! - instant("2023-02-28")! == 86_400_000)
        #expect(
            instantError("2023-02-29") == """
                error: invalid day '29' (2023-02 has 28 days) at column 9
                  2023-02-29
                          ^
                """)
        #expect(instant("1900-02-29") == nil)
        #expect(instant("2100-02-29") == nil)
        #expect(instant("2026-04-31") == nil)
        #expect(CivilDate.isLeapYear(2024) && CivilDate.isLeapYear(2000) && CivilDate.isLeapYear(2400))
        #expect(!CivilDate.isLeapYear(2023) && !CivilDate.isLeapYear(1900) && !CivilDate.isLeapYear(2100))
    }

    @Test func civilRoundTrip() {
        var days: Int64 = -1_000_000
        while days <= 1_000_000 {
            let (y, m, d) = CivilDate.date(days: days)
            #expect(CivilDate.days(year: y, month: m, day: d) == days)
            #expect(m >= 1 && m <= 12 && d >= 1 && d <= CivilDate.daysInMonth(year: y, month: m))
            days += 997
        }
        // Consecutive days are consecutive dates across a leap day and a year end.
        #expect(CivilDate.date(days: CivilDate.days(year: 2024, month: 2, day: 28) + 1) == (2024, 2, 29))
        #expect(CivilDate.date(days: CivilDate.days(year: 2024, month: 12, day: 31) + 1) == (2025, 1, 1))
    }

    @Test func epochByMagnitude() {
        #expect(instant("1795161600") == 1_795_161_600_000)  // seconds
        #expect(instant("0") == 0)
        #expect(instant("99999999999") == 99_999_999_999_000)  // just below 1e11: seconds
        #expect(instant("1795161600123") == 1_795_161_600_123)  // ms
        #expect(instant("1795161600123456") == 1_795_161_600_123)  // µs
        #expect(instant("1795161600123456789") == 1_795_161_600_123)  // ns
        #expect(instant("99999999999999999999") == nil)  // overflows Int64
    }

    @Test func instantErrors() {
        #expect(
            instantError("2026-13-01") == """
                error: invalid month '13' (expected 01 to 12) at column 6
                  2026-13-01
                       ^
                """)
        #expect(
            instantError("2026-11-20T25:00:00Z") == """
                error: invalid hour '25' (expected 00 to 23) at column 12
                  2026-11-20T25:00:00Z
                             ^
                """)
        #expect(
            instantError("2026-11-20T08:00:00Q") == """
                error: expected 'Z' or an offset such as +02:00 after the time, found 'Q' at column 20
                  2026-11-20T08:00:00Q
                                     ^
                """)
        #expect(
            instantError("yesterday").hasPrefix(
                "error: invalid time 'yesterday' (expected now, -1h, now-30m, an RFC 3339 time such as 2026-11-20T08:00:00Z, a date such as 2026-11-20, or epoch seconds or milliseconds) at column 1"
            ))
        #expect(
            instantError("-1y") == """
                error: unknown unit 'y' in duration (expected ms, s, m, h, d or w) at column 3
                  -1y
                    ^
                """)
        #expect(instantError("now1h").hasPrefix("error: expected '-' or '+' and a duration after 'now'"))
        #expect(instantError("").hasPrefix("error: empty time"))
        #expect(instant("2026-11-20T08:60Z") == nil)
        #expect(instant("2026-11-20T08:00:60Z") == nil)
        #expect(instant("2026-11-20T08:00:00Zjunk") == nil)
        #expect(instant("2026-1-20") == nil)
        #expect(instant("12ab") == nil)
    }

    @Test func durations() throws {
        #expect(try TimeSpec.parseDuration("60s") == 60_000)
        #expect(try TimeSpec.parseDuration("5m") == 300_000)
        #expect(try TimeSpec.parseDuration("1h") == 3_600_000)
        #expect(try TimeSpec.parseDuration("1d") == 86_400_000)
        #expect(try TimeSpec.parseDuration("1w") == 604_800_000)
        #expect(try TimeSpec.parseDuration("90") == 90_000)
        #expect(try TimeSpec.parseDuration("500ms") == 500)
        #expect(try TimeSpec.parseDuration("1h30m") == 5_400_000)
        #expect(try TimeSpec.parseDuration(" 15m ") == 900_000)
        #expect(durationError("") == "empty duration (expected e.g. 60s, 5m, 1h, 1d, 1w, or a number of seconds)")
        #expect(durationError("5x") == "unknown unit 'x' in duration (expected ms, s, m, h, d or w)")
        #expect(durationError("m") == "expected a number in the duration, found 'm' (expected e.g. 60s, 5m, 1h, 1d, 1w, or a number of seconds)")
        #expect(durationError("1h30") == "expected a unit (ms, s, m, h, d or w) after '30', found end of input")
        #expect(durationError("99999999999999999999s") == "duration too large")
        #expect(durationError("9999999999999999w") == "duration too large")
    }

    @Test func format() {
        #expect(TimeSpec.format(1_795_161_600_000) == "2026-11-20T08:00:00Z")
        #expect(TimeSpec.format(1_795_161_600_123) == "2026-11-20T08:00:00.123Z")
        #expect(TimeSpec.format(1_795_161_600_007) == "2026-11-20T08:00:00.007Z")
        #expect(TimeSpec.format(0) == "1970-01-01T00:00:00Z")
        #expect(TimeSpec.format(-1) == "1969-12-31T23:59:59.999Z")
        #expect(TimeSpec.format(951_782_400_000) == "2000-02-29T00:00:00Z")
        #expect(TimeSpec.format(1_798_761_599_000) == "2026-12-31T23:59:59Z")
        // format and parseInstant are inverses.
        for ms: Int64 in [0, 1_709_210_096_000, 1_795_161_600_123, 4_107_542_400_000, 946_684_799_999] {
            #expect(instant(TimeSpec.format(ms)) == ms)
        }
    }
}
