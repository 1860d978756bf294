#if canImport(Glibc)
import Glibc
#endif

/// The system's real-time clock (`CLOCK_REALTIME`): for timestamps shown to clients, never for
/// measuring durations (use ``MonotonicClock``).
package enum WallClock {
    /// The current time.
    package static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }
}
