import Pebble

/// How a task's handler went.
enum TaskOutcome: Sendable {
    case done(log: String?)
    case failed(String)
    /// The handler waits for a timer or an exit; ``FakePebble/finishTaskLocked(_:_:)`` ends it.
    case pending
}

/// Pebble's task runner (internals/overlord/state/taskrunner.go, change.go): a task runs once
/// every task it waits for is Done; a failure holds the rest of its lane and what waits on it.
extension FakePebble {
    /// A new change; its tasks are added with ``addTasksLocked(_:to:kind:)``.
    func newChangeLocked(kind: String, summary: String, noticeData: [String: String] = [:]) -> Int {
        let id = nextChangeID
        nextChangeID += 1
        changes[id] = ChangeRecord(id: id, kind: kind, summary: summary, spawnTime: WallClock.now(), noticeData: noticeData)
        return id
    }

    /// One task per service, a fresh lane per lane; each task waits for the one before it.
    func addTasksLocked(_ lanes: [[String]], to change: Int, kind: String) -> [Int] {
        var created: [Int] = []
        for lane in lanes {
            let laneID = nextLane
            nextLane += 1
            var previous: Int?
            for name in lane {
                let id = nextTaskID
                nextTaskID += 1
                let work: TaskRecord.Work = kind == "start" ? .start(name) : .stop(name)
                let summary = "\(kind == "start" ? "Start" : "Stop") service \(PebbleQuoting.quote(name))"
                tasks[id] = TaskRecord(id: id, changeID: change, kind: kind, summary: summary, spawnTime: WallClock.now(),
                                       lanes: [laneID], waitFor: previous.map { [$0] } ?? [], work: work)
                changes[change]?.taskIDs.append(id)
                previous = id
                created.append(id)
            }
        }
        return created
    }

    /// A task for a check (its own change, no lane).
    func addCheckTaskLocked(to change: Int, kind: String, summary: String, check: String) -> Int {
        let id = nextTaskID
        nextTaskID += 1
        let work: TaskRecord.Work = kind == "perform-check" ? .performCheck(check) : .recoverCheck(check)
        tasks[id] = TaskRecord(id: id, changeID: change, kind: kind, summary: summary, spawnTime: WallClock.now(),
                               lanes: [], waitFor: [], work: work)
        changes[change]?.taskIDs.append(id)
        return id
    }

    /// Records the change's first notice and runs what can run.
    func startChangeLocked(_ change: Int) {
        noteChangeStatusLocked(change)
        ensureLocked()
    }

    /// Starts every task whose dependencies are Done, until nothing more can start.
    func ensureLocked() {
        var progress = true
        while progress {
            progress = false
            for id in tasks.keys.sorted() {
                guard let task = tasks[id], task.status == .do else { continue }
                guard task.waitFor.allSatisfy({ tasks[$0]?.status == .done }) else { continue }
                tasks[id]!.status = .doing
                noteChangeStatusLocked(task.changeID)
                let outcome: TaskOutcome
                switch task.work {
                case .start(let name): outcome = beginStartLocked(task: id, service: name)
                case .stop(let name): outcome = beginStopLocked(task: id, service: name)
                case .performCheck(let name), .recoverCheck(let name): outcome = beginCheckTaskLocked(task: id, check: name)
                }
                if case .pending = outcome { continue }
                finishTaskLocked(id, outcome)
                progress = true
            }
        }
    }

    /// Ends a task that was Doing (or Abort); a failure aborts its lanes first.
    func finishTaskLocked(_ id: Int, _ outcome: TaskOutcome) {
        guard let task = tasks[id], !task.isReady else { return }
        let now = WallClock.now()
        switch outcome {
        case .pending:
            return
        case .done(let log):
            if let log { tasks[id]!.logf("INFO", log, at: now) }
            // An aborted task that ends well is undone; services have no undo: Done.
            tasks[id]!.status = .done
        case .failed(let error):
            abortLanesLocked(change: task.changeID, lanes: task.lanes, failing: id)
            tasks[id]!.status = .error
            tasks[id]!.logf("ERROR", error, at: now)
        }
        tasks[id]!.readyTime = now
        noteChangeStatusLocked(task.changeID)
        ensureLocked()
        dirty = true
    }

    /// `abortLanes`: pending tasks of the lanes are held, running ones told to stop, and every
    /// task waiting on an aborted one is aborted with its lanes.
    func abortLanesLocked(change: Int, lanes: [Int], failing: Int?) {
        guard let ids = changes[change]?.taskIDs else { return }
        var queue = ids.filter { id in id != failing && tasks[id]!.lanes.contains { lanes.contains($0) } }
        if let failing { queue += ids.filter { tasks[$0]!.waitFor.contains(failing) } }
        var seen: Set<Int> = failing.map { [$0] } ?? []
        var abortedLanes = Set(lanes)
        while !queue.isEmpty {
            let id = queue.removeFirst()
            guard !seen.contains(id), let task = tasks[id] else { continue }
            seen.insert(id)
            switch task.status {
            case .do:
                tasks[id]!.status = .hold
                tasks[id]!.readyTime = WallClock.now()
            case .doing:
                abortRunningTaskLocked(id)
            default:
                break
            }
            for lane in task.lanes where !abortedLanes.contains(lane) {
                abortedLanes.insert(lane)
                queue += ids.filter { tasks[$0]!.lanes.contains(lane) }
            }
            queue += ids.filter { tasks[$0]!.waitFor.contains(id) }
        }
    }

    /// A running task is told to stop: a start kills its process and fails; a stop runs on; a
    /// check task ends (Done, as an aborted check change does).
    func abortRunningTaskLocked(_ id: Int) {
        guard let task = tasks[id] else { return }
        tasks[id]!.status = .abort
        switch task.work {
        case .start(let name):
            abortStartLocked(name)
            finishTaskLocked(id, .failed("start aborted, sent SIGKILL to process"))
        case .stop:
            break // signals are already sent; it ends when the process goes
        case .performCheck(let name), .recoverCheck(let name):
            stopCheckRunLocked(name, change: task.changeID)
            finishTaskLocked(id, .done(log: nil))
        }
    }

    /// `POST /v1/changes/<id>` abort.
    func abortChangeLocked(_ change: Int) {
        guard let ids = changes[change]?.taskIDs else { return }
        for id in ids {
            switch tasks[id]!.status {
            case .do:
                tasks[id]!.status = .hold
                tasks[id]!.readyTime = WallClock.now()
            case .doing:
                abortRunningTaskLocked(id)
            default:
                break
            }
        }
        noteChangeStatusLocked(change)
        dirty = true
    }

    /// Records a change-update notice when the change's status changed (not for a repeat, nor
    /// Doing→Do), and its ready time when it became ready.
    func noteChangeStatusLocked(_ id: Int) {
        guard var change = changes[id] else { return }
        let status = change.status(tasks)
        if [.done, .undone, .hold, .error].contains(status), change.readyTime == nil { change.readyTime = WallClock.now() }
        let last = change.lastNoticeStatus
        let skip = last == status || (last == .doing && status == .do) || (last == .undoing && status == .undo)
        if !skip {
            change.lastNoticeStatus = status
            var data = ["kind": change.kind]
            for (k, v) in change.noticeData { data[k] = v }
            addNoticeLocked(userID: nil, type: .changeUpdate, key: String(id), data: data, repeatAfter: nil)
        }
        changes[id] = change
    }

    func isChangeReadyLocked(_ id: Int) -> Bool {
        guard let change = changes[id] else { return true }
        return [.done, .undone, .hold, .error].contains(change.status(tasks))
    }
}
