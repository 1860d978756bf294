#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble

/// The service state machine (internals/overlord/servstate/handlers.go), driven by tasks,
/// timers and process exits, all under the daemon's lock.
extension FakePebble {
    static let defaultBackoffDelay: Duration = .milliseconds(500)
    static let defaultBackoffFactor = 2.0
    static let defaultBackoffLimit: Duration = .seconds(30)

    func killDelay(of record: ServiceRecord) -> Duration { record.config.killDelay ?? options.defaultKillDelay }

    func serviceInfosLocked(names: [String]) -> [ServiceInfo] {
        let plan = planManager.plan
        return plan.services.keys.sorted().filter { names.isEmpty || names.contains($0) }.map { name in
            let config = plan.services[name]!
            let record = services[name]
            return ServiceInfo(name: name, startup: config.startup == .enabled ? .enabled : .disabled,
                               current: record?.state.status ?? .inactive, currentSince: record?.currentSince?.rfc3339Nano)
        }
    }

    // MARK: - Start

    /// A start task begins (`doStart`): done at once, failed, or waiting for the okay delay.
    func beginStartLocked(task: Int, service name: String) -> TaskOutcome {
        guard let config = planManager.plan.services[name] else {
            return .failed("cannot find service \(PebbleQuoting.quote(name)) in plan")
        }
        if var record = services[name] {
            record.config = config
            switch record.state {
            case .initial, .starting, .running:
                services[name] = record
                return .done(log: "Service \(PebbleQuoting.quote(name)) already started.")
            case .backoff, .stopped, .exited:
                record.backoffNum = 0
                record.backoffNanoseconds = 0
                record.transition(.initial, at: WallClock.now())
                services[name] = record
            case .terminating, .killing:
                services[name] = record
                return .failed("cannot start service while \(record.state.rawValue)")
            }
        } else {
            services[name] = ServiceRecord(name: name, config: config)
        }
        if let error = startInternalLocked(name) {
            services[name]?.transition(.stopped, at: WallClock.now())
            return .failed(error)
        }
        services[name]?.transition(.starting, at: WallClock.now())
        services[name]?.startTask = task
        let epoch = services[name]!.epoch
        scheduleLocked(.okayElapsed(name, epoch: epoch), after: options.okayDelay)
        return .pending
    }

    /// Spawns the service's command (`startInternal`); returns the error text on failure.
    func startInternalLocked(_ name: String) -> String? {
        guard var record = services[name] else { return "internal error: no service \(name)" }
        let config = record.config
        let base: [String]
        let extra: [String]
        do {
            (base, extra) = try ShellWords.parseCommand(config.command, service: name)
        } catch {
            return error.message
        }
        var environment = baseEnvironment
        for (key, value) in config.environment { environment[key] = value }
        let ids: (uid: UInt32, gid: UInt32)?
        do {
            ids = try Accounts.normalize(userID: config.userID, groupID: config.groupID, user: config.user, group: config.group)
        } catch {
            return error.message
        }
        if let ids, config.environment["HOME"].map(\.isEmpty) ?? true || config.environment["USER"].map(\.isEmpty) ?? true,
           let user = Accounts.user(id: ids.uid) {
            if config.environment["HOME"]?.isEmpty ?? true { environment["HOME"] = user.home }
            if config.environment["USER"]?.isEmpty ?? true { environment["USER"] = user.name }
        }
        let credentials = ids.flatMap { $0.uid == getuid() && $0.gid == getgid() ? nil : $0 }
        record.epoch += 1
        let epoch = record.epoch
        let arguments = base + extra
        switch options.mode {
        case .processes:
            guard let supervisor else { return "internal error: no process supervisor" }
            let spec = SpawnSpec(arguments: arguments, environment: environment,
                                 workingDirectory: config.workingDir.isEmpty ? nil : config.workingDir,
                                 credentials: credentials, output: record.output.formatWriter(serviceName: name),
                                 // As Go's WaitDelay, which Pebble sets to 90% of the kill delay.
                                 outputDrainNanoseconds: UInt64(max(GoDuration.nanoseconds(killDelay(of: record)), 0)) / 10 * 9,
                                 onExit: { [weak self] code in self?.deliver(.exited(name, epoch: epoch, code: code)) })
            do {
                record.process = .real(try supervisor.spawn(spec))
            } catch {
                return "cannot start service: \(error.message)"
            }
        case .simulated:
            record.process = .simulated(pid: Int32(10_000 + nextTaskID * 7 + epoch))
            if let script = scripts.removeValue(forKey: name) {
                if !script.output.isEmpty { record.output.formatWriter(serviceName: name).write(Array(script.output.utf8)) }
                postLocked(.exited(name, epoch: epoch, code: script.exitCode))
            }
        }
        record.startCount += 1
        services[name] = record
        scheduleLocked(.backoffReset(name, epoch: epoch), after: config.backoffLimit ?? Self.defaultBackoffLimit)
        return nil
    }

    func okayElapsedLocked(_ name: String, _ epoch: Int) {
        guard var record = services[name], record.epoch == epoch, record.state == .starting else { return }
        record.transition(.running, at: WallClock.now())
        let task = record.startTask
        record.startTask = nil
        services[name] = record
        if let task { finishTaskLocked(task, .done(log: nil)) }
    }

    // MARK: - Exits

    func exitedLocked(_ name: String, _ epoch: Int, _ code: Int32) {
        guard var record = services[name], record.epoch == epoch else { return }
        record.lastExitCode = code
        record.process = nil
        let now = WallClock.now()
        switch record.state {
        case .starting, .running:
            let action = Self.action(record.config, success: code == 0)
            if record.state == .starting, let task = record.startTask {
                record.startTask = nil
                services[name] = record
                failStartLocked(task, record, "exited quickly with code \(code), will \(action.rawValue)")
                record = services[name]!
            }
            switch action {
            case .ignore:
                record.transition(code == 0 ? .stopped : .exited, at: now)
            case .shutdown:
                shutdownRequests.append(code == 0 ? "success" : "failure")
                record.transition(.exited, at: now)
            case .successShutdown:
                shutdownRequests.append("success")
                record.transition(.exited, at: now)
            case .failureShutdown:
                shutdownRequests.append("failure")
                record.transition(.exited, at: now)
            default:
                record = doBackoffLocked(record)
            }
            services[name] = record
        case .terminating, .killing:
            if record.restarting {
                services[name] = doBackoffLocked(record)
            } else {
                let task = record.stopTask
                record.stopTask = nil
                record.transition(.stopped, at: now)
                services[name] = record
                if let task { finishTaskLocked(task, .done(log: nil)) }
            }
        default:
            services[name] = record
        }
    }

    /// A start that did not last the okay delay: the task logs the last output and fails.
    func failStartLocked(_ task: Int, _ record: ServiceRecord, _ reason: String) {
        let logs = record.output.pebbleLastLines(20, indent: "    ", stripPrefix: true)
        if !logs.isEmpty { tasks[task]?.logf("INFO", "Most recent service output:\n\(logs)", at: WallClock.now()) }
        finishTaskLocked(task, .failed("service start attempt: \(reason)"))
    }

    /// `on-success` or `on-failure`, `restart` when unset (`getAction`).
    static func action(_ config: Service, success: Bool) -> ServiceAction {
        let action = success ? config.onSuccess : config.onFailure
        return action == .unset ? .restart : action
    }

    func doBackoffLocked(_ record: ServiceRecord) -> ServiceRecord {
        var record = record
        record.backoffNum += 1
        let delay = GoDuration.nanoseconds(record.config.backoffDelay ?? Self.defaultBackoffDelay)
        let limit = GoDuration.nanoseconds(record.config.backoffLimit ?? Self.defaultBackoffLimit)
        let factor = record.config.backoffFactor ?? Self.defaultBackoffFactor
        if record.backoffNanoseconds == 0 {
            record.backoffNanoseconds = delay
        } else if record.backoffNanoseconds >= limit {
            record.backoffNanoseconds = limit
        } else {
            record.backoffNanoseconds = min(Int64(Double(record.backoffNanoseconds) * factor), limit)
        }
        record.transition(.backoff, at: WallClock.now())
        let jitter = Int64(Double.random(in: 0..<0.1) * Double(record.backoffNanoseconds))
        scheduleLocked(.backoffElapsed(record.name, epoch: record.epoch), after: .nanoseconds(record.backoffNanoseconds + jitter))
        return record
    }

    func backoffElapsedLocked(_ name: String, _ epoch: Int) {
        guard let record = services[name], record.epoch == epoch, record.state == .backoff else { return }
        // Pebble restarts straight into running (no okay delay); a failed spawn leaves it in backoff.
        if startInternalLocked(name) == nil {
            services[name]?.transition(.running, at: WallClock.now())
        }
    }

    func backoffResetLocked(_ name: String, _ epoch: Int) {
        guard var record = services[name], record.epoch == epoch, record.state == .running else { return }
        record.backoffNum = 0
        record.backoffNanoseconds = 0
        services[name] = record
    }

    // MARK: - Stop

    /// A stop task begins (`doStop`).
    func beginStopLocked(task: Int, service name: String) -> TaskOutcome {
        guard let record = services[name] else { return .done(log: "Service \(PebbleQuoting.quote(name)) has never been started.") }
        switch record.state {
        case .terminating, .killing: return .done(log: "Service \(PebbleQuoting.quote(name)) already stopping.")
        case .stopped: return .done(log: "Service \(PebbleQuoting.quote(name)) already stopped.")
        case .exited:
            services[name]?.transition(.stopped, at: WallClock.now())
            return .done(log: "Service \(PebbleQuoting.quote(name)) had already exited.")
        default:
            return stopServiceLocked(name, task: task)
        }
    }

    /// `serviceData.stop`: SIGTERM to the group and a kill-delay timer; `task` (if any) waits.
    func stopServiceLocked(_ name: String, task: Int?) -> TaskOutcome {
        guard var record = services[name] else { return .done(log: nil) }
        let now = WallClock.now()
        switch record.state {
        case .starting, .running:
            if record.state == .starting, let start = record.startTask {
                record.startTask = nil
                services[name] = record
                failStartLocked(start, record, "stopped before the \(GoDuration.format(options.okayDelay)) okay delay")
                record = services[name]!
            }
            signalGroupLocked(&record, SIGTERM)
            record.transition(.terminating, at: now)
            record.stopTask = task
            services[name] = record
            scheduleLocked(.terminateElapsed(name, epoch: record.epoch), after: killDelay(of: record))
            return .pending
        case .backoff:
            record.transition(.stopped, at: now)
            services[name] = record
            return .done(log: nil)
        default:
            return .failed("cannot stop service while \(record.state.rawValue)")
        }
    }

    func terminateElapsedLocked(_ name: String, _ epoch: Int) {
        guard var record = services[name], record.epoch == epoch, record.state == .terminating else { return }
        signalGroupLocked(&record, SIGKILL)
        record.transition(.killing, restarting: record.restarting, at: WallClock.now())
        services[name] = record
        scheduleLocked(.killElapsed(name, epoch: epoch), after: options.failDelay)
    }

    func killElapsedLocked(_ name: String, _ epoch: Int) {
        guard var record = services[name], record.epoch == epoch, record.state == .killing else { return }
        let task = record.restarting ? nil : record.stopTask
        record.stopTask = nil
        record.transition(.stopped, at: WallClock.now())
        services[name] = record
        if let task { finishTaskLocked(task, .failed("cannot stop service: process still running after SIGTERM and SIGKILL")) }
    }

    func signalGroupLocked(_ record: inout ServiceRecord, _ signal: Int32) {
        switch record.process {
        case .real(let process)?:
            _ = process.signalGroup(signal)
        case .simulated?:
            if signal == SIGTERM || signal == SIGKILL || signal == SIGINT {
                postLocked(.exited(record.name, epoch: record.epoch, code: 128 + signal))
            }
        case nil:
            break
        }
    }

    /// Aborting a running start (`doStart` when its tomb dies): SIGKILL, stopped.
    func abortStartLocked(_ name: String) {
        guard var record = services[name] else { return }
        signalGroupLocked(&record, SIGKILL)
        record.startTask = nil
        record.transition(.stopped, at: WallClock.now())
        services[name] = record
    }

    // MARK: - Signals and check failures

    /// `POST /v1/signals` for one service: the error text, or `nil` when sent.
    func sendSignalLocked(_ name: String, _ signalName: String) -> String? {
        guard let record = services[name] else { return "cannot send signal to \(PebbleQuoting.quote(name)): service is not running" }
        switch record.state {
        case .starting, .running:
            guard let number = SignalName.number(for: signalName) else {
                return "cannot send signal to \(PebbleQuoting.quote(name)): invalid signal name \(PebbleQuoting.quote(signalName))"
            }
            switch record.process {
            case .real(let process)?:
                let error = process.signal(number)
                if error != 0 { return "cannot send signal to \(PebbleQuoting.quote(name)): \(ErrnoText.describe(error))" }
            case .simulated?:
                if number == SIGTERM || number == SIGKILL || number == SIGINT {
                    postLocked(.exited(name, epoch: record.epoch, code: 128 + number))
                }
            case nil:
                break
            }
            return nil
        case .backoff, .terminating, .killing, .stopped, .exited:
            return "cannot send signal to \(PebbleQuoting.quote(name)): service is not running"
        case .initial:
            return "cannot send signal to \(PebbleQuoting.quote(name)): invalid in state \(PebbleQuoting.quote(record.state.rawValue))"
        }
    }

    /// A check reached its threshold: each service's `on-check-failure` for it applies.
    func checkFailedLocked(_ check: String) {
        for name in services.keys.sorted() {
            guard var record = services[name], let action = record.config.onCheckFailure[check] else { continue }
            guard [.running, .backoff, .exited].contains(record.state) else { continue }
            switch action {
            case .ignore: continue
            case .shutdown: shutdownRequests.append("failure")
            case .successShutdown: shutdownRequests.append("success")
            case .restart:
                switch record.state {
                case .running:
                    signalGroupLocked(&record, SIGTERM)
                    record.transition(.terminating, restarting: true, at: WallClock.now())
                    services[name] = record
                    scheduleLocked(.terminateElapsed(name, epoch: record.epoch), after: killDelay(of: record))
                case .exited:
                    services[name] = doBackoffLocked(record)
                default:
                    break
                }
            default: continue
            }
        }
    }

    // MARK: - Replan

    /// `ServiceManager.Replan`: stop lanes for the services whose configuration changed, start
    /// lanes for those and every `startup: enabled` service.
    func replanLocked() throws(PlanError) -> (stop: [[String]], start: [[String]]) {
        let plan = planManager.plan
        var needsRestart: Set<String> = []
        for name in services.keys.sorted() {
            if let config = plan.services[name] {
                if config == services[name]!.config { continue }
                services[name]!.config = config
            }
            needsRestart.insert(name)
        }
        let start = plan.services.keys.sorted().filter { needsRestart.contains($0) || plan.services[$0]!.startup == .enabled }
        let stopLanes = try plan.stopOrder(needsRestart.sorted())
        let startLanes = try plan.startOrder(start)
        return (stopLanes, startLanes)
    }

    // MARK: - Simulated services (tests)

    /// Simulated mode: the service's next start exits at once with `exitCode`, after writing
    /// `output`, so its start change fails as Pebble's does for a service that exits quickly.
    public func failNextStart(_ service: String, exitCode: Int32 = 1, output: String = "") {
        lock.withLock { scripts[service] = SimulatedScript(exitCode: exitCode, output: output) }
    }

    /// Simulated mode: the running service exits with `code` now (its on-success/on-failure applies).
    public func simulateExit(_ service: String, code: Int32) {
        locked {
            guard let record = services[service], record.process != nil else { return }
            postLocked(.exited(service, epoch: record.epoch, code: code))
        }
    }
}
