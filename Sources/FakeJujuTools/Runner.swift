import JujuJSON
import PostgreSQLClientTestKit

enum Runner {
    /// Runs one hook tool as `JUJU_UNIT_NAME` on `FAKE_JUJU_MODEL`, under an exclusive lock on
    /// the model's `.lock` file: load, run, save, append to `FAKE_JUJU_CALLS`.
    static func runTool(_ tool: String, _ args: [String]) -> Int32 {
        let unit = System.env("JUJU_UNIT_NAME") ?? ""
        guard let modelPath = System.env("FAKE_JUJU_MODEL"), !modelPath.isEmpty else {
            return report(ToolFailure("FAKE_JUJU_MODEL is not set (the fake model file)"))
        }
        let lock: Int32
        do { lock = try System.lockExclusive(modelPath + ".lock") } catch { return report(error) }
        defer { System.unlock(lock) }

        var status: Int32 = 0
        var output = ""
        do throws(ToolFailure) {
            guard !unit.isEmpty else { throw ToolFailure("JUJU_UNIT_NAME is not set") }
            // Scripted faults: FAKE_JUJU_FAIL names tools (comma-separated) that fail in this
            // process's hook before touching the model, as a tool killed mid-hook would.
            if let fail = System.env("FAKE_JUJU_FAIL"), fail.split(separator: ",").contains(Substring(tool)) {
                throw ToolFailure("\(tool): injected failure (FAKE_JUJU_FAIL)")
            }
            let snapshot = try load(modelPath)
            let app = Snapshot.app(of: unit)
            guard (snapshot.units[app] ?? []).contains(unit) else {
                throw ToolFailure("unit \"\(unit)\" is not in the model")
            }
            let version = try Tools.jujuVersion(of: snapshot)
            guard Tools.exists(tool, in: version) else {
                // Not on a real unit's PATH at all: what a shell says of a missing command.
                throw ToolFailure("\(tool): command not found (Juju \(version) has no such hook tool; it came with "
                                  + "Juju \(Tools.introduced[tool]!))", code: 127)
            }
            let context = HookContext(tool: tool, args: args, unit: unit, snapshot: snapshot)
            try Tools.all[tool]!(context)
            context.sync()
            if context.snapshot != snapshot { try save(context.snapshot, to: modelPath) }
            output = context.out
        } catch {
            status = report(error)
        }
        if let calls = System.env("FAKE_JUJU_CALLS"), !calls.isEmpty {
            try? System.appendLine(calls, callLine(unit: unit, argv: Tools.redacted(tool: tool, args: args)))
        }
        System.printOut(output)
        return status
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
