// fake-pebble: the fake Pebble daemon on a unix socket, for tests and the demo.
//
//   fake-pebble --socket PATH [--state FILE] [--okay-delay 1s] [--kill-delay 5s] [--fail-delay 5s]
//               [--files-root DIR] [--version v1.32.1] [--simulate]
//
// Services really run (their command, environment, user, group and working directory from the
// plan); SIGTERM or SIGINT stops them (SIGTERM, then SIGKILL after their kill delay), removes the
// socket and exits 0. Prints one line once it listens: `fake-pebble: listening at PATH (pid N)`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble
import PebbleTestKit

func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func usage(_ message: String) -> Never {
    printError("fake-pebble: \(message)\nusage: fake-pebble --socket PATH [--state FILE] [--okay-delay D] [--kill-delay D] [--fail-delay D] [--files-root DIR] [--version V] [--simulate]")
    exit(2)
}

/// The command line, read into options.
func parseArguments(_ all: [String]) -> (socket: String, options: FakePebble.Options) {
    var socketPath: String?
    var options = FakePebble.Options()
    var arguments = all[...]
    func value(_ flag: String) -> String {
        guard let next = arguments.popFirst(), !next.hasPrefix("--") else { usage("\(flag) needs a value") }
        return next
    }
    func duration(_ flag: String) -> Duration {
        let text = value(flag)
        guard let d = GoDuration.parse(text), d >= .zero else { usage("\(flag) \(text): not a duration (as Go writes them: 500ms, 1s, 1m30s)") }
        return d
    }
    while let argument = arguments.popFirst() {
        switch argument {
        case "--socket": socketPath = value(argument)
        case "--state": options.stateFile = value(argument)
        case "--okay-delay": options.okayDelay = duration(argument)
        case "--kill-delay": options.defaultKillDelay = duration(argument)
        case "--fail-delay": options.failDelay = duration(argument)
        case "--files-root": options.filesRoot = value(argument)
        case "--version": options.version = value(argument)
        case "--simulate": options.mode = .simulated
        case "-h", "--help": usage("the fake Pebble daemon")
        default: usage("unknown argument \(argument)")
        }
    }
    guard let socketPath else { usage("--socket is required") }
    return (socketPath, options)
}

let (socketPath, options) = parseArguments(Array(CommandLine.arguments.dropFirst()))

// Block the stop signals in every thread (threads inherit the mask) and wait for them here.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&stopSignals, s) }
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
signal(SIGPIPE, SIG_IGN)

let server: FakePebbleServer
do {
    server = try FakePebbleServer(socketPath: socketPath, options: options)
} catch {
    printError("fake-pebble: \(error)")
    exit(1)
}
print("fake-pebble: listening at \(socketPath) (pid \(getpid()))")
fflush(nil)
var received: Int32 = 0
sigwait(&stopSignals, &received)
server.stop()
print("fake-pebble: stopped (signal \(received))")
exit(0)
