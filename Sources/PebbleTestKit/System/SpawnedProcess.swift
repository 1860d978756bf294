#if canImport(Glibc)
import Glibc
#endif

/// A service process started by ``ProcessSupervisor``: the leader of its own process group.
///
/// Its life, as the supervisor's waiter thread sees it: running; exited (a zombie, not yet
/// reaped, while its output drains); reaped (the exit code is known); reported (`onExit` has
/// returned). The pid is never reused before it is reaped, so signalling up to then is safe.
package final class SpawnedProcess: @unchecked Sendable, CustomStringConvertible {
    /// The process id (also its process group id).
    package let pid: Int32
    /// The executable that was run (after the `PATH` lookup).
    package let executable: String

    /// Guards the state below.
    private let condition = Condition()
    /// Whether the process has exited (it may still be a zombie). Guarded by `condition`.
    private var exited = false
    /// The exit code, once reaped. Guarded by `condition`.
    private var code: Int32?
    /// Whether `onExit` has returned. Guarded by `condition`.
    private var reported = false

    /// A process record for `pid`, running `executable`.
    init(pid: Int32, executable: String) {
        self.pid = pid
        self.executable = executable
    }

    /// Sends `signal` to the process itself (what Pebble's `POST /v1/signals` does); returns 0 or
    /// an errno value: `ESRCH` once it has exited.
    package func signal(_ signal: Int32) -> Int32 {
        condition.withLock {
            guard !exited else { return ESRCH }
            return kill(pid, signal) == 0 ? 0 : errno
        }
    }

    /// Sends `signal` to the process's whole group (what Pebble does to stop a service:
    /// `kill(-pid, sig)`), which includes children that stayed in it; returns 0 or an errno
    /// value. Works until the process is reaped (children still holding its output pipe can be
    /// killed while it drains); `ESRCH` after that.
    package func signalGroup(_ signal: Int32) -> Int32 {
        condition.withLock {
            guard code == nil else { return ESRCH }
            return kill(-pid, signal) == 0 ? 0 : errno
        }
    }

    /// The exit code, once the process has been reaped.
    package var exitCode: Int32? {
        condition.withLock { code }
    }

    /// Whether `onExit` has been called and has returned.
    package var hasReportedExit: Bool {
        condition.withLock { reported }
    }

    /// Waits until `onExit` has returned, at most `timeoutNanoseconds`; returns the exit code, or
    /// `nil` on timeout.
    package func waitForExit(timeoutNanoseconds: UInt64) -> Int32? {
        let deadline = MonotonicClock.deadline(afterNanoseconds: timeoutNanoseconds)
        return condition.withLock {
            while !reported {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return reported ? code : nil
        }
    }

    /// `pid N (executable)`.
    package var description: String { "pid \(pid) (\(executable))" }

    /// The waiter saw the process exit (it is a zombie now).
    func markExited() {
        condition.withLock {
            exited = true
            condition.broadcast()
        }
    }

    /// The waiter reaped the process with exit code `exitCode`.
    func markReaped(_ exitCode: Int32) {
        condition.withLock {
            exited = true
            code = exitCode
            condition.broadcast()
        }
    }

    /// `onExit` has returned.
    func markReported() {
        condition.withLock {
            reported = true
            condition.broadcast()
        }
    }

    /// Sends `signal` to the group if the process is not reaped yet; whether it was sent.
    func signalGroupIfUnreaped(_ signal: Int32) -> Bool {
        signalGroup(signal) == 0
    }
}
