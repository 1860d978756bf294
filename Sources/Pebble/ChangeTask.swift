import JujuJSON

/// One task of a ``Change``.
public struct ChangeTask: Sendable, Hashable {
    public var id: String
    /// `start`, `stop`, `perform-check`, ...
    public var kind: String
    /// `Start service "fastapi-service"`, ...
    public var summary: String
    public var status: ChangeStatus
    /// The task's log lines (`2024-05-01T12:00:00Z ERROR ...`, "Most recent service output").
    public var log: [String]
    public var progress: Progress
    public var spawnTime: String
    public var readyTime: String?
    public var data: [String: JSONValue]

    /// A task's progress: a label and done/total counts.
    public struct Progress: Sendable, Hashable {
        public var label: String
        public var done: Int
        public var total: Int

        public init(label: String = "", done: Int = 0, total: Int = 1) {
            self.label = label
            self.done = done
            self.total = total
        }
    }

    public init(id: String, kind: String, summary: String, status: ChangeStatus, log: [String] = [],
                progress: Progress = Progress(), spawnTime: String, readyTime: String? = nil, data: [String: JSONValue] = [:]) {
        self.id = id
        self.kind = kind
        self.summary = summary
        self.status = status
        self.log = log
        self.progress = progress
        self.spawnTime = spawnTime
        self.readyTime = readyTime
        self.data = data
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("task")
        id = try o.required("id", in: "task")
        kind = try o.required("kind", in: "task")
        summary = try o.required("summary", in: "task")
        status = ChangeStatus(rawValue: try o.required("status", in: "task"))
        log = try o.strings("log", in: "task")
        let p = o["progress"]?.objectValue ?? [:]
        progress = Progress(label: try p.optionalString("label", in: "task progress") ?? "",
                            done: try p.int("done", in: "task progress") ?? 0, total: try p.int("total", in: "task progress") ?? 0)
        spawnTime = try o.optionalString("spawn-time", in: "task") ?? ""
        readyTime = try o.optionalString("ready-time", in: "task")
        data = o["data"]?.objectValue ?? [:]
    }

    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind), "summary": .string(summary), "status": .string(status.rawValue),
            "progress": .object(["label": .string(progress.label), "done": .number(JSONNumber(progress.done)),
                                 "total": .number(JSONNumber(progress.total))]),
            "spawn-time": .string(spawnTime),
        ]
        if !log.isEmpty { o["log"] = .array(log.map { .string($0) }) }
        o.set("ready-time", readyTime)
        if !data.isEmpty { o["data"] = .object(data) }
        return .object(o)
    }
}
