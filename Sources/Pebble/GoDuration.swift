/// Durations written as Go's `time.Duration` reads and writes them (`500ms`, `1m30s`, `1h0m0s`),
/// which is how Pebble spells `backoff-delay`, `kill-delay`, check periods, wait timeouts and
/// notice intervals.
public enum GoDuration {
    /// Parses Go duration text (`"1.5s"`, `"2m"`, `"-3h4m"`, `"0"`); `nil` when it is not one.
    /// Units: `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`.
    public static func parse(_ text: String) -> Duration? {
        guard let nanoseconds = parseNanoseconds(text) else { return nil }
        return .nanoseconds(nanoseconds)
    }

    /// Parses Go duration text into nanoseconds (Go's `int64`), `nil` on bad text or overflow.
    public static func parseNanoseconds(_ text: String) -> Int64? {
        var s = Substring(text)
        var negative = false
        if let sign = s.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            s = s.dropFirst()
        }
        if s == "0" { return 0 }
        guard !s.isEmpty else { return nil }
        var total: UInt64 = 0
        while !s.isEmpty {
            let whole = s.prefix { $0.isASCII && $0.isNumber }
            s = s.dropFirst(whole.count)
            var fraction = Substring("")
            if s.first == "." {
                s = s.dropFirst()
                fraction = s.prefix { $0.isASCII && $0.isNumber }
                s = s.dropFirst(fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { return nil }
            let unitText = s.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            s = s.dropFirst(unitText.count)
            let unit: UInt64
            switch unitText {
            case "ns": unit = 1
            case "us", "µs", "μs": unit = 1_000
            case "ms": unit = 1_000_000
            case "s": unit = 1_000_000_000
            case "m": unit = 60_000_000_000
            case "h": unit = 3_600_000_000_000
            default: return nil
            }
            var value: UInt64 = 0
            for digit in whole.utf8 {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(UInt64(digit - 48))
                guard !o1, !o2 else { return nil }
                value = plus
            }
            let (scaled, o3) = value.multipliedReportingOverflow(by: unit)
            guard !o3 else { return nil }
            var part = scaled
            if !fraction.isEmpty {
                // The fraction's digits times the unit, as Go adds them (truncated to nanoseconds).
                var scale: Double = 1
                var f: Double = 0
                for digit in fraction.utf8.prefix(18) {
                    scale *= 10
                    f = f * 10 + Double(digit - 48)
                }
                let add = UInt64(f * (Double(unit) / scale))
                let (sum, o4) = part.addingReportingOverflow(add)
                guard !o4 else { return nil }
                part = sum
            }
            let (sum, o5) = total.addingReportingOverflow(part)
            guard !o5 else { return nil }
            total = sum
        }
        if negative {
            guard total <= UInt64(Int64.max) + 1 else { return nil }
            return total == UInt64(Int64.max) + 1 ? Int64.min : -Int64(total)
        }
        guard total <= UInt64(Int64.max) else { return nil }
        return Int64(total)
    }

    /// Go's `Duration.String()`: `0s`, `750ns`, `1.5µs`, `500ms`, `5s`, `1m30s`, `1h0m0s`.
    public static func format(_ duration: Duration) -> String {
        format(nanoseconds: nanoseconds(duration))
    }

    /// Go's `Duration.String()` for a count of nanoseconds.
    public static func format(nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        var u = nanoseconds == Int64.min ? UInt64(Int64.max) + 1 : UInt64(abs(nanoseconds))
        var out = ""
        if u < 1_000_000_000 {
            if u < 1_000 {
                out = "\(u)ns"
            } else if u < 1_000_000 {
                let (whole, frac) = fraction(u, digits: 3)
                out = "\(whole)\(frac)µs"
            } else {
                let (whole, frac) = fraction(u, digits: 6)
                out = "\(whole)\(frac)ms"
            }
        } else {
            let (seconds, frac) = fraction(u, digits: 9)
            u = seconds
            out = "\(u % 60)\(frac)s"
            u /= 60
            if u > 0 {
                out = "\(u % 60)m" + out
                u /= 60
                if u > 0 { out = "\(u)h" + out }
            }
        }
        return negative ? "-" + out : out
    }

    /// Nanoseconds in a Swift duration (saturating).
    public static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (s, o) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if o { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, o2) = s.addingReportingOverflow(attoseconds / 1_000_000_000)
        if o2 { return seconds < 0 ? Int64.min : Int64.max }
        return sum
    }

    /// Splits off the last `digits` decimal digits as a `.123` fraction without trailing zeros.
    private static func fraction(_ v: UInt64, digits: Int) -> (UInt64, String) {
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let whole = v / scale
        var rest = v % scale
        guard rest != 0 else { return (whole, "") }
        var text = String(rest)
        text = String(repeating: "0", count: digits - text.count) + text
        while text.hasSuffix("0") { text.removeLast() }
        rest = 0
        return (whole, "." + text)
    }
}
