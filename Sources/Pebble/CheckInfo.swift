import JujuJSON

/// A check's status, as `GET /v1/checks` answers (ops' `CheckInfo`).
public struct CheckInfo: Sendable, Hashable {
    public var name: String
    public var level: CheckLevel
    public var startup: CheckStartup
    public var status: CheckStatus
    /// Successes in a row (Pebble counts them since the check last started or recovered).
    public var successes: Int
    /// Failures in a row.
    public var failures: Int
    public var threshold: Int
    /// The `perform-check` or `recover-check` change running the check ("" when inactive).
    public var changeID: String
    /// The change before it ("" when none).
    public var prevChangeID: String

    public init(name: String, level: CheckLevel = .unset, startup: CheckStartup = .enabled, status: CheckStatus,
                successes: Int = 0, failures: Int = 0, threshold: Int = 3, changeID: String = "", prevChangeID: String = "") {
        self.name = name
        self.level = level
        self.startup = startup
        self.status = status
        self.successes = successes
        self.failures = failures
        self.threshold = threshold
        self.changeID = changeID
        self.prevChangeID = prevChangeID
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("check info")
        name = try o.required("name", in: "check info")
        level = CheckLevel(rawValue: try o.optionalString("level", in: "check info") ?? "")
        startup = CheckStartup(rawValue: try o.optionalString("startup", in: "check info") ?? "enabled")
        status = CheckStatus(rawValue: try o.required("status", in: "check info"))
        successes = try o.int("successes", in: "check info") ?? 0
        failures = try o.int("failures", in: "check info") ?? 0
        threshold = try o.int("threshold", in: "check info") ?? 0
        changeID = try o.optionalString("change-id", in: "check info") ?? ""
        prevChangeID = try o.optionalString("prev-change-id", in: "check info") ?? ""
    }

    /// The entry as Pebble writes it (`level`, `failures`, `change-id`, `prev-change-id` left out when empty).
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "startup": .string(startup.rawValue),
                                      "status": .string(status.rawValue)]
        o.set("level", level.rawValue, omitEmpty: true)
        o.set("successes", successes)
        o.set("failures", failures, omitZero: true)
        o.set("threshold", threshold)
        o.set("change-id", changeID, omitEmpty: true)
        o.set("prev-change-id", prevChangeID, omitEmpty: true)
        return .object(o)
    }
}
