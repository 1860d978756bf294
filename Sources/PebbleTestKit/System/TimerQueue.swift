#if canImport(Glibc)
import Glibc
#endif

/// Runs actions after delays, on one background thread, one action at a time (like Go's
/// `time.AfterFunc`, which Pebble's service state machine uses for okay-delay, kill-delay and
/// backoff, but serialised).
///
/// Deadlines are on ``MonotonicClock``. Actions with the same deadline run in the order they
/// were scheduled. An action runs outside the queue's lock, so it may schedule or cancel timers
/// itself; while it runs, later actions wait. Dropping the last reference to the queue shuts it
/// down.
package final class TimerQueue: Sendable {
    /// The state shared with the thread and the handles.
    private let core: TimerQueueCore

    /// Starts the queue's thread, named `name`.
    package init(name: String = "pebble-timers") {
        core = TimerQueueCore()
        let core = self.core
        startThread(name: name) { core.run() }
    }

    deinit {
        core.shutdown()
    }

    /// Runs `action` once, `nanoseconds` from now (at once if 0), unless cancelled first.
    /// After ``shutdown()`` the action is dropped and never runs.
    @discardableResult
    package func schedule(afterNanoseconds nanoseconds: UInt64, _ action: @escaping @Sendable () -> Void) -> TimerHandle {
        TimerHandle(core: core, id: core.schedule(deadline: MonotonicClock.deadline(afterNanoseconds: nanoseconds), action))
    }

    /// The number of timers waiting to fire.
    package var pendingCount: Int { core.pendingCount }

    /// Stops the thread: pending timers are dropped. When called from outside the queue's
    /// thread, returns once an action that is running has finished and the thread has ended;
    /// from inside an action, returns at once (the thread ends after that action). Idempotent.
    package func shutdown() {
        core.shutdown()
    }
}

/// One scheduled action of a ``TimerQueue``.
package struct TimerHandle: Sendable {
    /// The queue's state.
    fileprivate let core: TimerQueueCore
    /// The timer's id in the queue.
    fileprivate let id: UInt64

    /// Cancels the timer: once this returns the action will not start (if it has already
    /// started, it runs to its end). Returns `true` when the timer was still pending. Idempotent.
    @discardableResult
    package func cancel() -> Bool {
        core.cancel(id)
    }

    /// Whether the timer is still waiting to fire.
    package var isPending: Bool { core.isPending(id) }
}

/// The state of a ``TimerQueue``, shared by its thread and its handles; guarded by `condition`.
private final class TimerQueueCore: @unchecked Sendable {
    /// A pending action.
    struct Entry {
        /// When it is due, on the monotonic clock.
        var deadline: UInt64
        /// Its id (also the scheduling order).
        var id: UInt64
        /// What to run.
        var action: @Sendable () -> Void
    }

    /// Guards the state below.
    let condition = Condition()
    /// Sorted by deadline, then id (the scheduling order). Guarded by `condition`.
    var pending: [Entry] = []
    /// The next entry's id. Guarded by `condition`.
    var nextID: UInt64 = 1
    /// Set by `shutdown`. Guarded by `condition`.
    var stopping = false
    /// Set when the thread has ended. Guarded by `condition`.
    var finished = false
    /// The queue's thread, once it runs. Guarded by `condition`.
    var thread: pthread_t?

    /// Adds an entry and returns its id; dropped after shutdown.
    func schedule(deadline: UInt64, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        condition.withLock {
            let id = nextID
            nextID += 1
            guard !stopping else { return id }
            // The first entry later than this one (equal deadlines keep their order).
            var low = 0
            var high = pending.count
            while low < high {
                let middle = (low + high) / 2
                if pending[middle].deadline <= deadline { low = middle + 1 } else { high = middle }
            }
            pending.insert(Entry(deadline: deadline, id: id, action: action), at: low)
            if low == 0 { condition.broadcast() }
            return id
        }
    }

    /// Removes entry `id` if it is pending.
    func cancel(_ id: UInt64) -> Bool {
        condition.withLock {
            guard let index = pending.firstIndex(where: { $0.id == id }) else { return false }
            pending.remove(at: index)
            return true
        }
    }

    /// Whether entry `id` is pending.
    func isPending(_ id: UInt64) -> Bool {
        condition.withLock { pending.contains { $0.id == id } }
    }

    /// The number of pending entries.
    var pendingCount: Int { condition.withLock { pending.count } }

    /// The thread's loop: take the first due action under the lock, run it outside.
    func run() {
        condition.withLock { thread = pthread_self() }
        while let action = nextDueAction() {
            action()
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    /// Waits for the first entry's deadline and removes it; `nil` once stopping.
    private func nextDueAction() -> (@Sendable () -> Void)? {
        condition.withLock {
            while !stopping {
                guard let first = pending.first else {
                    condition.wait()
                    continue
                }
                if MonotonicClock.nanoseconds() >= first.deadline {
                    pending.removeFirst()
                    return first.action
                }
                _ = condition.wait(untilNanoseconds: first.deadline)
            }
            return nil
        }
    }

    /// Drops pending entries and stops the thread; waits for it unless called on it.
    func shutdown() {
        condition.withLock {
            stopping = true
            pending.removeAll()
            condition.broadcast()
            if let thread, pthread_equal(thread, pthread_self()) != 0 { return }
            // Not started yet counts as "will end at once": run() checks `stopping` first.
            while !finished { condition.wait() }
        }
    }
}
