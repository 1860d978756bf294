#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import JujuJSON
import PostgreSQLClient
import Synchronization

/// ``HookTools`` that run Juju's real hook tools (`relation-get`, `relation-set`, ...) as child
/// processes. Each bag is read at most once per hook (reads are cached and a write updates the
/// cache), and secret values never appear on a command line (`key#file=path`, as ops does).
public final class ProcessHookTools: HookTools {
    struct Cache {
        var bags: [String: Databag] = [:]
        var leader: Bool?
        var relationLists: [Int: [String]] = [:]
    }

    let cache = Mutex(Cache())
    /// This unit (`JUJU_UNIT_NAME`), whose bags `relation-set` writes.
    public let unit: String?
    /// Where the tools are looked for; `nil` is `PATH`.
    public let searchPath: String?

    public init(unit: String? = getenv("JUJU_UNIT_NAME").map { String(cString: $0) }, searchPath: String? = nil) {
        self.unit = unit
        self.searchPath = searchPath
    }

    static func key(_ id: Int, _ member: String, _ app: Bool) -> String { "\(id)|\(app ? "app" : "unit")|\(member)" }

    /// Runs a tool and maps Juju's error output to a ``HookToolError``.
    func run(_ argv: [String], stdin: [UInt8]? = nil) throws(HookToolError) -> [UInt8] {
        let output = try ProcessRunner.run(argv, stdin: stdin, searchPath: searchPath)
        guard output.status == 0 else {
            let text = String(decoding: output.stderr, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit status \(output.status)"
            let message = text.hasPrefix("ERROR ") ? String(text.dropFirst(6)) : text
            let lower = message.lowercased()
            let code: HookToolError.Code
            if lower.contains("permission denied") || lower.contains("not the leader") || lower.contains("not leader") {
                code = .permissionDenied
            } else if lower.contains("relation not found") || lower.contains("invalid value") && lower.contains("-r") {
                code = .relationNotFound
            } else if lower.contains("secret") && lower.contains("not found") {
                code = .secretNotFound
            } else {
                code = .toolFailed
            }
            throw HookToolError(code, tool: argv[0], message: message)
        }
        return output.stdout
    }

    func json(_ tool: String, _ bytes: [UInt8]) throws(HookToolError) -> JSONValue {
        do {
            return try JSONParser().parse(bytes: bytes)
        } catch {
            throw HookToolError(.invalidOutput, tool: tool, message: "printed something that is not JSON: \(error)")
        }
    }

    public func relationIDs(endpoint: String) throws(HookToolError) -> [Int] {
        let value = try json("relation-ids", run(["relation-ids", endpoint, "--format=json"]))
        guard let list = value.stringArray else { throw HookToolError(.invalidOutput, tool: "relation-ids", message: "expected a JSON list of relation ids") }
        return list.compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
    }

    public func relationList(relationID: Int) throws(HookToolError) -> [String] {
        if let cached = cache.withLock({ $0.relationLists[relationID] }) { return cached }
        let value = try json("relation-list", run(["relation-list", "-r", String(relationID), "--format=json"]))
        guard let list = value.isNull ? [] : value.stringArray else {
            throw HookToolError(.invalidOutput, tool: "relation-list", message: "expected a JSON list of unit names")
        }
        cache.withLock { $0.relationLists[relationID] = list }
        return list
    }

    public func relationGet(relationID: Int, member: String, app: Bool) throws(HookToolError) -> Databag {
        let key = Self.key(relationID, member, app)
        if let cached = cache.withLock({ $0.bags[key] }) { return cached }
        var argv = ["relation-get", "--format=json", "-r", String(relationID)]
        if app { argv.append("--app") }
        argv += ["-", member]
        let value = try json("relation-get", run(argv))
        let bag: Databag
        if value.isNull {
            bag = Databag()
        } else {
            do {
                bag = try Databag(jsonValue: value)
            } catch {
                throw HookToolError(.invalidOutput, tool: "relation-get", message: error.description)
            }
        }
        cache.withLock { $0.bags[key] = bag }
        return bag
    }

    public func relationSet(relationID: Int, app: Bool, changes: [String: String]) throws(HookToolError) {
        var argv = ["relation-set", "-r", String(relationID)]
        if app { argv.append("--app") }
        argv += ["--file", "-"]
        let body = JSONValue.object(changes.mapValues { .string($0) }).serialized()
        _ = try run(argv, stdin: Array(body.utf8))
        // Keep the cache in step with what Juju now holds for our own bag.
        guard let unit else { return }
        let member = app ? String(unit.split(separator: "/").first ?? Substring(unit)) : unit
        let key = Self.key(relationID, member, app)
        cache.withLock { c in
            if var bag = c.bags[key] {
                bag.update(changes)
                c.bags[key] = bag
            }
        }
    }

    public func isLeader() throws(HookToolError) -> Bool {
        if let cached = cache.withLock({ $0.leader }) { return cached }
        let value = try json("is-leader", run(["is-leader", "--format=json"]))
        guard let leader = value.boolValue else { throw HookToolError(.invalidOutput, tool: "is-leader", message: "expected true or false") }
        cache.withLock { $0.leader = leader }
        return leader
    }

    public func statusSet(_ status: WorkloadStatus, message: String, application: Bool) throws(HookToolError) {
        _ = try run(["status-set"] + (application ? ["--application"] : []) + [status.rawValue, message])
    }

    public func log(_ level: LogLevel, _ message: String) throws(HookToolError) {
        _ = try run(["juju-log", "--log-level", level.rawValue, message])
    }

    /// Writes secret values to files in a private temporary folder and passes `key#file=path`,
    /// so no value shows in a process list.
    func withContentFiles<T>(_ content: [String: String], _ body: ([String]) throws(HookToolError) -> T) throws(HookToolError) -> T {
        var template = Array("/tmp/secret-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw HookToolError(.toolFailed, tool: "secret", message: "cannot create a temporary folder") }
        let folder = String(cString: dir)
        var paths: [String] = []
        defer {
            for path in paths { unlink(path) }
            rmdir(folder)
        }
        var args: [String] = []
        for key in content.keys.sorted() {
            let path = "\(folder)/\(key)"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw HookToolError(.toolFailed, tool: "secret", message: "cannot write a temporary file") }
            paths.append(path)
            let bytes = Array(content[key]!.utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            args.append("\(key)#file=\(path)")
        }
        return try body(args)
    }

    public func secretAdd(content: [String: String], label: String?) throws(HookToolError) -> String {
        try withContentFiles(content) { args throws(HookToolError) in
            let out = try run(["secret-add", "--owner", "application"] + (label.map { ["--label", $0] } ?? []) + args)
            return String(decoding: out, as: UTF8.self).trimmingCharacters()
        }
    }

    public func secretGet(id: String?, label: String?, refresh: Bool, peek: Bool) throws(HookToolError) -> [String: String] {
        var argv = ["secret-get"]
        if let id { argv.append(id) }
        if let label { argv += ["--label", label] }
        if refresh { argv.append("--refresh") }
        if peek { argv.append("--peek") }
        argv.append("--format=json")
        let value = try json("secret-get", run(argv))
        guard let content = value.stringDictionary else { throw HookToolError(.invalidOutput, tool: "secret-get", message: "expected a JSON object of strings") }
        return content
    }

    public func secretSet(id: String, content: [String: String]) throws(HookToolError) {
        try withContentFiles(content) { args throws(HookToolError) in _ = try run(["secret-set", id] + args) }
    }

    public func secretGrant(id: String, relationID: Int) throws(HookToolError) {
        _ = try run(["secret-grant", id, "-r", String(relationID)])
    }

    public func secretRemove(id: String) throws(HookToolError) {
        _ = try run(["secret-remove", id])
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s.removeLast() }
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        return String(s)
    }
}
