import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit

enum Runner {
    /// One hook-tool call, as the calling process makes it.
    struct Call {
        var tool: String
        var args: [String]
        /// The caller's ``environmentNames`` variables.
        var environment: [String: String]
        /// The caller's standard input, read only for `--file -`.
        var standardInput: () throws(ToolFailure) -> [UInt8]
    }

    /// What the caller gets back: exit status, standard output, standard error.
    struct Reply {
        var status: Int32
        var out: String
        var err: String
    }

    /// The variables of a hook's environment that the tools read.
    static let environmentNames = [
        "JUJU_UNIT_NAME", "JUJU_RELATION", "JUJU_RELATION_ID", "JUJU_REMOTE_APP", "JUJU_REMOTE_UNIT", "JUJU_SECRET_ID",
        "JUJU_VERSION", "FAKE_JUJU_FAIL",
    ]

    static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in environmentNames { if let value = System.env(name) { environment[name] = value } }
        return environment
    }

    /// Runs `call` as its `JUJU_UNIT_NAME` on `snapshot`, which it changes in place: the tool
    /// exists in the model's Juju version, scripted faults (`FAKE_JUJU_FAIL`), Juju's rules.
    static func execute(_ call: Call, on snapshot: inout Snapshot) -> Reply {
        let unit = call.environment["JUJU_UNIT_NAME"] ?? ""
        do throws(ToolFailure) {
            guard !unit.isEmpty else { throw ToolFailure("JUJU_UNIT_NAME is not set") }
            // Scripted faults: FAKE_JUJU_FAIL names tools (comma-separated) that fail in this
            // hook before touching the model, as a tool killed mid-hook would.
            if let fail = call.environment["FAKE_JUJU_FAIL"], fail.split(separator: ",").contains(Substring(call.tool)) {
                throw ToolFailure("\(call.tool): injected failure (FAKE_JUJU_FAIL)")
            }
            let version = try Tools.jujuVersion(of: snapshot)
            guard Tools.exists(call.tool, in: version) else {
                // Not on a real unit's PATH at all: what a shell says of a missing command.
                throw ToolFailure("\(call.tool): command not found (Juju \(version) has no such hook tool; it came with "
                                  + "Juju \(Tools.introduced[call.tool]!))", code: 127)
            }
            let app = Snapshot.app(of: unit)
            guard (snapshot.units[app] ?? []).contains(unit) else {
                throw ToolFailure("unit \"\(unit)\" is not in the model")
            }
            // A call that names one relation (-r, or the hook's JUJU_RELATION_ID) sees only that
            // relation: the tools act on the named relation alone, and a model with a thousand
            // relations then costs a call no more than a model with one.
            let focus = call.tool == "relation-ids" || call.tool == "goal-state" ? nil : focusedRelation(call)
            var view = snapshot
            if let focus { view.relations = snapshot.relations.filter { $0.id == focus } }
            // Only the secret tools read or change secrets: the others do not carry them along.
            let usesSecrets = call.tool.hasPrefix("secret-")
            if !usesSecrets { view.secrets = [] }
            let context = HookContext(tool: call.tool, args: call.args, unit: unit, snapshot: view,
                                      environment: call.environment, standardInput: call.standardInput)
            try Tools.all[call.tool]!(context)
            context.sync()
            var merged = context.snapshot
            if let focus {
                merged.relations = snapshot.relations.map { r in r.id == focus ? (context.snapshot.relations.first { $0.id == focus } ?? r) : r }
            }
            if !usesSecrets {
                merged.secrets = snapshot.secrets
                merged.nextSecret = snapshot.nextSecret
            }
            snapshot = merged
            return Reply(status: 0, out: context.out, err: "")
        } catch {
            return Reply(status: error.code, out: "", err: "ERROR \(error.message)\n")
        }
    }

    /// The relation id a call names: its `-r`/`--relation` value, else `JUJU_RELATION_ID`
    /// (`ID` or `ENDPOINT:ID`); `nil` when it names none or the value is not an id (the tool
    /// then reports it, seeing the whole model).
    static func focusedRelation(_ call: Call) -> Int? {
        var raw: String?
        var index = 0
        while index < call.args.count {
            let arg = call.args[index]
            index += 1
            if arg == "--" { break }
            if arg == "-r" || arg == "--relation", index < call.args.count {
                raw = call.args[index]
                index += 1
            } else if arg.hasPrefix("-r=") || arg.hasPrefix("--relation=") {
                raw = String(arg[arg.index(after: arg.firstIndex(of: "=")!)...])
            }
        }
        guard let text = raw ?? call.environment["JUJU_RELATION_ID"], !text.isEmpty else { return nil }
        return Int(text.split(separator: ":").last ?? "")
    }

    /// Runs one hook tool on the model file `FAKE_JUJU_MODEL`, under an exclusive lock on its
    /// `.lock` file: load, run, save if changed, append to `FAKE_JUJU_CALLS`.
    static func runTool(_ tool: String, _ args: [String]) -> Int32 {
        guard let modelPath = System.env("FAKE_JUJU_MODEL"), !modelPath.isEmpty else {
            return report(ToolFailure("FAKE_JUJU_MODEL (the fake model file) or FAKE_JUJU_SOCKET (a fake-juju-tools serve) is not set"))
        }
        let call = Call(tool: tool, args: args, environment: processEnvironment(), standardInput: { () throws(ToolFailure) in
            try System.readAll(fd: 0)
        })
        var reply: Reply
        do throws(ToolFailure) {
            let lock = try System.lockExclusive(modelPath + ".lock")
            defer { System.unlock(lock) }
            let loaded = try load(modelPath)
            var snapshot = loaded
            reply = execute(call, on: &snapshot)
            if snapshot != loaded { try save(snapshot, to: modelPath) }
        } catch {
            reply = Reply(status: error.code, out: "", err: "ERROR \(error.message)\n")
        }
        return finish(call, reply)
    }

    /// Logs the call (`FAKE_JUJU_CALLS`) and prints the reply; returns the exit status.
    static func finish(_ call: Call, _ reply: Reply) -> Int32 {
        if let calls = System.env("FAKE_JUJU_CALLS"), !calls.isEmpty {
            let unit = call.environment["JUJU_UNIT_NAME"] ?? ""
            try? System.appendLine(calls, callLine(unit: unit, argv: Tools.redacted(tool: call.tool, args: call.args)))
        }
        System.printOut(reply.out)
        System.printError(reply.err)
        return reply.status
    }

    /// `{"unit":"pg/0","argv":["relation-get",...]}`.
    static func callLine(unit: String, argv: [String]) -> String {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"unit":"#.utf8)
        JSONValue.writeString(unit, into: &out, style: .compact)
        out.append(contentsOf: #","argv":["#.utf8)
        for (index, arg) in argv.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(arg, into: &out, style: .compact)
        }
        out.append(contentsOf: "]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    static func report(_ failure: ToolFailure) -> Int32 {
        System.printError("ERROR \(failure.message)\n")
        return failure.code
    }

    static func load(_ path: String) throws(ToolFailure) -> Snapshot {
        let bytes = try System.readFile(path)
        do {
            return try Snapshot(json: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ToolFailure("cannot read the fake model \(path): \(error)")
        }
    }

    static func save(_ snapshot: Snapshot, to path: String) throws(ToolFailure) {
        let text: String
        do { text = try snapshot.json() } catch { throw ToolFailure("cannot encode the fake model: \(error)") }
        try System.writeFileAtomically(path, text + "\n")
    }

    /// Runs `body` on the model file under its lock and saves the result.
    static func withModel(_ path: String, _ body: (inout Snapshot) throws(ToolFailure) -> Void) throws(ToolFailure) {
        let lock = try System.lockExclusive(path + ".lock")
        defer { System.unlock(lock) }
        var snapshot = try load(path)
        try body(&snapshot)
        try save(snapshot, to: path)
    }
}
