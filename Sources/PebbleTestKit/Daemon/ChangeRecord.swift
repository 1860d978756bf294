import JujuJSON
import Pebble

/// A task of the fake daemon (internals/overlord/state/task.go), with what the runner needs:
/// its lanes, what it waits for, and the service or check it works on.
struct TaskRecord: Sendable {
    enum Work: Sendable, Equatable {
        case start(String)
        case stop(String)
        case performCheck(String)
        case recoverCheck(String)
    }

    var id: Int
    var changeID: Int
    var kind: String
    var summary: String
    var status: ChangeStatus = .do
    var log: [String] = []
    var spawnTime: Timestamp
    var readyTime: Timestamp?
    var lanes: [Int]
    var waitFor: [Int]
    var work: Work

    var isReady: Bool { [.done, .undone, .hold, .error].contains(status) }

    mutating func logf(_ level: String, _ message: String, at time: Timestamp) {
        log.append("\(time.rfc3339) \(level) \(message)")
        // Pebble keeps a task's last 10 log entries.
        if log.count > 10 { log.removeFirst(log.count - 10) }
    }

    func info() -> ChangeTask {
        ChangeTask(id: String(id), kind: kind, summary: summary, status: status, log: log,
                   progress: .init(label: "", done: status == .do ? 0 : 1, total: 1),
                   spawnTime: spawnTime.rfc3339Nano, readyTime: readyTime?.rfc3339Nano)
    }
}

/// A change of the fake daemon (internals/overlord/state/change.go).
struct ChangeRecord: Sendable {
    var id: Int
    var kind: String
    var summary: String
    var taskIDs: [Int] = []
    var spawnTime: Timestamp
    var readyTime: Timestamp?
    /// An explicit status (only `Replan - no services`, set Done).
    var explicitStatus: ChangeStatus?
    /// `service-names`, for `GET /v1/changes?for=`.
    var serviceNames: [String]?
    /// Extra data of the change-update notices (`check-name`).
    var noticeData: [String: String] = [:]
    /// The last status a change-update notice was recorded for.
    var lastNoticeStatus: ChangeStatus?

    /// Pebble's derivation: the explicit status, `Hold` without tasks, else the first status
    /// of Abort, Undoing, Undo, Doing, Do, Wait, Error, Undone, Done, Hold that a task has.
    func status(_ tasks: [Int: TaskRecord]) -> ChangeStatus {
        if let explicitStatus { return explicitStatus }
        if taskIDs.isEmpty { return .hold }
        let statuses = Set(taskIDs.compactMap { tasks[$0]?.status })
        for status in [ChangeStatus.abort, .undoing, .undo, .doing, .do, .wait, .error, .undone, .done, .hold] where statuses.contains(status) {
            return status
        }
        return .hold
    }

    /// `cannot perform the following tasks:\n- <summary> (<error>)` for each ERROR log entry
    /// of each failed task.
    func err(_ tasks: [Int: TaskRecord]) -> String? {
        guard status(tasks) == .error else { return nil }
        var lines: [String] = []
        for id in taskIDs {
            guard let task = tasks[id], task.status == .error else { continue }
            for entry in task.log {
                guard let space = entry.firstIndex(of: " ") else { continue }
                let rest = entry[space...]
                if rest.hasPrefix(" ERROR ") { lines.append("- \(task.summary) (\(rest.dropFirst(7)))") }
            }
        }
        if lines.isEmpty { return "internal inconsistency: change \(PebbleQuoting.quote(kind)) in ErrorStatus with no task errors logged" }
        return "cannot perform the following tasks:\n" + lines.joined(separator: "\n")
    }

    func info(_ tasks: [Int: TaskRecord]) -> Change {
        let status = status(tasks)
        return Change(id: String(id), kind: kind, summary: summary, status: status,
                      tasks: taskIDs.compactMap { tasks[$0]?.info() }, ready: [.done, .undone, .hold, .error].contains(status),
                      err: err(tasks), spawnTime: spawnTime.rfc3339Nano, readyTime: readyTime?.rfc3339Nano)
    }
}
