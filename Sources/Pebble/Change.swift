import JujuJSON

/// A change: work Pebble does for a request (starting services, running a check), made of tasks.
public struct Change: Sendable, Hashable {
    /// The change id (a decimal string).
    public var id: String
    /// `start`, `stop`, `restart`, `replan`, `autostart`, `perform-check`, `recover-check`, ...
    public var kind: String
    public var summary: String
    public var status: ChangeStatus
    public var tasks: [ChangeTask]
    /// `true` once the change has finished, successfully or not.
    public var ready: Bool
    /// Why it failed, when it did (`cannot perform the following tasks:\n- ...`); never empty
    /// when read from Pebble.
    public var err: String?
    /// RFC 3339 time the change was made.
    public var spawnTime: String
    /// RFC 3339 time it became ready.
    public var readyTime: String?
    /// The change's API data (raw JSON).
    public var data: [String: JSONValue]

    public init(id: String, kind: String, summary: String, status: ChangeStatus, tasks: [ChangeTask] = [], ready: Bool,
                err: String? = nil, spawnTime: String, readyTime: String? = nil, data: [String: JSONValue] = [:]) {
        self.id = id
        self.kind = kind
        self.summary = summary
        self.status = status
        self.tasks = tasks
        self.ready = ready
        self.err = err
        self.spawnTime = spawnTime
        self.readyTime = readyTime
        self.data = data
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("change")
        id = try o.required("id", in: "change")
        kind = try o.required("kind", in: "change")
        summary = try o.required("summary", in: "change")
        status = ChangeStatus(rawValue: try o.required("status", in: "change"))
        var tasks: [ChangeTask] = []
        for task in try (o["tasks"] ?? .null).pebbleArray("change tasks") { tasks.append(try ChangeTask(json: task)) }
        self.tasks = tasks
        ready = try o.bool("ready", in: "change")
        // Pebble leaves `err` out unless the change failed (`omitempty`): an empty one is none.
        err = try o.optionalString("err", in: "change").flatMap { $0.isEmpty ? nil : $0 }
        spawnTime = try o.optionalString("spawn-time", in: "change") ?? ""
        readyTime = try o.optionalString("ready-time", in: "change")
        data = o["data"]?.objectValue ?? [:]
    }

    /// The change as Pebble writes it (`tasks`, `err`, `ready-time` and `data` left out when empty).
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "kind": .string(kind), "summary": .string(summary),
                                      "status": .string(status.rawValue), "ready": .bool(ready), "spawn-time": .string(spawnTime)]
        if !tasks.isEmpty { o["tasks"] = .array(tasks.map(\.jsonValue)) }
        o.set("err", err, omitEmpty: true)
        o.set("ready-time", readyTime)
        if !data.isEmpty { o["data"] = .object(data) }
        return .object(o)
    }
}
