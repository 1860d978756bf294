// A hook-shaped process for the Pebble benchmark (Benchmarks/README.md, scripts/benchmark-pebble.sh):
// what the tutorial charm's hook does with Pebble once the database answered, as one cold
// process, with the Swift Pebble client. No Foundation (a hook is a process: Foundation costs
// milliseconds of start-up). Not a test.
//
//   PebbleHookProbe [--socket PATH] [--run N] [--system-info]
//   PebbleHookProbe --yaml < LAYER.yaml
//
// The socket is --socket, else $PEBBLE_SOCKET. By default: adds the tutorial's layer
// (`fastapi_demo`, combine) whose service environment carries the run number N (--run, else
// $PROBE_RUN, else 0) in DEMO_SERVER_DB_PASSWORD, so that every run hands Pebble a changed layer,
// then restarts `fastapi-service` and waits for the change. With --system-info: only
// `GET /v1/system-info` (the start-up of a hook that talks to Pebble once).
// With --yaml: no socket; reads a layer from standard input, reads it as a layer and as a plan,
// writes it back and reads that again (scripts/check-leaks.sh runs it under valgrind over
// libyaml's success and error paths).
// Prints one line and exits 0; on failure one line on stderr and exit 1 (2: usage).
// Benchmarks/pebble/pebble_hook_probe.py does the same with ops' Python client.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import JujuYAML
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
var yamlOnly = false
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
    case "--yaml":
        yamlOnly = true
    default:
        fail("unknown argument \(argument) (usage: PebbleHookProbe [--socket PATH] [--run N] [--system-info] | --yaml)", code: 2)
    }
}
if yamlOnly {
    var input: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &chunk, chunk.count)
        if n <= 0 { break }
        input.append(contentsOf: chunk[0..<n])
    }
    // The raw bytes through libyaml first (its reader refuses bad UTF-8), then the codecs.
    do { _ = try YAMLParser().parse(bytes: input) } catch { print("\(error.code): \(error)"); exit(0) }
    let text = String(decoding: input, as: UTF8.self)
    do {
        let layer = try Layer(yaml: text)
        let again = try Layer(yaml: layer.yaml())
        let plan = try Plan(yaml: again.yaml())
        print("layer: \(layer.services.count) services, \(layer.checks.count) checks; round trip \(again == layer ? "equal" : "DIFFERENT"); plan \(plan.services.count) services")
    } catch {
        print("error \(error.code)")
    }
    exit(0)
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
