#if canImport(Glibc)
import Glibc
#endif
import PebbleTestKit
import Testing

@Suite("TimerQueue")
struct TimerQueueTests {
    @Test("Due timers run in deadline order, then scheduling order")
    func order() {
        let queue = TimerQueue(name: "test-timers")
        defer { queue.shutdown() }
        let gate = Gate()
        let fired = Recorder<String>()
        // Hold the timer thread while the others are scheduled, so that they are all due at once.
        queue.schedule(afterNanoseconds: 0) { gate.wait() }
        #expect(gate.waitForWaiter())
        let late = queue.schedule(afterNanoseconds: 3_600_000_000_000) { fired.record("late") }
        queue.schedule(afterNanoseconds: 0) { fired.record("a") }
        queue.schedule(afterNanoseconds: 0) { fired.record("b") }
        queue.schedule(afterNanoseconds: 0) { fired.record("c") }
        gate.release()
        #expect(fired.wait(forCount: 3) == ["a", "b", "c"])
        #expect(late.isPending)
        #expect(late.cancel())
        #expect(queue.pendingCount == 0)
    }

    @Test("A cancelled timer never fires; cancel is idempotent")
    func cancel() {
        let queue = TimerQueue()
        defer { queue.shutdown() }
        let fired = Recorder<String>()
        let cancelled = queue.schedule(afterNanoseconds: 50_000_000) { fired.record("cancelled") }
        #expect(cancelled.cancel())
        #expect(!cancelled.cancel())
        #expect(!cancelled.isPending)
        // A later timer firing proves the earlier deadline has passed.
        queue.schedule(afterNanoseconds: 200_000_000) { fired.record("later") }
        #expect(fired.wait(forCount: 1) == ["later"])
        #expect(fired.recorded == ["later"])
    }

    @Test("Actions may schedule and shut down from the timer thread")
    func reentrancy() {
        let queue = TimerQueue()
        defer { queue.shutdown() }
        let fired = Recorder<Int>()
        queue.schedule(afterNanoseconds: 1_000_000) {
            fired.record(1)
            queue.schedule(afterNanoseconds: 1_000_000) {
                fired.record(2)
                queue.shutdown()  // from its own thread: returns at once
                fired.record(3)
            }
        }
        #expect(fired.wait(forCount: 3) == [1, 2, 3])
    }

    @Test("Shutdown drops pending timers and stops the thread")
    func shutdown() {
        let queue = TimerQueue()
        let fired = Recorder<String>()
        let pending = queue.schedule(afterNanoseconds: 3_600_000_000_000) { fired.record("pending") }
        #expect(queue.pendingCount == 1)
        queue.shutdown()
        queue.shutdown()
        #expect(queue.pendingCount == 0)
        #expect(!pending.isPending)
        let dropped = queue.schedule(afterNanoseconds: 0) { fired.record("after shutdown") }
        #expect(!dropped.isPending)
        #expect(fired.recorded.isEmpty)
    }

    @Test("Shutdown waits for a running action")
    func shutdownWaits() {
        let queue = TimerQueue()
        let gate = Gate()
        let fired = Recorder<String>()
        queue.schedule(afterNanoseconds: 0) {
            gate.wait()
            fired.record("done")
        }
        #expect(gate.waitForWaiter())
        startThread(name: "test-release") {
            usleep(50_000)  // let shutdown start waiting first (not required for correctness)
            gate.release()
        }
        queue.shutdown()
        #expect(fired.recorded == ["done"])
    }
}
