#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble

/// Checks (internals/overlord/checkstate): each running check is a `perform-check` change; at
/// its threshold of failures in a row that change fails and a `recover-check` change runs the
/// check until it succeeds once, then a new `perform-check` change starts.
extension FakePebble {
    static let defaultCheckPeriod: Duration = .seconds(10)
    static let defaultCheckTimeout: Duration = .seconds(3)

    static func checkType(_ check: Check) -> String {
        if check.http != nil { return "HTTP" }
        if check.tcp != nil { return "TCP" }
        if check.exec != nil { return "exec" }
        return "<unknown>"
    }

    /// The check with its exec `service-context` merged in (`mergeServiceContext`).
    func mergedCheckLocked(_ check: Check) -> Check {
        guard var exec = check.exec, !exec.serviceContext.isEmpty, let service = planManager.plan.services[exec.serviceContext] else {
            return check
        }
        var environment = service.environment
        environment.merge(exec.environment) { $1 }
        exec.environment = environment
        if exec.userID == nil { exec.userID = service.userID }
        if exec.user.isEmpty { exec.user = service.user }
        if exec.groupID == nil { exec.groupID = service.groupID }
        if exec.group.isEmpty { exec.group = service.group }
        if exec.workingDir.isEmpty { exec.workingDir = service.workingDir }
        var copy = check
        copy.exec = exec
        return copy
    }

    /// `CheckManager.PlanChanged`, after every layer added.
    func planChangedChecksLocked() {
        let plan = planManager.plan
        var existing: Set<String> = []
        var newOrModified: Set<String> = []
        for name in checks.keys.sorted() {
            guard let record = checks[name], record.running, let change = record.changeID, let old = record.config else { continue }
            existing.insert(name)
            if let new = plan.checks[name] {
                if mergedCheckLocked(new) == old { continue }
                if new.startup == .disabled, old.startup == .enabled || old.startup == .unset { continue }
                newOrModified.insert(name)
            }
            abortChangeLocked(change)
            stopCheckRunLocked(name, change: change)
            checks[name] = nil
        }
        for name in plan.checks.keys.sorted() where !existing.contains(name) {
            let config = plan.checks[name]!
            if config.startup == .enabled || config.startup == .unset {
                newOrModified.insert(name)
            } else {
                updateCheckLocked(name, config, change: nil, prev: nil, successes: 0, failures: 0)
            }
        }
        for name in newOrModified.sorted() {
            startPerformCheckLocked(name, mergedCheckLocked(plan.checks[name]!), prev: nil, successes: 0, failures: 0)
        }
    }

    /// `CheckManager.Replan`: starts the enabled checks that are not running.
    func replanChecksLocked() {
        for name in planManager.plan.checks.keys.sorted() {
            let config = planManager.plan.checks[name]!
            guard let record = checks[name], config.startup != .disabled, !record.running else { continue }
            startPerformCheckLocked(name, mergedCheckLocked(config), prev: nil, successes: 0, failures: 0)
        }
    }

    func startPerformCheckLocked(_ name: String, _ config: Check, prev: Int?, successes: Int, failures: Int) {
        startCheckChangeLocked("perform-check", "Perform", name, config, prev: prev, successes: successes, failures: failures)
    }

    func startRecoverCheckLocked(_ name: String, _ config: Check, prev: Int, successes: Int, failures: Int) {
        startCheckChangeLocked("recover-check", "Recover", name, config, prev: prev, successes: successes, failures: failures)
    }

    /// A `perform-check` or `recover-check` change with its one task (checkstate/request.go).
    private func startCheckChangeLocked(_ kind: String, _ verb: String, _ name: String, _ config: Check, prev: Int?,
                                        successes: Int, failures: Int) {
        let summary = "\(verb) \(Self.checkType(config)) check \(PebbleQuoting.quote(name))"
        let change = newChangeLocked(kind: kind, summary: summary, noticeData: ["check-name": name])
        let task = addCheckTaskLocked(to: change, kind: kind, summary: summary, check: name)
        updateCheckLocked(name, config, change: change, prev: prev, successes: successes, failures: failures)
        checks[name]!.config = config
        checks[name]!.running = true
        checks[name]!.task = task
        startChangeLocked(change)
    }

    /// `updateCheckData`: up while a change runs it and it is below the threshold.
    func updateCheckLocked(_ name: String, _ config: Check, change: Int?, prev: Int?, successes: Int, failures: Int) {
        var record = checks[name] ?? CheckRecord(name: name)
        record.level = config.level
        record.startup = config.startup == .unset ? .enabled : config.startup
        record.threshold = config.threshold
        record.status = change == nil ? .inactive : (failures >= config.threshold ? .down : .up)
        record.successes = successes
        record.failures = failures
        record.changeID = change
        record.prevChangeID = prev
        checks[name] = record
        dirty = true
    }

    /// A check task starts: the first run is one period later.
    func beginCheckTaskLocked(task: Int, check name: String) -> TaskOutcome {
        guard let record = checks[name], let config = record.config, let change = tasks[task]?.changeID else {
            return .failed("cannot get check details for task \(task)")
        }
        checks[name]!.tickChange = change
        if options.mode == .processes {
            scheduleLocked(.checkTick(name, changeID: change), after: config.period ?? Self.defaultCheckPeriod)
        }
        return .pending
    }

    func stopCheckRunLocked(_ name: String, change: Int) {
        guard checks[name]?.tickChange == change else { return }
        checks[name]!.tickChange = nil
        checks[name]!.running = false
    }

    /// A period elapsed: run the check off the lock, then report.
    func checkTickLocked(_ name: String, _ change: Int) {
        guard let record = checks[name], record.tickChange == change, let config = record.config else { return }
        let timeout = min(config.timeout ?? Self.defaultCheckTimeout, config.period ?? Self.defaultCheckPeriod)
        let environment = baseEnvironment
        let supervisor = self.supervisor
        startThread(name: "check-\(name)") { [weak self] in
            let error = CheckRunner.run(config, timeout: timeout, environment: environment, supervisor: supervisor)
            self?.deliver(.checkResult(name, changeID: change, error: error))
        }
    }

    /// A run finished (`doPerformCheck`, `doRecoverCheck`).
    func checkResultLocked(_ name: String, _ change: Int, _ error: String?) {
        guard var record = checks[name], record.tickChange == change, let config = record.config, let task = record.task,
              let kind = tasks[task]?.kind else { return }
        let now = WallClock.now()
        let schedule = { [self] in
            if options.mode == .processes {
                scheduleLocked(.checkTick(name, changeID: change), after: config.period ?? Self.defaultCheckPeriod)
            }
        }
        if kind == "perform-check" {
            if let error {
                record.failures += 1
                checks[name] = record
                if record.failures >= config.threshold {
                    stopCheckRunLocked(name, change: change)
                    checkFailedLocked(name)
                    finishTaskLocked(task, .failed(error))
                    // The failed perform-check change hands over to a recover-check change.
                    startRecoverCheckLocked(name, config, prev: change, successes: record.successes, failures: record.failures)
                    return
                }
                tasks[task]?.logf("ERROR", error, at: now)
                updateCheckLocked(name, config, change: change, prev: record.prevChangeID, successes: record.successes, failures: record.failures)
            } else {
                record.successes += 1
                let old = record.failures
                record.failures = 0
                updateCheckLocked(name, config, change: change, prev: record.prevChangeID, successes: record.successes, failures: 0)
                if old > 0 { tasks[task]?.logf("INFO", "succeeded after \(old) \(old == 1 ? "failure" : "failures")", at: now) }
            }
            schedule()
        } else {
            if let error {
                record.failures += 1
                updateCheckLocked(name, config, change: change, prev: record.prevChangeID, successes: record.successes, failures: record.failures)
                tasks[task]?.logf("ERROR", error, at: now)
                schedule()
            } else {
                stopCheckRunLocked(name, change: change)
                finishTaskLocked(task, .done(log: nil))
                startPerformCheckLocked(name, config, prev: change, successes: 1, failures: 0)
            }
        }
    }

    // MARK: - API

    func checkInfosLocked() -> [CheckInfo] {
        checks.keys.sorted().compactMap { checks[$0]?.info }
    }

    /// Simulated mode: runs a check once now with the given result (as if its period elapsed).
    public func simulateCheck(_ name: String, failing error: String?) {
        locked {
            guard let change = checks[name]?.tickChange else { return }
            postLocked(.checkResult(name, changeID: change, error: error))
        }
    }
}
