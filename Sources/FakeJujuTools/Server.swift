import JujuJSON
import PostgreSQLClientTestKit

/// `fake-juju-tools serve --model FILE --socket PATH`: keeps the model in memory and answers the
/// tool processes (started with `FAKE_JUJU_SOCKET=PATH`) over a Unix socket, one call at a time,
/// as Juju's unit agent answers its hook tools. A call then costs a process start and a round
/// trip instead of reading and rewriting the whole model file, which matters for models with
/// many relations. The file is written on `save` and `stop`.
///
/// The wire, kept trivial so that a tool process does no JSON work: a request is four frames
/// (``Socket/send(_:)``): the kind (`tool`, `dump`, `load`, `save`, `stop`, `hook-begin`,
/// `hook-end`, `add-relation`), its arguments joined by NUL (for `tool`: the tool's name, then
/// its arguments; for `hook-end`: the exit code; for `add-relation`: its flags), the caller's
/// hook environment as NUL-joined `NAME=value` entries, and its standard input (empty unless
/// the tool was given `--file -`). Argv and environment strings cannot hold NUL. The reply is
/// three frames: the exit status in decimal, standard output, standard error.
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
                let kind = String(decoding: try connection.receive(), as: UTF8.self)
                let fields = split(try connection.receive())
                var environment: [String: String] = [:]
                for entry in split(try connection.receive()) {
                    guard let equals = entry.firstIndex(of: "=") else { continue }
                    environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
                }
                let input = try connection.receive()
                switch kind {
                case "tool":
                    guard let tool = fields.first, Tools.all[tool] != nil else {
                        throw ToolFailure("unknown hook tool \"\(fields.first ?? "")\"", code: 2)
                    }
                    let call = Runner.Call(tool: tool, args: Array(fields.dropFirst()), environment: environment,
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
                    let a = try Arguments(fields, valued: [["socket"]] + Admin.relationFlags)
                    try Admin.addRelation(a, to: &snapshot)
                    reply = .init(status: 0, out: "", err: "")
                case "hook-begin":
                    hookStart = snapshot
                    reply = .init(status: 0, out: "", err: "")
                case "hook-end":
                    guard let start = hookStart else { throw ToolFailure("hook-end without hook-begin") }
                    guard let code = Int(fields.first ?? "") else { throw ToolFailure("hook-end needs an exit code", code: 2) }
                    if code != 0 { snapshot = snapshot.discardingHookChanges(since: start) }
                    hookStart = nil
                    reply = .init(status: 0, out: "", err: "")
                default:
                    throw ToolFailure("unknown request \"\(kind)\"", code: 2)
                }
            } catch {
                reply = .init(status: error.code, out: "", err: "ERROR \(error.message)\n")
            }
            try? connection.send(Array(String(reply.status).utf8))
            try? connection.send(Array(reply.out.utf8))
            try? connection.send(Array(reply.err.utf8))
            if stop { break }
        }
        return 0
    }

    /// NUL-separated strings (an empty frame is no strings).
    static func split(_ bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    static func joined(_ strings: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(0) }
            bytes.append(contentsOf: string.utf8)
        }
        return bytes
    }

    /// One request to the server at `socket`: the reply.
    static func request(_ socket: String, kind: String, fields: [String] = [], environment: [String: String] = [:],
                        input: [UInt8] = []) throws(ToolFailure) -> Runner.Reply {
        let connection = try Socket.connect(socket)
        defer { connection.close() }
        try connection.send(Array(kind.utf8))
        try connection.send(joined(fields))
        try connection.send(joined(environment.map { "\($0.key)=\($0.value)" }))
        try connection.send(input)
        guard let status = Int32(String(decoding: try connection.receive(), as: UTF8.self)) else {
            throw ToolFailure("bad reply from fake-juju-tools serve")
        }
        let out = String(decoding: try connection.receive(), as: UTF8.self)
        let err = String(decoding: try connection.receive(), as: UTF8.self)
        return .init(status: status, out: out, err: err)
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
            reply = try request(socket, kind: "tool", fields: [tool] + args, environment: environment, input: input)
        } catch {
            reply = .init(status: error.code, out: "", err: "ERROR \(error.message)\n")
        }
        return Runner.finish(call, reply)
    }
}
