#if canImport(Glibc)
import Glibc
#endif
import PebbleTestKit
import Testing

/// Generous: the tests run on a loaded two-core machine.
private let timeout: UInt64 = 60_000_000_000

@Suite("ProcessSupervisor")
struct ProcessSupervisorTests {
    /// Spawns `spec` and waits for its exit code (SIGKILLing everything on timeout).
    func run(_ supervisor: ProcessSupervisor, _ spec: SpawnSpec) throws -> (process: SpawnedProcess, code: Int32?) {
        let process = try supervisor.spawn(spec)
        let code = process.waitForExit(timeoutNanoseconds: timeout)
        if code == nil { supervisor.terminateAll() }
        return (process, code)
    }

    /// The error spawning `spec` gives, or `nil` (and a recorded issue) when it starts.
    func startError(_ supervisor: ProcessSupervisor, _ spec: SpawnSpec) -> SpawnError? {
        do {
            _ = try supervisor.spawn(spec)
            Issue.record("\(spec.arguments) started")
            return nil
        } catch {
            return error
        }
    }

    /// The physical path of `path`.
    func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether process `pid` is gone (or a zombie), waiting up to the timeout for it.
    func processEnds(_ pid: Int32) -> Bool {
        let deadline = MonotonicClock.deadline(afterNanoseconds: timeout)
        while MonotonicClock.nanoseconds() < deadline {
            if kill(pid, 0) != 0 { return true }
            if let state = Self.processState(pid), state == "Z" || state == "X" { return true }
            usleep(20_000)
        }
        return false
    }

    /// The state letter in /proc/pid/stat.
    static func processState(_ pid: Int32) -> String? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    @Test("The environment is exactly the one given; the working directory is entered")
    func environmentAndDirectory() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let output = OutputRingBuffer()
        let (_, code) = try run(supervisor, SpawnSpec(
            arguments: ["sh", "-c", "echo \"foo=$FOO\"; echo \"home=${HOME-unset}\"; pwd"],
            environment: ["FOO": "bar baz"],
            workingDirectory: directory.path,
            output: output))
        #expect(code == 0)
        #expect(output.lastLines(10) == ["foo=bar baz", "home=unset", realPath(directory.path)])
    }

    @Test("Exit codes: 0, 3, and 128 + signal", arguments: [
        ("exit 0", Int32(0)), ("exit 3", 3), ("kill -TERM $$", 143), ("kill -KILL $$", 137),
    ])
    func exitCodes(script: String, expected: Int32) throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let exits = Recorder<Int32>()
        let (process, code) = try run(supervisor, SpawnSpec(arguments: ["sh", "-c", script], onExit: { exits.record($0) }))
        #expect(code == expected)
        #expect(exits.recorded == [expected])
        #expect(process.exitCode == expected)
        #expect(process.hasReportedExit)
    }

    @Test("A service stopped with SIGTERM to its group exits 143; signal() reaches the process itself")
    func terminatedBySignal() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let grouped = try supervisor.spawn(SpawnSpec(arguments: ["sleep", "100"]))
        #expect(grouped.signalGroup(SIGTERM) == 0)
        #expect(grouped.waitForExit(timeoutNanoseconds: timeout) == 143)
        #expect(grouped.signalGroup(SIGTERM) == ESRCH)
        #expect(grouped.signal(SIGTERM) == ESRCH)

        let single = try supervisor.spawn(SpawnSpec(arguments: ["sleep", "100"]))
        #expect(single.signal(SIGUSR1) == 0)  // default action: terminate
        #expect(single.waitForExit(timeoutNanoseconds: timeout) == 128 + SIGUSR1)
    }

    @Test("stdout and stderr are captured, in order, complete when the exit is reported")
    func outputCaptured() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let output = OutputRingBuffer()
        let seenAtExit = Recorder<[String]>()
        let (_, code) = try run(supervisor, SpawnSpec(
            arguments: ["sh", "-c", "echo one; echo two >&2; i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done; printf last"],
            output: output,
            onExit: { _ in seenAtExit.record(output.lastLines(2)) }))
        #expect(code == 0)
        #expect(seenAtExit.recorded == [["line1999", "last"]])
        #expect(output.lastLines(2003).prefix(3) == ["one", "two", "line0"])
    }

    @Test("Output through Pebble's format writer")
    func formattedOutput() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let buffer = OutputRingBuffer()
        let (_, code) = try run(supervisor, SpawnSpec(
            arguments: ["sh", "-c", "echo hello; echo world >&2; exit 1"],
            output: buffer.formatWriter(serviceName: "svc1")))
        #expect(code == 1)
        let lines = buffer.lastLines(5)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(" [svc1] ") })
        #expect(lines.map { ServiceLogWriter.strippingPrefix($0) } == ["hello", "world"])
        #expect(buffer.pebbleLastLines(20, indent: "    ", stripPrefix: true) == "    hello\n    world")
    }

    @Test("A background child holding the pipe delays the exit report by the drain time only")
    func drainTimeout() throws {
        let supervisor = ProcessSupervisor()
        let output = OutputRingBuffer()
        let (_, code) = try run(supervisor, SpawnSpec(
            arguments: ["sh", "-c", "echo before; sleep 100 & echo \"child=$!\""],
            output: output,
            outputDrainNanoseconds: 200_000_000))
        #expect(code == 0)
        let lines = output.lastLines(5)
        #expect(lines.first == "before")
        let child = lines.last.flatMap { $0.hasPrefix("child=") ? Int32($0.dropFirst(6)) : nil }
        #expect(child != nil)
        if let child {
            kill(child, SIGKILL)
            #expect(processEnds(child))
        }
    }

    @Test("A missing command: Go's error texts, and nothing started")
    func missingExecutable() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let exits = Recorder<Int32>()
        do {
            _ = try supervisor.spawn(SpawnSpec(arguments: ["no-such-command-for-pebble-tests"], onExit: { exits.record($0) }))
            Issue.record("spawned a missing command")
        } catch {
            #expect(error.code == .executableNotFound)
            #expect(error.message == "exec: \"no-such-command-for-pebble-tests\": executable file not found in $PATH")
        }
        do {
            _ = try supervisor.spawn(SpawnSpec(arguments: ["/nonexistent/x/y"], onExit: { exits.record($0) }))
            Issue.record("spawned a missing path")
        } catch {
            #expect(error.code == .spawnFailed)
            #expect(error.message == "fork/exec /nonexistent/x/y: no such file or directory")
            #expect(error.failedStep == "execve")
            #expect(error.errno == ENOENT)
        }
        #expect(supervisor.waitUntilAllExited(timeoutNanoseconds: 0))
        #expect(supervisor.unreapedProcessIDs.isEmpty)
        #expect(exits.recorded.isEmpty)
    }

    @Test("Not executable, bad format, missing working directory")
    func otherStartFailures() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plain = directory.write("plain", "data\n", mode: 0o644)
        let garbage = directory.write("garbage", "not a program\n", mode: 0o755)
        #expect(startError(supervisor, SpawnSpec(arguments: [plain]))?.message == "fork/exec \(plain): permission denied")
        #expect(startError(supervisor, SpawnSpec(arguments: [garbage]))?.message == "fork/exec \(garbage): exec format error")
        let sh = try ExecutableLookup.lookPath("sh").get()
        do {
            _ = try supervisor.spawn(SpawnSpec(arguments: ["sh", "-c", "true"], workingDirectory: directory.file("missing")))
            Issue.record("started in a missing directory")
        } catch {
            // Go with SysProcAttr set blames the executable, not the directory.
            #expect(error.message == "fork/exec \(sh): no such file or directory")
            #expect(error.code == .workingDirectory)
            #expect(error.failedStep == "chdir")
        }
        #expect(throws: SpawnError.self) { _ = try supervisor.spawn(SpawnSpec(arguments: [])) }
        #expect(throws: SpawnError.self) { _ = try supervisor.spawn(SpawnSpec(arguments: ["sh", "-c", "true\u{0}"])) }
    }

    @Test("signalGroup reaches the shell's children too")
    func groupSignal() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let output = OutputRingBuffer()
        let process = try supervisor.spawn(SpawnSpec(
            arguments: ["sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait"],
            output: output))
        #expect(output.waitForData(after: 0, untilNanoseconds: MonotonicClock.deadline(afterNanoseconds: timeout)))
        var children: [Int32] = []
        let deadline = MonotonicClock.deadline(afterNanoseconds: timeout)
        while children.count < 2, MonotonicClock.nanoseconds() < deadline {
            children = output.lastLines(5).compactMap { Int32($0) }
            if children.count < 2 { _ = output.waitForData(after: output.positions().end, untilNanoseconds: MonotonicClock.deadline(afterNanoseconds: 100_000_000)) }
        }
        #expect(children.count == 2)
        #expect(process.signalGroup(SIGTERM) == 0)
        #expect(process.waitForExit(timeoutNanoseconds: timeout) == 143)
        for child in children {
            #expect(processEnds(child))
        }
    }

    @Test("Credentials: the service runs as the given user and group, without supplementary groups",
          .enabled(if: getuid() == 0, "needs root"))
    func credentials() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let output = OutputRingBuffer()
        let (_, code) = try run(supervisor, SpawnSpec(
            arguments: ["sh", "-c", "id -u; id -g; id -G"],
            credentials: (uid: 65534, gid: 65534),
            output: output))
        #expect(code == 0)
        #expect(output.lastLines(3) == ["65534", "65534", "65534"])
    }

    @Test("Credentials without root fail with Go's text", .enabled(if: getuid() != 0, "needs a non-root user"))
    func credentialsWithoutRoot() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        do {
            _ = try supervisor.spawn(SpawnSpec(arguments: ["sh", "-c", "true"], credentials: (uid: 0, gid: 0)))
            Issue.record("switched to root without being root")
        } catch {
            #expect(error.code == .credentials)
            #expect(error.message.hasSuffix(": operation not permitted"))
        }
    }

    @Test("terminateAll kills every live group; every exit is still reported")
    func terminateAll() throws {
        let supervisor = ProcessSupervisor()
        let exits = Recorder<Int32>()
        let first = try supervisor.spawn(SpawnSpec(arguments: ["sleep", "100"], onExit: { exits.record($0) }))
        let second = try supervisor.spawn(SpawnSpec(arguments: ["sh", "-c", "sleep 100; sleep 100"], onExit: { exits.record($0) }))
        #expect(Set(supervisor.unreapedProcessIDs) == [first.pid, second.pid])
        #expect(supervisor.terminateAll() == 2)
        #expect(supervisor.waitUntilAllExited(timeoutNanoseconds: timeout))
        #expect(exits.recorded == [137, 137])
        #expect(supervisor.unreapedProcessIDs.isEmpty)
        #expect(supervisor.terminateAll() == 0)
    }

    @Test("Many short processes in parallel")
    func manyProcesses() throws {
        let supervisor = ProcessSupervisor()
        defer { supervisor.terminateAll() }
        let exits = Recorder<Int32>()
        for index in 0..<20 {
            _ = try supervisor.spawn(SpawnSpec(arguments: ["sh", "-c", "echo \(index); exit \(index % 4)"],
                                               output: OutputRingBuffer(), onExit: { exits.record($0) }))
        }
        #expect(supervisor.waitUntilAllExited(timeoutNanoseconds: timeout))
        #expect(exits.recorded.sorted() == (0..<20).map { Int32($0 % 4) }.sorted())
    }
}
