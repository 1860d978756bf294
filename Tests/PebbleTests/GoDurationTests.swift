import Pebble
import Testing

@Suite("Go durations")
struct GoDurationTests {
    @Test(arguments: [
        ("0", Int64(0)), ("0s", 0), ("1s", 1_000_000_000), ("500ms", 500_000_000), ("1.5s", 1_500_000_000),
        ("1m30s", 90_000_000_000), ("1h", 3_600_000_000_000), ("2h45m", 9_900_000_000_000), ("1us", 1_000), ("1µs", 1_000),
        ("3ns", 3), ("-1.5h", -5_400_000_000_000), (".5s", 500_000_000), ("4.000s", 4_000_000_000), ("1h2m3.5s", 3_723_500_000_000),
    ])
    func parsesAsGo(text: String, nanoseconds: Int64) {
        #expect(GoDuration.parseNanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "5", "1x", "s", "1.s.", "--1s", "1s2", "9999999999h", " 1s"])
    func refusesWhatGoRefuses(text: String) {
        #expect(GoDuration.parseNanoseconds(text) == nil)
    }

    @Test(arguments: [
        (Int64(0), "0s"), (750, "750ns"), (1_500, "1.5µs"), (500_000_000, "500ms"), (5_000_000_000, "5s"),
        (60_000_000_000, "1m0s"), (90_000_000_000, "1m30s"), (3_600_000_000_000, "1h0m0s"), (3_723_500_000_000, "1h2m3.5s"),
        (-5_400_000_000_000, "-1h30m0s"), (30_000_000_000, "30s"),
    ])
    func formatsAsGo(nanoseconds: Int64, text: String) {
        #expect(GoDuration.format(nanoseconds: nanoseconds) == text)
        #expect(GoDuration.format(.nanoseconds(nanoseconds)) == text)
    }
}
