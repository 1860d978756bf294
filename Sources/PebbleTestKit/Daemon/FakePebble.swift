#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import JujuJSON
import Pebble

/// A fake Pebble daemon: Pebble's API, layer rules and service state machine
/// (`Specs/pebble.md`), behind either a unix socket (``FakePebbleServer``, the `fake-pebble`
/// executable) or no socket at all (``InMemoryPebble``).
///
/// In ``Options/Mode/processes`` mode a service's command really runs, with the plan's
/// environment, user, group and working directory, in its own process group; stopping it sends
/// SIGTERM, then SIGKILL after its kill delay, as Pebble does. In ``Options/Mode/simulated``
/// mode no process starts: services start at once (no okay delay) and stop when signalled, and
/// a test can script exits (``simulateExit(_:code:)``, ``failNextStart(_:exitCode:output:)``).
///
/// All state sits behind one lock; requests, timers and process exits take it in turn.
public final class FakePebble: @unchecked Sendable {
    /// How the fake runs services and how long Pebble's delays are.
    public struct Options: Sendable {
        /// Whether services are real processes.
        public enum Mode: Sendable, Hashable {
            /// Commands run as processes (the daemon, `fake-pebble`).
            case processes
            /// Nothing runs; services change state at once (the in-process harness).
            case simulated
        }

        public var mode: Mode
        /// What `system-info` reports.
        public var version: String
        /// How long a started service must stay up before its start succeeds (Pebble: 1 s).
        public var okayDelay: Duration
        /// SIGTERM to SIGKILL when a service sets no `kill-delay` (Pebble: 5 s).
        public var defaultKillDelay: Duration
        /// SIGKILL to giving up (Pebble: 5 s).
        public var failDelay: Duration
        /// The environment services inherit (Pebble's own); `nil`: this process's.
        public var environment: [String: String]?
        /// After each change to the state, its JSON dump is written here (atomically).
        public var stateFile: String?
        /// The uids that may use admin routes besides root and this process's uid.
        public var adminUIDs: Set<UInt32>
        /// Where the files API reads and writes: `nil` is the real root (as Pebble in its
        /// container); a directory confines every path under it.
        public var filesRoot: String?

        public init(mode: Mode = .processes, version: String = "v1.32.1", okayDelay: Duration = .seconds(1),
                    defaultKillDelay: Duration = .seconds(5), failDelay: Duration = .seconds(5),
                    environment: [String: String]? = nil, stateFile: String? = nil, adminUIDs: Set<UInt32> = [],
                    filesRoot: String? = nil) {
            self.mode = mode
            self.version = version
            self.okayDelay = okayDelay
            self.defaultKillDelay = defaultKillDelay
            self.failDelay = failDelay
            self.environment = environment
            self.stateFile = stateFile
            self.adminUIDs = adminUIDs
            self.filesRoot = filesRoot
        }
    }

    public let options: Options
    let lock = Condition()
    let bootID: String
    let daemonUID: UInt32
    let timers: TimerQueue
    let supervisor: ProcessSupervisor?
    let baseEnvironment: [String: String]

    // Everything below is guarded by `lock`.
    var planManager = PlanManager()
    var services: [String: ServiceRecord] = [:]
    var changes: [Int: ChangeRecord] = [:]
    var tasks: [Int: TaskRecord] = [:]
    var nextChangeID = 1
    var nextTaskID = 1
    var nextLane = 1
    var notices: [NoticeRecord] = []
    var nextNoticeID = 1
    var checks: [String: CheckRecord] = [:]
    var pending: [DaemonEvent] = []
    var draining = false
    var stopped = false
    var dirty = false
    /// Shutdowns services asked for (`on-failure: shutdown`, ...): `success` or `failure`.
    var shutdownRequests: [String] = []
    /// Scripted behaviour of simulated services.
    var scripts: [String: SimulatedScript] = [:]

    public init(options: Options = Options()) {
        self.options = options
        self.bootID = Self.readBootID()
        self.daemonUID = getuid()
        self.timers = TimerQueue(name: "fake-pebble-timers")
        self.supervisor = options.mode == .processes ? ProcessSupervisor() : nil
        self.baseEnvironment = options.environment ?? Self.processEnvironment()
    }

    /// A fake dropped without ``shutdown()`` still leaves no process behind.
    deinit {
        timers.shutdown()
        _ = supervisor?.terminateAll()
    }

    // MARK: - Locking and events

    /// Runs `body` under the lock, then handles the events it posted (timers of zero length,
    /// simulated exits), then writes the state file if anything changed.
    func locked<T>(_ body: () -> T) -> T {
        lock.withLock {
            let result = body()
            drainLocked()
            return result
        }
    }

    /// Posts an event from inside the lock (handled before the lock is released).
    func postLocked(_ event: DaemonEvent) {
        pending.append(event)
    }

    /// Delivers an event from outside the lock (a timer, a process exit).
    func deliver(_ event: DaemonEvent) {
        lock.withLock {
            guard !stopped else { return }
            pending.append(event)
            drainLocked()
        }
    }

    func drainLocked() {
        guard !draining else { return }
        draining = true
        while !pending.isEmpty {
            let event = pending.removeFirst()
            handleLocked(event)
        }
        draining = false
        if dirty {
            dirty = false
            writeStateFileLocked()
            lock.broadcast()
        }
    }

    /// Schedules `event` after `delay`; a zero delay (or the simulated mode's) is posted at once.
    func scheduleLocked(_ event: DaemonEvent, after delay: Duration) {
        if delay <= .zero || options.mode == .simulated {
            pending.append(event)
            return
        }
        let nanoseconds = UInt64(max(GoDuration.nanoseconds(delay), 0))
        timers.schedule(afterNanoseconds: nanoseconds) { [weak self] in self?.deliver(event) }
    }

    func handleLocked(_ event: DaemonEvent) {
        switch event {
        case .okayElapsed(let name, let epoch): okayElapsedLocked(name, epoch)
        case .exited(let name, let epoch, let code): exitedLocked(name, epoch, code)
        case .backoffElapsed(let name, let epoch): backoffElapsedLocked(name, epoch)
        case .terminateElapsed(let name, let epoch): terminateElapsedLocked(name, epoch)
        case .killElapsed(let name, let epoch): killElapsedLocked(name, epoch)
        case .backoffReset(let name, let epoch): backoffResetLocked(name, epoch)
        case .checkTick(let name, let changeID): checkTickLocked(name, changeID)
        case .checkResult(let name, let changeID, let error): checkResultLocked(name, changeID, error)
        }
        dirty = true
    }

    // MARK: - Life cycle

    /// Stops every service (SIGTERM, then SIGKILL after the kill delay), the timers and the
    /// checks. Idempotent; waits until the processes are gone (at most their kill delays).
    public func shutdown() {
        let running: [String] = lock.withLock {
            guard !stopped else { return [] }
            return services.values.filter { [.starting, .running, .backoff].contains($0.state) }.map(\.name).sorted()
        }
        if !running.isEmpty {
            locked {
                for name in running { _ = stopServiceLocked(name, task: nil) }
            }
            // Wait for the exits the stops asked for (kill delay, then SIGKILL).
            let longest = running.compactMap { name in lock.withLock { services[name].map(killDelay(of:)) } }.max() ?? options.defaultKillDelay
            let deadline = ContinuousClock.now + longest + .seconds(2)
            lock.withLock {
                while services.values.contains(where: { [.terminating, .killing].contains($0.state) }), ContinuousClock.now < deadline {
                    _ = lock.wait(untilNanoseconds: MonotonicClock.nanoseconds() + 50_000_000)
                }
            }
        }
        lock.withLock {
            stopped = true
            for name in checks.keys { checks[name]?.running = false }
            lock.broadcast()
        }
        if let supervisor {
            _ = supervisor.terminateAll()
            _ = supervisor.waitUntilAllExited(timeoutNanoseconds: 5_000_000_000)
        }
        timers.shutdown()
        lock.withLock { writeStateFileLocked() }
    }

    // MARK: - Reading the state (tests)

    /// The combined plan.
    public var plan: Plan { lock.withLock { planManager.plan } }

    /// The layers, in order, with their labels and orders.
    public var layers: [PlanManager.Entry] { lock.withLock { planManager.layers } }

    /// Every service of the plan with its status, as `GET /v1/services` answers.
    public var serviceInfos: [ServiceInfo] { lock.withLock { serviceInfosLocked(names: []) } }

    /// The status of each service of the plan.
    public var serviceStatuses: [String: ServiceStatus] {
        Dictionary(uniqueKeysWithValues: serviceInfos.map { ($0.name, $0.current) })
    }

    /// Every change so far, by id.
    public var allChanges: [Change] {
        lock.withLock { changes.keys.sorted().map { changes[$0]!.info(tasks) } }
    }

    /// A service's recent output (stdout and stderr), as Pebble keeps it.
    public func output(of service: String) -> String {
        lock.withLock { services[service].map { String(decoding: $0.output.contents(), as: UTF8.self) } ?? "" }
    }

    /// The process id of a running service (processes mode).
    public func pid(of service: String) -> Int32? {
        lock.withLock { services[service]?.process?.pid }
    }

    /// Shutdowns the services asked for (`success` or `failure`), oldest first.
    public var requestedShutdowns: [String] { lock.withLock { shutdownRequests } }

    // MARK: - Helpers

    static func readBootID() -> String {
        let fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY)
        guard fd >= 0 else { return "00000000-0000-0000-0000-000000000000" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return "00000000-0000-0000-0000-000000000000" }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewlines()
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

extension String {
    func trimmingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
        return String(s)
    }
}
