// fake-juju-tools: one executable that answers as each Juju hook tool (chosen by argv[0], via
// the symlinks `install` creates), backed by a JSON model file with the in-memory model's
// Juju rules. See Admin.usage for the admin commands.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
let invokedAs = String(arguments[0].split(separator: "/").last ?? Substring(arguments[0]))

/// A tool call: to a `fake-juju-tools serve` when FAKE_JUJU_SOCKET is set, else on the model file.
func runTool(_ tool: String, _ args: [String]) -> Int32 {
    if let socket = System.env("FAKE_JUJU_SOCKET"), !socket.isEmpty { return Server.forward(tool, args, socket: socket) }
    return Runner.runTool(tool, args)
}

// A tool run through a `serve` forwards at once (the server knows the tools): a hook-tool call
// is a process start and a round trip, nothing more.
if invokedAs != "fake-juju-tools", let socket = System.env("FAKE_JUJU_SOCKET"), !socket.isEmpty {
    exit(Server.forward(invokedAs, Array(arguments.dropFirst()), socket: socket))
}

if Tools.all[invokedAs] != nil {
    exit(runTool(invokedAs, Array(arguments.dropFirst())))
} else if arguments.count > 1, Tools.all[arguments[1]] != nil {
    exit(runTool(arguments[1], Array(arguments.dropFirst(2))))
} else {
    exit(Admin.main(arguments))
}
