import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit

/// `fake-juju-tools init|install|dump|...`: setting up and inspecting the fake model.
enum Admin {
    static let usage = """
        usage:
          fake-juju-tools init --model FILE --relation ID --endpoint NAME [--provider-endpoint NAME]
                               --requirer APP[:N] --provider APP[:N] [--juju-version V]
                               [--model-name NAME] [--model-uuid UUID] [--interface NAME]
          fake-juju-tools install BIN_DIR [--model FILE]
                                                   symlinks named after every hook tool (with
                                                   --model: only those the model's Juju has)
          fake-juju-tools dump --model FILE        the model as JSON
          fake-juju-tools tools                    the hook tools answered, one a line
          fake-juju-tools set-leader --model FILE UNIT
          fake-juju-tools join --model FILE --relation ID UNIT      (enters the relation's scope)
          fake-juju-tools depart --model FILE --relation ID UNIT    (leaves it; its bag goes)
          fake-juju-tools remove-relation --model FILE --relation ID
          fake-juju-tools set-config --model FILE APP KEY=JSON...
          fake-juju-tools hook-begin --model FILE  (a hook starts: remembers the model)
          fake-juju-tools hook-end --model FILE --exit-code N
                                                   (a hook ended: if N is not 0, its relation
                                                   data, secrets and ports are discarded, as
                                                   Juju does; statuses and logs stay)
          fake-juju-tools add-relation --model FILE --relation ID --endpoint NAME
                               --requirer APP[:N] --provider APP[:N] [--provider-endpoint NAME]
                                                   (another relation; new applications join)
          fake-juju-tools serve --model FILE --socket PATH
                                                   (keeps the model in memory and answers tools
                                                   run with FAKE_JUJU_SOCKET=PATH; writes FILE
                                                   on save and stop)
          fake-juju-tools dump|load|save|stop|hook-begin|add-relation --socket PATH ...
          fake-juju-tools hook-end --socket PATH --exit-code N
          fake-juju-tools TOOL ARGS...             runs TOOL (as if called by that name)
        hook tools read FAKE_JUJU_MODEL (or FAKE_JUJU_SOCKET), JUJU_UNIT_NAME and, if set, append
        to FAKE_JUJU_CALLS;
        a tool named in FAKE_JUJU_FAIL (comma-separated) fails without touching the model.

        """

    static func main(_ argv: [String]) -> Int32 {
        guard argv.count > 1 else {
            System.printError(usage)
            return 2
        }
        let command = argv[1]
        let rest = Array(argv.dropFirst(2))
        do throws(ToolFailure) {
            if ["dump", "load", "save", "stop", "hook-begin", "hook-end", "add-relation"].contains(command),
                rest.contains(where: { $0.hasPrefix("--socket") })
            {
                let a = try Arguments(rest, valued: [["socket"], ["exit-code"]] + relationFlags)
                var fields: [String] = []
                if command == "hook-end" { fields = [try required(a, "exit-code")] }
                if command == "add-relation" { fields = rest }
                let reply = try Server.request(try required(a, "socket"), kind: command, fields: fields)
                System.printOut(reply.out)
                System.printError(reply.err)
                return reply.status
            }
            switch command {
            case "serve":
                let a = try Arguments(rest, valued: [["model"], ["socket"]])
                return try Server.serve(model: try required(a, "model"), socket: try required(a, "socket"))
            case "add-relation": try addRelation(rest)
            case "init": try initModel(rest)
            case "install": try install(rest, argv0: argv[0])
            case "dump":
                let a = try Arguments(rest, valued: [["model"]])
                let path = try required(a, "model")
                let lock = try System.lockExclusive(path + ".lock")
                defer { System.unlock(lock) }
                let snapshot = try Runner.load(path)
                do { System.printOut(try snapshot.json(style: .python) + "\n") } catch {
                    throw ToolFailure("cannot encode the model: \(error)")
                }
            case "tools": System.printOut(Tools.names.joined(separator: "\n") + "\n")
            case "hook-begin":
                let a = try Arguments(rest, valued: [["model"]])
                let path = try required(a, "model")
                let lock = try System.lockExclusive(path + ".lock")
                defer { System.unlock(lock) }
                try System.writeFileAtomically(path + ".hook-start", String(decoding: try System.readFile(path), as: UTF8.self))
            case "hook-end":
                let a = try Arguments(rest, valued: [["model"], ["exit-code"]])
                let path = try required(a, "model")
                guard let code = Int(try required(a, "exit-code")) else { throw ToolFailure("--exit-code must be a number", code: 2) }
                let startPath = path + ".hook-start"
                guard System.fileExists(startPath) else { throw ToolFailure("hook-end without hook-begin for \(path)") }
                defer { System.removeFile(startPath) }
                if code != 0 {
                    let start = try Runner.load(startPath)
                    try Runner.withModel(path) { s throws(ToolFailure) in s = s.discardingHookChanges(since: start) }
                }
            case "set-leader":
                let a = try Arguments(rest, valued: [["model"]])
                guard let unit = a.positionals.first else { throw ToolFailure("set-leader needs a UNIT", code: 2) }
                try Runner.withModel(try required(a, "model")) { s throws(ToolFailure) in
                    let app = Snapshot.app(of: unit)
                    guard (s.units[app] ?? []).contains(unit) else { throw ToolFailure("unit \"\(unit)\" is not in the model") }
                    s.leaders[app] = unit
                }
            case "join", "depart":
                let a = try Arguments(rest, valued: [["model"], ["relation"]])
                guard let unit = a.positionals.first else { throw ToolFailure("\(command) needs a UNIT", code: 2) }
                guard let id = Int(try required(a, "relation")) else { throw ToolFailure("--relation must be a number", code: 2) }
                try Runner.withModel(try required(a, "model")) { s throws(ToolFailure) in
                    guard s.relations.contains(where: { $0.id == id }) else { throw ToolFailure("relation \(id) not found") }
                    let model = InMemoryJuju(snapshot: s)
                    let app = Snapshot.app(of: unit)
                    if command == "join" {
                        guard model.relation(id)?.apps.contains(app) == true else {
                            throw ToolFailure("\(app) is not in relation \(id)")
                        }
                        model.setUnitBag(relation: id, unit: unit, model.relation(id)?.unitBags[unit] ?? Databag())
                        if !(s.units[app] ?? []).contains(unit) { s.units[app, default: []].append(unit) }
                    } else {
                        model.removeUnit(relation: id, unit: unit)
                    }
                    s = model.snapshot(updating: s)
                }
            case "remove-relation":
                let a = try Arguments(rest, valued: [["model"], ["relation"]])
                guard let id = Int(try required(a, "relation")) else { throw ToolFailure("--relation must be a number", code: 2) }
                try Runner.withModel(try required(a, "model")) { s in s.relations.removeAll { $0.id == id } }
            case "set-config":
                let a = try Arguments(rest, valued: [["model"]])
                guard let app = a.positionals.first else { throw ToolFailure("set-config needs an APP", code: 2) }
                var changes: [String: Snapshot.ConfigValue?] = [:]
                for arg in a.positionals.dropFirst() {
                    guard let eq = arg.firstIndex(of: "=") else { throw ToolFailure("expected KEY=JSON, got \"\(arg)\"", code: 2) }
                    let key = String(arg[..<eq])
                    let text = String(arg[arg.index(after: eq)...])
                    if text == "null" {
                        changes[key] = .some(nil)
                    } else {
                        do {
                            changes[key] = try JSONValueDecoder().decode(Snapshot.ConfigValue.self, fromJSON: text)
                        } catch {
                            throw ToolFailure("KEY=JSON: \(text) is not a JSON string, number or boolean", code: 2)
                        }
                    }
                }
                try Runner.withModel(try required(a, "model")) { s in
                    for (key, value) in changes { s.config[app, default: [:]][key] = value }
                }
            case "-h", "--help", "help":
                System.printOut(usage)
            default:
                throw ToolFailure("unknown command \"\(command)\"\n\(usage)", code: 2)
            }
            return 0
        } catch {
            return Runner.report(error)
        }
    }

    static func required(_ a: Arguments, _ name: String) throws(ToolFailure) -> String {
        guard let value = a.value(name) else { throw ToolFailure("--\(name) is required", code: 2) }
        return value
    }

    /// `APP[:N]` → the application and its N units (default 1).
    static func appSpec(_ spec: String) throws(ToolFailure) -> (String, [String]) {
        var app = spec
        var count = 1
        if let colon = spec.lastIndex(of: ":") {
            app = String(spec[..<colon])
            guard let n = Int(spec[spec.index(after: colon)...]), n >= 1 else {
                throw ToolFailure("bad unit count in \"\(spec)\"", code: 2)
            }
            count = n
        }
        guard !app.isEmpty, !app.contains("/") else { throw ToolFailure("bad application name in \"\(spec)\"", code: 2) }
        return (app, (0..<count).map { "\(app)/\($0)" })
    }

    static let relationFlags: [[String]] = [["relation"], ["endpoint"], ["provider-endpoint"], ["requirer"], ["provider"], ["interface"]]

    /// Adds the relation `a` describes to `s`; applications new to the model join it with their
    /// units, the first as leader; applications already there keep their units.
    static func addRelation(_ a: Arguments, to s: inout Snapshot) throws(ToolFailure) {
        guard let id = Int(try required(a, "relation")), id >= 0 else { throw ToolFailure("--relation must be a number", code: 2) }
        guard !s.relations.contains(where: { $0.id == id }) else { throw ToolFailure("relation \(id) is already in the model", code: 2) }
        let endpoint = try required(a, "endpoint")
        var (requirer, requirerUnits) = try appSpec(try required(a, "requirer"))
        var (provider, providerUnits) = try appSpec(try required(a, "provider"))
        guard requirer != provider else { throw ToolFailure("the two applications must differ", code: 2) }
        for (app, units) in [(requirer, requirerUnits), (provider, providerUnits)] where s.units[app] == nil {
            s.units[app] = units
            s.leaders[app] = units[0]
        }
        requirerUnits = s.units[requirer]!
        providerUnits = s.units[provider]!
        var unitBags: [String: [String: String]] = [:]
        for unit in requirerUnits + providerUnits { unitBags[unit] = [:] }
        s.relations.append(
            Snapshot.RelationRecord(
                id: id, interface: a.value("interface") ?? "postgresql_client",
                endpoints: [requirer: endpoint, provider: a.value("provider-endpoint") ?? endpoint],
                apps: [requirer, provider], units: [requirer: requirerUnits, provider: providerUnits],
                appBags: [requirer: [:], provider: [:]], unitBags: unitBags))
    }

    static func initModel(_ args: [String]) throws(ToolFailure) {
        let a = try Arguments(args, valued: relationFlags + [["model"], ["juju-version"], ["model-name"], ["model-uuid"]])
        let path = try required(a, "model")
        var s = Snapshot()
        if let v = a.value("juju-version") { s.jujuVersion = v }
        if let v = a.value("model-name") { s.modelName = v }
        if let v = a.value("model-uuid") { s.modelUUID = v }
        try addRelation(a, to: &s)
        let lock = try System.lockExclusive(path + ".lock")
        defer { System.unlock(lock) }
        try Runner.save(s, to: path)
    }

    static func addRelation(_ args: [String]) throws(ToolFailure) {
        let a = try Arguments(args, valued: relationFlags + [["model"]])
        try Runner.withModel(try required(a, "model")) { s throws(ToolFailure) in try addRelation(a, to: &s) }
    }

    /// Symlinks named after the hook tools; with `--model`, only the tools that the model's
    /// Juju version has (Juju 2.9 has no `secret-*`, Juju before 3.6.2 no `relation-model-get`),
    /// so a charm finds on `PATH` what it would find on a real unit of that version.
    static func install(_ args: [String], argv0: String) throws(ToolFailure) {
        let a = try Arguments(args, valued: [["model"]])
        guard let directory = a.positionals.first, a.positionals.count == 1 else {
            throw ToolFailure("install needs a BIN_DIR", code: 2)
        }
        var names = Tools.names
        if let model = a.value("model") {
            let version = try Tools.jujuVersion(of: try Runner.load(model))
            names = names.filter { Tools.exists($0, in: version) }
        }
        try System.makeDirectories(directory)
        let target = System.executablePath(argv0: argv0)
        for name in names { try System.symlink(target: target, at: directory + "/" + name) }
    }
}
