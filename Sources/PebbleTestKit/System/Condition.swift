#if canImport(Glibc)
import Glibc
#endif

/// A mutex and a condition variable (a POSIX `pthread_mutex_t` and a `pthread_cond_t` timed
/// against `CLOCK_MONOTONIC`, so that a wall-clock change neither shortens nor stretches a wait).
///
/// Lock discipline: the state a `Condition` guards lives in its owner (typically `var`
/// properties of an `@unchecked Sendable` final class) and is read or written only inside
/// ``withLock(_:)``. ``wait()`` and ``wait(untilNanoseconds:)`` may be called only inside
/// ``withLock(_:)`` (they release the lock while sleeping and hold it again when they return);
/// waiters always re-check their predicate in a loop, as wake-ups may be spurious.
/// ``broadcast()`` and ``signal()`` may be called with or without the lock; call them after
/// changing the guarded state (inside the same ``withLock(_:)`` is simplest). The lock is not
/// recursive: never call ``withLock(_:)`` from inside ``withLock(_:)`` on the same condition.
package final class Condition: @unchecked Sendable {
    /// The mutex, at a stable address (pthread objects must not move).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// The condition variable, at a stable address.
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// A new, unlocked condition.
    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock, and returns its result.
    package func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Sleeps until woken by ``broadcast()`` or ``signal()`` (or spuriously). Only inside
    /// ``withLock(_:)``.
    package func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Sleeps until woken (or spuriously), or until ``MonotonicClock/nanoseconds()`` reaches
    /// `deadline`. Returns `false` when the deadline has passed, `true` otherwise. Only inside
    /// ``withLock(_:)``.
    package func wait(untilNanoseconds deadline: UInt64) -> Bool {
        if MonotonicClock.nanoseconds() >= deadline { return false }
        var time = timespec(tv_sec: Int(min(deadline / 1_000_000_000, UInt64(Int.max))), tv_nsec: Int(deadline % 1_000_000_000))
        let result = pthread_cond_timedwait(condition, mutex, &time)
        return result != ETIMEDOUT
    }

    /// Wakes every waiter.
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }

    /// Wakes one waiter.
    package func signal() {
        pthread_cond_signal(condition)
    }
}
