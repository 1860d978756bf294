// pebble-client-driver: drives the Swift Pebble client from the interop harness
// (Tests/Interop/pebble), one JSON command per line on stdin, one JSON answer per line on stdout.
//
//   pebble-client-driver --socket PATH [--timeout SECONDS]
//
// A command is an object with `op` and its arguments, e.g.
//   {"op": "add_layer", "label": "base", "layer": {"services": {...}}, "combine": true}
//   {"op": "start", "services": ["web"], "timeout": 30}
// Any command may carry `"socket": PATH` to use another socket for that call only.
// The answer is `{"result": ...}` or `{"error": {"type", "code", "message", "kind", "change"}}`,
// the same normal form the harness builds from ops.pebble's results and exceptions (see
// Tests/Interop/pebble/harness.py): the error type is ops' exception class name for the
// PebbleError code. A command the driver cannot read answers `{"driver-error": "..."}`.
// End of input ends the driver (exit 0).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import JujuJSON
import Pebble

/// A command that does not say what it needs (a harness bug, not a Pebble result).
struct DriverError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func fail(_ message: String) -> Never {
    let bytes = Array("pebble-client-driver: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

// MARK: - Command line

/// Where and how long: from the command line.
struct Options: Sendable {
    var socketPath: String
    var requestTimeout: Duration = .seconds(5)
}

func parseArguments() -> Options {
    var socketPath: String?
    var requestTimeout: Duration = .seconds(5)
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--socket":
            guard let value = arguments.popFirst() else { fail("--socket needs a path") }
            socketPath = value
        case "--timeout":
            guard let value = arguments.popFirst(), let seconds = Double(value), seconds > 0 else { fail("--timeout needs seconds") }
            requestTimeout = duration(seconds)
        default:
            fail("unknown argument \(argument); usage: pebble-client-driver --socket PATH [--timeout SECONDS]")
        }
    }
    guard let socketPath else { fail("--socket is required") }
    return Options(socketPath: socketPath, requestTimeout: requestTimeout)
}

// MARK: - Reading commands

func duration(_ seconds: Double) -> Duration {
    .nanoseconds(Int64((seconds * 1_000_000_000).rounded()))
}

func seconds(_ d: Duration) -> Double {
    let (s, attos) = d.components
    return Double(s) + Double(attos) / 1e18
}

struct Command {
    let object: [String: JSONValue]

    var op: String { object["op"]?.stringValue ?? "" }

    func string(_ key: String) throws -> String {
        guard let value = object[key]?.stringValue else { throw DriverError("\(op): \"\(key)\" must be a string") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw DriverError("\(op): \"\(key)\" must be a string") }
        return text
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = object[key], !value.isNull else { return false }
        guard let flag = value.boolValue else { throw DriverError("\(op): \"\(key)\" must be a boolean") }
        return flag
    }

    func int(_ key: String) throws -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.numberValue?.intValue else { throw DriverError("\(op): \"\(key)\" must be an integer") }
        return number
    }

    func number(_ key: String) throws -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.numberValue?.doubleValue else { throw DriverError("\(op): \"\(key)\" must be a number") }
        return number
    }

    func strings(_ key: String) throws -> [String] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let list = value.stringArray else { throw DriverError("\(op): \"\(key)\" must be a list of strings") }
        return list
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let value = object[key], !value.isNull else { return [:] }
        guard let map = value.stringDictionary else { throw DriverError("\(op): \"\(key)\" must be an object of strings") }
        return map
    }

    /// The wait of a service action: `timeout` seconds (default 30, ops' default; 0 = do not wait).
    var actionTimeout: Duration {
        get throws { duration(try number("timeout") ?? 30) }
    }
}

// MARK: - Normal form of results

func json(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
func json(_ i: Int?) -> JSONValue { i.map { .number(JSONNumber($0)) } ?? .null }
func json(_ strings: [String]) -> JSONValue { .array(strings.map { .string($0) }) }
func json(_ map: [String: String]) -> JSONValue { .object(map.mapValues { .string($0) }) }

func octal(_ bits: Int) -> String {
    var text = String(bits & 0o777, radix: 8)
    while text.count < 3 { text = "0" + text }
    return text
}

/// `2025-03-01T10:20:31Z INFO message` → `INFO message` (the time differs between runs).
func withoutTimestamp(_ line: String) -> String {
    guard let space = line.firstIndex(of: " ") else { return line }
    return String(line[line.index(after: space)...])
}

func normal(_ change: Change) -> JSONValue {
    .object([
        "id": .string(change.id), "kind": .string(change.kind), "summary": .string(change.summary),
        "status": .string(change.status.rawValue), "ready": .bool(change.ready),
        "err": json(change.err.flatMap { $0.isEmpty ? nil : $0 }),
        "tasks": .array(change.tasks.map { task in
            .object([
                "kind": .string(task.kind), "summary": .string(task.summary), "status": .string(task.status.rawValue),
                "log": json(task.log.map(withoutTimestamp)),
            ])
        }),
    ])
}

func normal(_ info: ServiceInfo) -> JSONValue {
    .object(["name": .string(info.name), "startup": .string(info.startup.rawValue), "current": .string(info.current.rawValue)])
}

func normal(_ info: FileInfo) -> JSONValue {
    .object([
        "path": .string(info.path), "name": .string(info.name), "type": .string(info.type.rawValue), "size": json(info.size),
        "permissions": .string(octal(info.permissions)), "user_id": json(info.userID), "user": .string(info.user),
        "group_id": json(info.groupID), "group": .string(info.group),
    ])
}

func normal(_ notice: Notice) -> JSONValue {
    .object([
        "id": .string(notice.id), "user_id": notice.userID.map { .number(JSONNumber($0)) } ?? .null,
        "type": .string(notice.type.rawValue), "key": .string(notice.key), "occurrences": .number(JSONNumber(notice.occurrences)),
        "last_data": json(notice.lastData),
        "repeat_after": notice.repeatAfter.map { .number(JSONNumber(seconds($0))) } ?? .null,
        "expire_after": notice.expireAfter.map { .number(JSONNumber(seconds($0))) } ?? .null,
    ])
}

/// Sets `key` unless the value is empty, as ops' `to_dict()` leaves out falsy fields.
func put(_ o: inout [String: JSONValue], _ key: String, _ value: String) {
    if !value.isEmpty { o[key] = .string(value) }
}
func put(_ o: inout [String: JSONValue], _ key: String, _ value: [String]) {
    if !value.isEmpty { o[key] = json(value) }
}
func put(_ o: inout [String: JSONValue], _ key: String, _ value: [String: String]) {
    if !value.isEmpty { o[key] = json(value) }
}
func put(_ o: inout [String: JSONValue], _ key: String, _ value: Int?) {
    if let value, value != 0 { o[key] = .number(JSONNumber(value)) }
}
func put(_ o: inout [String: JSONValue], _ key: String, _ value: Duration?) {
    if let value { o[key] = .string(GoDuration.format(value)) }
}

/// A service of the plan with Pebble's keys, empty fields left out (ops' `Service.to_dict()`).
func normal(_ s: Service) -> JSONValue {
    var o: [String: JSONValue] = [:]
    put(&o, "summary", s.summary)
    put(&o, "description", s.description)
    put(&o, "startup", s.startup.rawValue)
    put(&o, "override", s.override.rawValue)
    put(&o, "command", s.command)
    put(&o, "after", s.after)
    put(&o, "before", s.before)
    put(&o, "requires", s.requires)
    put(&o, "environment", s.environment)
    put(&o, "user", s.user)
    put(&o, "user-id", s.userID)
    put(&o, "group", s.group)
    put(&o, "group-id", s.groupID)
    put(&o, "working-dir", s.workingDir)
    put(&o, "on-success", s.onSuccess.rawValue)
    put(&o, "on-failure", s.onFailure.rawValue)
    put(&o, "on-check-failure", s.onCheckFailure.mapValues(\.rawValue))
    put(&o, "backoff-delay", s.backoffDelay)
    if let factor = s.backoffFactor, factor != 0 { o["backoff-factor"] = .number(JSONNumber(factor)) }
    put(&o, "backoff-limit", s.backoffLimit)
    put(&o, "kill-delay", s.killDelay)
    return .object(o)
}

/// A check of the plan (ops' `Check.to_dict()`).
func normal(_ c: Check) -> JSONValue {
    var o: [String: JSONValue] = [:]
    put(&o, "override", c.override.rawValue)
    put(&o, "level", c.level.rawValue)
    put(&o, "startup", c.startup.rawValue)
    put(&o, "period", c.period)
    put(&o, "timeout", c.timeout)
    put(&o, "threshold", c.threshold)
    if let http = c.http {
        var h: [String: JSONValue] = [:]
        put(&h, "url", http.url)
        put(&h, "headers", http.headers)
        o["http"] = .object(h)
    }
    if let tcp = c.tcp {
        var t: [String: JSONValue] = [:]
        put(&t, "port", tcp.port)
        put(&t, "host", tcp.host)
        o["tcp"] = .object(t)
    }
    if let exec = c.exec {
        var e: [String: JSONValue] = [:]
        put(&e, "command", exec.command)
        put(&e, "service-context", exec.serviceContext)
        put(&e, "environment", exec.environment)
        put(&e, "user-id", exec.userID)
        put(&e, "user", exec.user)
        put(&e, "group-id", exec.groupID)
        put(&e, "group", exec.group)
        put(&e, "working-dir", exec.workingDir)
        o["exec"] = .object(e)
    }
    return .object(o)
}

/// A log target of the plan (ops' `LogTarget.to_dict()`).
func normal(_ t: LogTarget) -> JSONValue {
    var o: [String: JSONValue] = [:]
    put(&o, "override", t.override.rawValue)
    put(&o, "type", t.type.rawValue)
    put(&o, "location", t.location)
    put(&o, "services", t.services)
    put(&o, "labels", t.labels)
    return .object(o)
}

/// The plan as ops' `Plan.to_dict()`: empty sections left out.
func normal(_ plan: Plan) -> JSONValue {
    var o: [String: JSONValue] = [:]
    if !plan.services.isEmpty { o["services"] = .object(plan.services.mapValues(normal)) }
    if !plan.checks.isEmpty { o["checks"] = .object(plan.checks.mapValues(normal)) }
    if !plan.logTargets.isEmpty { o["log-targets"] = .object(plan.logTargets.mapValues(normal)) }
    return .object(o)
}

/// ops' exception class for each PebbleError code.
func normal(_ error: PebbleError) -> JSONValue {
    let type: String
    var code: JSONValue = .null
    switch error.code {
    case .api:
        type = "APIError"
        code = json(error.statusCode)
    case .change: type = "ChangeError"
    case .connection: type = "ConnectionError"
    case .timeout: type = "TimeoutError"
    case .path: type = "PathError"
    case .protocolError: type = "ProtocolError"
    case .notFound: type = "ModelError"           // ops' Container.get_service
    case .invalidLayer: type = "InvalidLayer"     // the Swift client read a layer it cannot build
    default: type = error.code.rawValue
    }
    let kind: String? = (error.code == .api || error.code == .path) ? error.kind.flatMap { $0.isEmpty ? nil : $0 } : nil
    return .object(["error": .object([
        "type": .string(type), "code": code, "message": .string(error.message), "kind": json(kind),
        "change": json(error.change?.id),
    ])])
}

// MARK: - Hex (binary file content without Foundation)

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xf)])
    }
    return String(decoding: out, as: UTF8.self)
}

func unhex(_ text: String) throws -> [UInt8] {
    func nibble(_ c: UInt8) throws -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: throw DriverError("\"hex\" is not hexadecimal")
        }
    }
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { throw DriverError("\"hex\" has an odd length") }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    var i = 0
    while i < chars.count {
        out.append(try nibble(chars[i]) << 4 | nibble(chars[i + 1]))
        i += 2
    }
    return out
}

// MARK: - Running commands

let ok: JSONValue = .object(["result": .bool(true)])

func result(_ value: JSONValue) -> JSONValue { .object(["result": value]) }

func run(_ c: Command, _ options: Options) throws -> JSONValue {
    let client = PebbleClient(socketPath: try c.optionalString("socket") ?? options.socketPath, timeout: options.requestTimeout)
    switch c.op {
    case "system_info":
        let info = try client.systemInfo()
        return result(.object(["version": .string(info.version)]))
    case "can_connect":
        return result(.bool(client.canConnect()))

    case "add_layer":
        let label = try c.string("label")
        let combine = try c.bool("combine")
        switch c.object["layer"] {
        case .string(let yaml)?:
            try client.addLayer(label: label, yaml: yaml, combine: combine)
        case .object(let dict)?:
            // JSON is YAML: read the dict as a typed Layer, which the client writes out again.
            let layer = try Layer(yaml: JSONValue.object(dict).serialized(style: .python))
            try client.addLayer(label: label, layer: layer, combine: combine)
        default:
            throw DriverError("add_layer: \"layer\" must be YAML text or an object")
        }
        return ok
    case "get_plan":
        return result(normal(try client.plan()))

    case "get_services":
        return result(.array(try client.services(names: try c.strings("names")).map(normal)))
    case "get_service":
        return result(normal(try client.service(try c.string("name"))))
    case "start":
        return result(.string(try client.start(try c.strings("services"), timeout: try c.actionTimeout)))
    case "stop":
        return result(.string(try client.stop(try c.strings("services"), timeout: try c.actionTimeout)))
    case "restart":
        return result(.string(try client.restart(try c.strings("services"), timeout: try c.actionTimeout)))
    case "replan":
        return result(.string(try client.replan(timeout: try c.actionTimeout)))
    case "autostart":
        return result(.string(try client.autostart(timeout: try c.actionTimeout)))
    case "send_signal":
        try client.sendSignal(try c.string("signal"), services: try c.strings("services"))
        return ok

    case "wait_change":
        let timeout = try c.number("timeout").map(duration) ?? .seconds(30)
        return result(normal(try client.waitChange(try c.string("change"), timeout: timeout)))
    case "get_change":
        return result(normal(try client.change(try c.string("change"))))
    case "get_changes":
        let select = PebbleClient.ChangeSelection(rawValue: try c.optionalString("select") ?? "in-progress")
        guard let select else { throw DriverError("get_changes: unknown select") }
        let changes = try client.changes(select: select, service: try c.optionalString("service"))
        return result(.array(changes.sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }.map(normal)))
    case "abort_change":
        return result(normal(try client.abortChange(try c.string("change"))))

    case "push":
        let path = try c.string("path")
        let content: [UInt8]
        if let text = try c.optionalString("text") {
            content = Array(text.utf8)
        } else if let hexText = try c.optionalString("hex") {
            content = try unhex(hexText)
        } else {
            throw DriverError("push: give \"text\" or \"hex\"")
        }
        try client.push(path, content, makeDirectories: try c.bool("make_dirs"), permissions: try c.int("permissions"),
                        userID: try c.int("user_id"), user: try c.optionalString("user"),
                        groupID: try c.int("group_id"), group: try c.optionalString("group"))
        return ok
    case "pull":
        let path = try c.string("path")
        if try c.bool("binary") {
            return result(.object(["hex": .string(hex(try client.pull(path)))]))
        }
        return result(.object(["text": .string(try client.pullText(path))]))
    case "list_files":
        let files = try client.listFiles(try c.string("path"), pattern: try c.optionalString("pattern"), itself: try c.bool("itself"))
        return result(.array(files.map(normal)))
    case "make_dir":
        try client.makeDirectory(try c.string("path"), makeParents: try c.bool("make_parents"), permissions: try c.int("permissions"),
                                 userID: try c.int("user_id"), user: try c.optionalString("user"),
                                 groupID: try c.int("group_id"), group: try c.optionalString("group"))
        return ok
    case "remove_path":
        try client.removePath(try c.string("path"), recursive: try c.bool("recursive"))
        return ok
    case "exists":
        return result(.bool(try client.exists(try c.string("path"))))
    case "isdir":
        return result(.bool(try client.isDirectory(try c.string("path"))))

    case "notify":
        let repeatAfter = try c.number("repeat_after").map(duration)
        let id = try client.notify(key: try c.string("key"), data: try c.stringMap("data"), repeatAfter: repeatAfter)
        return result(.string(id))
    case "get_notices":
        let notices = try client.notices(types: try c.strings("types").map { NoticeType(rawValue: $0) }, keys: try c.strings("keys"))
        return result(.array(notices.map(normal)))
    case "get_notice":
        return result(normal(try client.notice(try c.string("id"))))

    default:
        throw DriverError("unknown op \"\(c.op)\"")
    }
}

// MARK: - The loop

let options = parseArguments()
signal(SIGPIPE, SIG_IGN)
while let line = readLine(strippingNewline: true) {
    if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
    let answer: JSONValue
    do {
        guard let object = try JSONParser().parse(line).objectValue else { throw DriverError("a command must be a JSON object") }
        answer = try run(Command(object: object), options)
    } catch let error as PebbleError {
        answer = normal(error)
    } catch {
        answer = .object(["driver-error": .string("\(error)")])
    }
    print(answer.serialized())
    fflush(nil)
}
exit(0)
