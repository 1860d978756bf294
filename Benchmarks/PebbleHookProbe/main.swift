// A hook-shaped process for the Pebble benchmark (Benchmarks/README.md, scripts/benchmark-pebble.sh):
// what the tutorial charm's hook does with Pebble once the database answered, as one cold
// process, with the Swift Pebble client. No Foundation (a hook is a process: Foundation costs
// milliseconds of start-up). Not a test.
//
//   PebbleHookProbe [--socket PATH] [--run N] [--system-info]
//
// The socket is --socket, else $PEBBLE_SOCKET. By default: adds the tutorial's layer
// (`fastapi_demo`, combine) whose service environment carries the run number N (--run, else
// $PROBE_RUN, else 0) in DEMO_SERVER_DB_PASSWORD, so that every run hands Pebble a changed layer,
// then restarts `fastapi-service` and waits for the change. With --system-info: only
// `GET /v1/system-info` (the start-up of a hook that talks to Pebble once).
// Prints one line and exits 0; on failure one line on stderr and exit 1 (2: usage).
// Benchmarks/pebble/pebble_hook_probe.py does the same with ops' Python client.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble

func fail(_ text: String, code: Int32 = 1) -> Never {
    let bytes = Array("PebbleHookProbe: \(text)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(code)
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

var socketPath = environment("PEBBLE_SOCKET")
var run = environment("PROBE_RUN") ?? "0"
var systemInfoOnly = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--socket":
        guard let value = arguments.popFirst() else { fail("--socket needs a path", code: 2) }
        socketPath = value
    case "--run":
        guard let value = arguments.popFirst() else { fail("--run needs a number", code: 2) }
        run = value
    case "--system-info":
        systemInfoOnly = true
    default:
        fail("unknown argument \(argument) (usage: PebbleHookProbe [--socket PATH] [--run N] [--system-info])", code: 2)
    }
}
guard let socketPath, !socketPath.isEmpty else { fail("no socket: pass --socket PATH or set PEBBLE_SOCKET", code: 2) }

let client = PebbleClient(socketPath: socketPath)
do {
    if systemInfoOnly {
        let info = try client.systemInfo()
        print("pebble \(info.version)")
    } else {
        // The tutorial's layer (Juju's "Integrate your charm with PostgreSQL"), as the charm adds it.
        let layer = Layer(
            summary: "FastAPI demo service",
            description: "pebble config layer for FastAPI demo server",
            services: [
                "fastapi-service": Service(
                    override: .replace,
                    // Stands in for uvicorn: a process that stays up until Pebble stops it.
                    command: "/bin/sleep 3600",
                    summary: "fastapi demo",
                    startup: .enabled,
                    environment: [
                        "DEMO_SERVER_DB_HOST": "postgresql-k8s-primary.dev.svc.cluster.local",
                        "DEMO_SERVER_DB_PORT": "5432",
                        "DEMO_SERVER_DB_USER": "relation_id_7",
                        "DEMO_SERVER_DB_PASSWORD": "x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu-\(run)",
                    ]),
            ])
        try client.addLayer(label: "fastapi_demo", layer: layer, combine: true)
        let change = try client.restart(["fastapi-service"])
        print("restarted fastapi-service (change \(change))")
    }
} catch {
    fail("\(error)")
}
