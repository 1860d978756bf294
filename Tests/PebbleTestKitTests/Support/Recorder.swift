import PebbleTestKit

/// Values recorded from background threads, and waiting for them (generous deadlines: the tests
/// run on loaded two-core machines).
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let condition = Condition()
    private var values: [Value] = []

    /// Records `value`.
    func record(_ value: Value) {
        condition.withLock {
            values.append(value)
            condition.broadcast()
        }
    }

    /// What has been recorded so far.
    var recorded: [Value] { condition.withLock { values } }

    /// Waits until at least `count` values are recorded, at most `seconds`; returns them.
    func wait(forCount count: Int, seconds: UInt64 = 30) -> [Value] {
        let deadline = MonotonicClock.deadline(afterNanoseconds: seconds * 1_000_000_000)
        return condition.withLock {
            while values.count < count {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return values
        }
    }
}

/// A gate a background thread waits at until the test opens it.
final class Gate: @unchecked Sendable {
    private let condition = Condition()
    private var open = false
    private var waiting = 0

    /// Opens the gate (idempotent).
    func release() {
        condition.withLock {
            open = true
            condition.broadcast()
        }
    }

    /// Waits until the gate is open, at most `seconds`; whether it opened.
    @discardableResult
    func wait(seconds: UInt64 = 60) -> Bool {
        let deadline = MonotonicClock.deadline(afterNanoseconds: seconds * 1_000_000_000)
        return condition.withLock {
            waiting += 1
            condition.broadcast()
            while !open {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return open
        }
    }

    /// Waits until someone waits at the gate, at most `seconds`; whether someone does.
    func waitForWaiter(seconds: UInt64 = 30) -> Bool {
        let deadline = MonotonicClock.deadline(afterNanoseconds: seconds * 1_000_000_000)
        return condition.withLock {
            while waiting == 0 {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return waiting > 0
        }
    }
}
