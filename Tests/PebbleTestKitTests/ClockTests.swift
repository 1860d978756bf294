#if canImport(Glibc)
import Glibc
#endif
import PebbleTestKit
import Testing

@Suite("Timestamp and WallClock")
struct ClockTests {
    @Test("RFC 3339 of known epochs, in UTC")
    func knownEpochs() {
        #expect(Timestamp(seconds: 0).rfc3339Nano == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_714_566_896).rfc3339Nano == "2024-05-01T12:34:56Z")
        #expect(Timestamp(seconds: 951_782_400).rfc3339 == "2000-02-29T00:00:00Z")
        #expect(Timestamp(seconds: 253_402_300_799).rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Timestamp(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Timestamp(seconds: -86_400 * 365).rfc3339 == "1969-01-01T00:00:00Z")
    }

    @Test("RFC3339Nano trims the fraction's trailing zeros, and drops a zero fraction")
    func fractionTrimming() {
        let base: Int64 = 1_714_566_896
        #expect(Timestamp(seconds: base, nanoseconds: 123_456_789).rfc3339Nano == "2024-05-01T12:34:56.123456789Z")
        #expect(Timestamp(seconds: base, nanoseconds: 123_400_000).rfc3339Nano == "2024-05-01T12:34:56.1234Z")
        #expect(Timestamp(seconds: base, nanoseconds: 100).rfc3339Nano == "2024-05-01T12:34:56.0000001Z")
        #expect(Timestamp(seconds: base, nanoseconds: 500_000_000).rfc3339Nano == "2024-05-01T12:34:56.5Z")
        #expect(Timestamp(seconds: base, nanoseconds: 0).rfc3339Nano == "2024-05-01T12:34:56Z")
        // RFC3339 (seconds) drops the fraction entirely.
        #expect(Timestamp(seconds: base, nanoseconds: 999_999_999).rfc3339 == "2024-05-01T12:34:56Z")
    }

    @Test("Pebble's log timestamp has exactly three fraction digits, truncated")
    func logTimestamp() {
        #expect(Timestamp(seconds: 1_714_566_896, nanoseconds: 1_999_999).logTimestamp == "2024-05-01T12:34:56.001Z")
        #expect(Timestamp(seconds: 1_714_566_896).logTimestamp == "2024-05-01T12:34:56.000Z")
    }

    @Test("HTTP dates")
    func httpDate() {
        #expect(Timestamp(seconds: 784_111_777).httpDate == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(Timestamp(seconds: 0).httpDate == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(Timestamp(seconds: 1_714_566_896).httpDate == "Wed, 01 May 2024 12:34:56 GMT")
    }

    @Test("Nanoseconds carry, arithmetic and order")
    func arithmetic() {
        let t = Timestamp(seconds: 10, nanoseconds: 1_500_000_000)
        #expect(t.seconds == 11 && t.nanoseconds == 500_000_000)
        let earlier = Timestamp(seconds: 10, nanoseconds: -1)
        #expect(earlier.seconds == 9 && earlier.nanoseconds == 999_999_999)
        #expect(earlier < t)
        #expect(t.adding(nanoseconds: -600_000_000) == Timestamp(seconds: 10, nanoseconds: 900_000_000))
        #expect(t.nanoseconds(since: earlier) == 1_500_000_001)
        #expect([t, earlier, .epoch].sorted() == [.epoch, earlier, t])
    }

    @Test("The wall clock agrees with time(2); the monotonic clock does not go backwards")
    func clocks() {
        let now = WallClock.now()
        let seconds = Int64(time(nil))
        #expect(abs(now.seconds - seconds) <= 2)
        #expect(now.rfc3339Nano.hasSuffix("Z"))
        let a = MonotonicClock.nanoseconds()
        let b = MonotonicClock.nanoseconds()
        #expect(b >= a)
        #expect(MonotonicClock.deadline(afterNanoseconds: .max) == .max)
    }
}
