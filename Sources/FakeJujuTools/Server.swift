import JujuJSON
import PostgreSQLClientTestKit

/// `fake-juju-tools serve --model FILE --socket PATH`: keeps the model in memory and answers the
/// tool processes (started with `FAKE_JUJU_SOCKET=PATH`) over a Unix socket, one call at a time,
/// as Juju's unit agent answers its hook tools. A call then costs a process start and a round
/// trip instead of reading and rewriting the whole model file, which matters for models with
/// many relations. The file is written on `save` and `stop`.
///
/// A request is two frames: a JSON header, then the caller's standard input (empty unless the
/// tool was given `--file -`). Headers: `{"kind":"tool","tool":T,"args":[...],"env":{...}}`,
/// `{"kind":"dump"}`, `{"kind":"load"}` (read FILE again), `{"kind":"save"}`, `{"kind":"stop"}`, `{"kind":"hook-begin"}`,
/// `{"kind":"hook-end","exit-code":"N"}`, `{"kind":"add-relation","args":[...]}`. The reply: `{"status":"N","out":...,"err":...}`.
enum Server {
    static func serve(model path: String, socket socketPath: String) throws(ToolFailure) -> Int32 {
        var snapshot = try Runner.load(path)
        var hookStart: Snapshot?
        let listener = try Socket.listen(socketPath)
        defer {
            listener.close()
            System.removeFile(socketPath)
        }
        System.printOut("serving \(path) at \(socketPath)\n")
        while let connection = listener.accept() {
            defer { connection.close() }
            var stop = false
            let reply: Runner.Reply
            do throws(ToolFailure) {
                let header = try connection.receive()
                let input = try connection.receive()
                guard case .object(let request)? = try? JSONParser().parse(bytes: header) else {
                    throw ToolFailure("bad request to fake-juju-tools serve", code: 2)
                }
                switch request["kind"]?.stringValue {
                case "tool":
                    guard let tool = request["tool"]?.stringValue, Tools.all[tool] != nil else {
                        throw ToolFailure("unknown hook tool in request", code: 2)
                    }
                    var environment: [String: String] = [:]
                    for (key, value) in request["env"]?.objectValue ?? [:] { environment[key] = value.stringValue }
                    let call = Runner.Call(tool: tool, args: request["args"]?.stringArray ?? [], environment: environment,
                                           standardInput: { () throws(ToolFailure) in input })
                    reply = Runner.execute(call, on: &snapshot)
                case "dump":
                    do { reply = .init(status: 0, out: try snapshot.json(style: .python) + "\n", err: "") } catch {
                        throw ToolFailure("cannot encode the model: \(error)")
                    }
                case "load":
                    snapshot = try Runner.load(path)
                    hookStart = nil
                    reply = .init(status: 0, out: "", err: "")
                case "save":
                    try Runner.save(snapshot, to: path)
                    reply = .init(status: 0, out: "", err: "")
                case "stop":
                    try Runner.save(snapshot, to: path)
                    stop = true
                    reply = .init(status: 0, out: "", err: "")
                case "add-relation":
                    let a = try Arguments(request["args"]?.stringArray ?? [], valued: [["socket"]] + Admin.relationFlags)
                    try Admin.addRelation(a, to: &snapshot)
                    reply = .init(status: 0, out: "", err: "")
                case "hook-begin":
                    hookStart = snapshot
                    reply = .init(status: 0, out: "", err: "")
                case "hook-end":
                    guard let start = hookStart else { throw ToolFailure("hook-end without hook-begin") }
                    guard let code = Int(request["exit-code"]?.stringValue ?? "") else { throw ToolFailure("hook-end needs an exit code", code: 2) }
                    if code != 0 { snapshot = snapshot.discardingHookChanges(since: start) }
                    hookStart = nil
                    reply = .init(status: 0, out: "", err: "")
                default:
                    throw ToolFailure("unknown request kind", code: 2)
                }
            } catch {
                reply = .init(status: error.code, out: "", err: "ERROR \(error.message)\n")
            }
            let answer: JSONValue = ["status": .string(String(reply.status)), "out": .string(reply.out), "err": .string(reply.err)]
            try? connection.send(Array(answer.serialized(style: .compact).utf8))
            if stop { break }
        }
        return 0
    }

    /// One request to the server at `socket`: the reply.
    static func request(_ socket: String, _ header: JSONValue, input: [UInt8] = []) throws(ToolFailure) -> Runner.Reply {
        let connection = try Socket.connect(socket)
        defer { connection.close() }
        try connection.send(Array(header.serialized(style: .compact).utf8))
        try connection.send(input)
        guard case .object(let reply)? = try? JSONParser().parse(bytes: try connection.receive()),
            let status = Int32(reply["status"]?.stringValue ?? "")
        else { throw ToolFailure("bad reply from fake-juju-tools serve") }
        return .init(status: status, out: reply["out"]?.stringValue ?? "", err: reply["err"]?.stringValue ?? "")
    }

    /// A tool process in server mode: forwards argv, the hook environment and (for `--file -`)
    /// standard input; prints the reply, logs the call; returns the exit status.
    static func forward(_ tool: String, _ args: [String], socket: String) -> Int32 {
        let environment = Runner.processEnvironment()
        let readsInput = zip(args, args.dropFirst()).contains { $0 == "--file" && $1 == "-" } || args.contains("--file=-")
        let call = Runner.Call(tool: tool, args: args, environment: environment, standardInput: { () throws(ToolFailure) in [] })
        let reply: Runner.Reply
        do throws(ToolFailure) {
            let input = readsInput ? try System.readAll(fd: 0) : []
            var env: [String: JSONValue] = [:]
            for (key, value) in environment { env[key] = .string(value) }
            let header: JSONValue = ["kind": "tool", "tool": .string(tool), "args": .array(args.map { .string($0) }), "env": .object(env)]
            reply = try request(socket, header, input: input)
        } catch {
            reply = .init(status: error.code, out: "", err: "ERROR \(error.message)\n")
        }
        return Runner.finish(call, reply)
    }
}
