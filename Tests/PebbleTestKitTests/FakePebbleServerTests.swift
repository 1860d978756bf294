#if canImport(Glibc)
import Glibc
#endif
import Pebble
import PebbleTestKit
import Testing

/// The Swift client against the fake Pebble on a unix socket, services as real processes.
@Suite("Fake Pebble on a socket, real services", .serialized)
struct FakePebbleServerTests {
    /// A server in a fresh directory, stopped (services and socket gone) when `body` returns.
    func withServer(_ options: FakePebble.Options = FakePebble.Options(okayDelay: .milliseconds(200), defaultKillDelay: .seconds(2)),
                    _ body: (FakePebbleServer, PebbleClient, TemporaryDirectory) throws -> Void) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = options
        options.stateFile = dir.file("state.json")
        let server = try FakePebbleServer(socketPath: dir.file("pebble.socket"), options: options)
        defer {
            server.stop()
            #expect(access(server.socketPath, F_OK) != 0, "the socket is removed")
        }
        try body(server, PebbleClient(socketPath: server.socketPath, timeout: .seconds(10)), dir)
    }

    func service(_ command: String, environment: [String: String] = [:]) -> Layer {
        Layer(services: ["svc": Service(override: .replace, command: command, startup: .enabled, environment: environment)])
    }

    @Test func theLayersEnvironmentReachesTheProcess() throws {
        try withServer { server, client, dir in
            let out = dir.file("env.txt")
            try client.addLayer(label: "base", layer: service("sh -c 'echo \"$DB_HOST $DB_PASSWORD $HOME\" > \(out); exec sleep 60'",
                                                            environment: ["DB_HOST": "10.0.0.1", "DB_PASSWORD": "pw1"]), combine: true)
            try client.replan()
            #expect(try client.pullText(out) == "10.0.0.1 pw1 \(getenv("HOME").map { String(cString: $0) } ?? "")\n")
            let firstPID = try #require(server.daemon.pid(of: "svc"))
            // A merge layer changes one variable: replan restarts the service with the merged environment.
            try client.addLayer(label: "base", layer: Layer(services: ["svc": Service(override: .merge, environment: ["DB_PASSWORD": "pw2"])]), combine: true)
            try client.replan()
            #expect(try client.pullText(out) == "10.0.0.1 pw2 \(getenv("HOME").map { String(cString: $0) } ?? "")\n")
            #expect(server.daemon.pid(of: "svc") != firstPID)
            // The state file masks the password.
            let state = try client.pullText(dir.file("state.json"))
            #expect(!state.contains("pw2") && state.contains("********"))
        }
    }

    @Test func stopSendsSIGTERMToTheGroupThenSIGKILLAfterTheKillDelay() throws {
        try withServer { server, client, dir in
            // The shell ignores SIGTERM; its child sleeps: only SIGKILL after the kill delay ends it.
            try client.addLayer(label: "l", layer: Layer(services: ["stubborn": Service(
                override: .replace, command: "sh -c 'trap \"\" TERM; sleep 60 & wait'", killDelay: .milliseconds(500))]))
            try client.start(["stubborn"])
            let start = ContinuousClock.now
            try client.stop(["stubborn"])
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(450), "stopped after \(elapsed)")
            #expect(try client.service("stubborn").current == .inactive)
        }
    }

    @Test func aCommandThatExitsQuicklyIsAChangeErrorWithItsOutput() throws {
        try withServer { _, client, _ in
            try client.addLayer(label: "l", layer: service("sh -c 'echo cannot bind port 22 >&2; exit 4'"))
            do throws(PebbleError) {
                try client.start(["svc"])
                Issue.record("no error")
            } catch {
                #expect(error.code == .change)
                #expect(error.message.hasSuffix("(service start attempt: exited quickly with code 4, will restart)"))
                #expect(error.change?.tasks.first?.log.first?.contains("    cannot bind port 22") == true)
            }
        }
    }

    @Test func aMissingExecutableIsReportedAsGoReportsIt() throws {
        try withServer { _, client, _ in
            try client.addLayer(label: "l", layer: service("no-such-command-here --flag"))
            do throws(PebbleError) {
                try client.replan()
                Issue.record("no error")
            } catch {
                #expect(error.message.contains(#"cannot start service: exec: "no-such-command-here": executable file not found in $PATH"#))
            }
        }
    }

    @Test func restartReplanAndWorkingDirectory() throws {
        try withServer { server, client, dir in
            let work = dir.file("work")
            mkdir(work, 0o755)
            try client.addLayer(label: "l", layer: Layer(services: ["svc": Service(
                override: .replace, command: "sh -c 'pwd > pwd.txt; exec sleep 60'", startup: .enabled, workingDir: work)]))
            try client.replan()
            #expect(try client.pullText(work + "/pwd.txt") == work + "\n")
            let pid = server.daemon.pid(of: "svc")
            try client.restart(["svc"])
            #expect(server.daemon.pid(of: "svc") != pid)
            #expect(try client.service("svc").isRunning)
            // Nothing changed: a replan leaves the running service alone.
            let pid2 = server.daemon.pid(of: "svc")
            try client.replan()
            #expect(server.daemon.pid(of: "svc") == pid2)
        }
    }

    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func theServiceRunsAsItsUser() throws {
        try withServer { _, client, dir in
            chmod(dir.path, 0o777)
            let out = dir.file("id.txt")
            try client.addLayer(label: "l", layer: Layer(services: ["svc": Service(
                override: .replace, command: "sh -c 'echo $(id -u):$(id -g):$USER > \(out); exec sleep 60'", user: "nobody")]))
            try client.start(["svc"])
            #expect(try client.pullText(out) == "65534:65534:nobody\n")
        }
    }

    @Test func filesPushPullListMakeDirRemove() throws {
        try withServer { _, client, dir in
            let base = dir.file("files")
            try client.push(base + "/etc/app/config.yaml", text: "port: 8000\n", makeDirectories: true, permissions: 0o600)
            #expect(try client.pullText(base + "/etc/app/config.yaml") == "port: 8000\n")
            let listed = try client.listFiles(base + "/etc/app")
            #expect(listed.map(\.name) == ["config.yaml"])
            #expect(listed.first?.permissions == 0o600 && listed.first?.type == .file && listed.first?.size == 11)
            #expect(try client.listFiles(base + "/etc", pattern: "a*").map(\.name) == ["app"])
            #expect(try client.isDirectory(base + "/etc/app"))
            try client.makeDirectory(base + "/var/lib/app", makeParents: true)
            #expect(try client.exists(base + "/var/lib/app"))
            do throws(PebbleError) { try client.makeDirectory(base + "/var/lib/app") } catch {
                #expect(error.code == .path && error.kind == "generic-file-error")
            }
            do throws(PebbleError) { _ = try client.pull(base + "/missing") } catch {
                #expect(error.code == .path && error.kind == "not-found")
                #expect(error.message == "stat \(base)/missing: no such file or directory")
            }
            do throws(PebbleError) { try client.removePath(base + "/etc") } catch { #expect(error.message.contains("directory not empty")) }
            try client.removePath(base + "/etc", recursive: true)
            #expect(try !client.exists(base + "/etc"))
            do throws(PebbleError) { _ = try client.listFiles(base + "/etc") } catch { #expect(error.code == .path && error.statusCode == 404) }
            let binary: [UInt8] = (0...255).map { UInt8($0) } + [13, 10, 45, 45]
            try client.push(base + "/blob", binary)
            #expect(try client.pull(base + "/blob") == binary)
        }
    }

    @Test func anHTTPCheckAgainstANothingGoesDownAndItsChangeFails() throws {
        try withServer { _, client, _ in
            try client.addLayer(label: "l", layer: Layer(checks: ["up": Check(
                override: .replace, level: .alive, period: .milliseconds(100), threshold: 2, http: HTTPCheck(url: "http://127.0.0.1:9/health"))]))
            let deadline = ContinuousClock.now + .seconds(20)
            var status = CheckStatus.up
            while ContinuousClock.now < deadline {
                status = try client.checks().first?.status ?? .up
                if status == .down { break }
                usleep(50_000)
            }
            #expect(status == .down)
            let perform = try client.changes(select: .all).first { $0.kind == "perform-check" }
            #expect(perform?.status == .error)
            #expect(perform?.err?.contains(#"Get "http://127.0.0.1:9/health": dial tcp 127.0.0.1:9: connect: connection refused"#) == true)
            #expect(try client.health(level: .alive) == false)
        }
    }
}
