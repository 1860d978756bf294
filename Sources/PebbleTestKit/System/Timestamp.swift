/// A point in time: whole seconds since the Unix epoch (1970-01-01T00:00:00Z) and nanoseconds
/// within that second, with the textual forms Pebble's Go code produces for it (always in UTC).
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the epoch (negative before 1970).
    package private(set) var seconds: Int64
    /// Nanoseconds after `seconds`, in `0..<1_000_000_000`.
    package private(set) var nanoseconds: Int32

    /// The epoch itself.
    package static let epoch = Timestamp(seconds: 0, nanoseconds: 0)

    /// The timestamp `seconds` plus `nanoseconds` after the epoch; `nanoseconds` outside
    /// `0..<1_000_000_000` carries into `seconds`.
    package init(seconds: Int64, nanoseconds: Int64 = 0) {
        let (carry, remainder) = Self.floorDivide(nanoseconds, 1_000_000_000)
        self.seconds = seconds + carry
        self.nanoseconds = Int32(remainder)
    }

    /// The timestamp `nanoseconds` later (earlier when negative).
    package func adding(nanoseconds delta: Int64) -> Timestamp {
        Timestamp(seconds: seconds, nanoseconds: Int64(nanoseconds) + delta)
    }

    /// Nanoseconds from `other` to `self` (negative when `other` is later).
    package func nanoseconds(since other: Timestamp) -> Int64 {
        (seconds - other.seconds) * 1_000_000_000 + Int64(nanoseconds - other.nanoseconds)
    }

    /// Earlier timestamps sort first.
    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// As Go's `time.RFC3339Nano` in UTC, which is what a `time.Time` marshals to in JSON:
    /// `2024-05-01T12:34:56.123456789Z`, the fraction without its trailing zeros
    /// (`…:56.1234Z`) and without the dot when it is zero (`…:56Z`).
    package var rfc3339Nano: String {
        var text = dateAndTime
        if nanoseconds != 0 {
            var digits = Self.padded(Int64(nanoseconds), width: 9)
            while digits.last == "0" { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// As Go's `time.RFC3339` in UTC (whole seconds, the fraction dropped): `2024-05-01T12:34:56Z`.
    package var rfc3339: String { dateAndTime + "Z" }

    /// As Pebble's log lines start (`logger.AppendTimestamp`): always three fraction digits, the
    /// milliseconds truncated, `2024-05-01T12:34:56.123Z`.
    package var logTimestamp: String {
        dateAndTime + "." + Self.padded(Int64(nanoseconds / 1_000_000), width: 3) + "Z"
    }

    /// As an HTTP `Date` header (RFC 9110 IMF-fixdate, Go's `http.TimeFormat`):
    /// `Wed, 01 May 2024 12:34:56 GMT`.
    package var httpDate: String {
        let civil = self.civil
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // the epoch was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(Self.floorDivide(civil.days, 7).remainder)]
        return "\(weekday), \(Self.padded(civil.day, width: 2)) \(months[Int(civil.month) - 1]) \(Self.padded(civil.year, width: 4)) "
            + "\(Self.padded(civil.hour, width: 2)):\(Self.padded(civil.minute, width: 2)):\(Self.padded(civil.second, width: 2)) GMT"
    }

    /// ``rfc3339Nano``.
    package var description: String { rfc3339Nano }

    /// `YYYY-MM-DDTHH:MM:SS`.
    private var dateAndTime: String {
        let civil = self.civil
        return "\(Self.padded(civil.year, width: 4))-\(Self.padded(civil.month, width: 2))-\(Self.padded(civil.day, width: 2))"
            + "T\(Self.padded(civil.hour, width: 2)):\(Self.padded(civil.minute, width: 2)):\(Self.padded(civil.second, width: 2))"
    }

    /// The proleptic Gregorian date and the time of day in UTC, and the days since the epoch.
    private var civil: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, days: Int64) {
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        // Howard Hinnant's civil_from_days: eras of 400 years (146 097 days) starting on March 1st.
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, days)
    }

    /// `value` in decimal with leading zeros up to `width` digits (a minus sign before them).
    private static func padded(_ value: Int64, width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    /// Division rounding towards negative infinity, with a remainder in `0..<divisor`.
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
