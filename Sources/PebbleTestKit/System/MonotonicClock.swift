#if canImport(Glibc)
import Glibc
#endif

/// The system's monotonic clock (`CLOCK_MONOTONIC`): for timeouts and durations, never for dates.
package enum MonotonicClock {
    /// Nanoseconds since an unspecified point (the boot, on Linux); never goes backwards.
    package static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// The monotonic time `nanoseconds` from now, saturating instead of overflowing.
    package static func deadline(afterNanoseconds nanoseconds: UInt64) -> UInt64 {
        let (sum, overflow) = Self.nanoseconds().addingReportingOverflow(nanoseconds)
        return overflow ? UInt64.max : sum
    }
}
