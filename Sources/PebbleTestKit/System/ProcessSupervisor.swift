#if canImport(Glibc)
import Glibc
#endif
import CPebbleSpawn

/// Starts service processes and waits for them, the way Pebble's service manager and reaper do:
/// each process leads its own process group, its stdout and stderr go through one pipe into an
/// ``OutputSink``, and its exit is reported once with Pebble's exit code (status, or 128 +
/// signal).
///
/// Each process gets a waiter thread blocked in `waitid`/`waitpid` on its own pid (never
/// `wait(-1)`, so children that other code in the same process started are left alone), and,
/// with an output sink, a reader thread. Thread-safe.
package final class ProcessSupervisor: @unchecked Sendable {
    /// Guards the state below.
    private let condition = Condition()
    /// Processes not reaped yet, by pid. Guarded by `condition`.
    private var unreaped: [Int32: SpawnedProcess] = [:]
    /// Processes whose `onExit` has not returned yet. Guarded by `condition`.
    private var unreported = 0

    /// A supervisor with no processes.
    package init() {}

    /// Makes this process the "child subreaper" of its descendants (`PR_SET_CHILD_SUBREAPER`), as
    /// Pebble's reaper does at start: orphaned grandchildren of services are re-parented here
    /// instead of to pid 1. Only for the daemon executable; pair it with
    /// ``reapUntrackedChildren()``.
    package static func becomeChildSubreaper() throws(SpawnError) {
        let result = cpebble_set_child_subreaper()
        guard result == 0 else {
            throw SpawnError(.subreaper, message: "cannot set child subreaper: \(ErrnoText.describe(result))",
                             hint: "run on Linux 3.4 or later", errno: result)
        }
    }

    /// Starts `spec`'s command. Throws when it could not be started (nothing runs then, and
    /// `onExit` is never called); otherwise `spec.onExit` is called exactly once, later.
    package func spawn(_ spec: SpawnSpec) throws(SpawnError) -> SpawnedProcess {
        guard let name = spec.arguments.first else {
            throw SpawnError(.invalidArguments, message: "exec: no command", hint: "give the service a command")
        }
        let executable: String
        if name.contains("/") {
            executable = name
        } else {
            switch ExecutableLookup.lookPath(name) {
            case .success(let path): executable = path
            case .failure(let error): throw error
            }
        }
        let environment = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if (spec.arguments + environment + [spec.workingDirectory ?? ""]).contains(where: { $0.utf8.contains(0) }) {
            throw SpawnError(.invalidArguments, message: "fork/exec \(executable): invalid argument",
                             hint: "remove NUL bytes from the command, environment and working directory",
                             errno: EINVAL)
        }

        var outputPipe: [Int32] = [-1, -1]
        var cancelPipe: [Int32] = [-1, -1]
        if spec.output != nil {
            let outputResult = cpebble_pipe_cloexec(&outputPipe)
            let cancelResult = outputResult == 0 ? cpebble_pipe_cloexec(&cancelPipe) : 0
            if outputResult != 0 || cancelResult != 0 {
                for fd in outputPipe + cancelPipe where fd >= 0 { close(fd) }
                let error = outputResult != 0 ? outputResult : cancelResult
                throw SpawnError(.resources, message: "pipe2: \(ErrnoText.describe(error))",
                                 hint: "the daemon is out of file descriptors; stop some services or raise the limit",
                                 errno: error, failedStep: "pipe")
            }
        }

        let process: SpawnedProcess
        do {
            // Under the lock, so that reapUntrackedChildren never sees the new pid untracked.
            process = try condition.withLock { () throws(SpawnError) -> SpawnedProcess in
                let pid = try Self.start(executable: executable, spec: spec, environment: environment, outputFD: outputPipe[1])
                let process = SpawnedProcess(pid: pid, executable: executable)
                unreaped[pid] = process
                unreported += 1
                return process
            }
        } catch {
            for fd in outputPipe + cancelPipe where fd >= 0 { close(fd) }
            throw error
        }

        let reader = spec.output.map { output in
            OutputPipeReader(readFD: outputPipe[0], cancelReadFD: cancelPipe[0], cancelWriteFD: cancelPipe[1], sink: output)
        }
        if let reader {
            close(outputPipe[1])
            startThread(name: "pebble-out-\(process.pid)") { reader.run() }
        }
        let drain = spec.outputDrainNanoseconds
        let onExit = spec.onExit
        startThread(name: "pebble-wait-\(process.pid)") { [self] in
            wait(for: process, reader: reader, drainNanoseconds: drain, onExit: onExit)
        }
        return process
    }

    /// Sends SIGKILL to the group of every process not reaped yet (for daemon shutdown: no
    /// service outlives it); returns how many groups were signalled. Their exits are still
    /// reported through `onExit`.
    @discardableResult
    package func terminateAll() -> Int {
        let processes = condition.withLock { Array(unreaped.values) }
        return processes.filter { $0.signalGroupIfUnreaped(SIGKILL) }.count
    }

    /// Waits until every process started so far has had its `onExit` return, at most
    /// `timeoutNanoseconds`; returns whether they all have.
    package func waitUntilAllExited(timeoutNanoseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.deadline(afterNanoseconds: timeoutNanoseconds)
        return condition.withLock {
            while unreported > 0 {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return unreported == 0
        }
    }

    /// The pids of processes not reaped yet.
    package var unreapedProcessIDs: [Int32] {
        condition.withLock { unreaped.keys.sorted() }
    }

    /// Reaps exited children of this process that this supervisor did not start (orphans
    /// re-parented here after ``becomeChildSubreaper()``); returns how many. Stops at the first
    /// exited child that is one of its own (its waiter reaps it), so call it periodically. It
    /// peeks with `waitid(P_ALL, WNOWAIT)` and reaps only the pid it saw. Only for the daemon
    /// executable, with a single supervisor: in a process where other code (or another
    /// supervisor) waits for its own children, this would steal their exit statuses.
    @discardableResult
    package func reapUntrackedChildren() -> Int {
        condition.withLock {
            var reaped = 0
            while true {
                var info = siginfo_t()
                guard waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { break }
                let pid = info._sifields._kill.si_pid
                guard pid > 0, unreaped[pid] == nil else { break }
                var status: Int32 = 0
                guard waitpid(pid, &status, WNOHANG) == pid else { break }
                reaped += 1
            }
            return reaped
        }
    }

    /// Forks and execs; returns the pid. ETXTBSY (a script still open for writing somewhere
    /// while another thread forks) is retried briefly.
    private static func start(executable: String, spec: SpawnSpec, environment: [String], outputFD: Int32) throws(SpawnError) -> Int32 {
        var arguments: [UnsafeMutablePointer<CChar>?] = spec.arguments.map { strdup($0) } + [nil]
        var environmentPointers: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in environmentPointers { free(pointer) }
        }
        var pid: Int32 = -1
        var step: UnsafePointer<CChar>?
        var result: Int32 = 0
        for attempt in 0..<20 {
            if attempt > 0 { usleep(10_000) }
            result = executable.withCString { path in
                func call(_ directory: UnsafePointer<CChar>?) -> Int32 {
                    cpebble_spawn(path, &arguments, &environmentPointers, directory,
                                  spec.credentials == nil ? 0 : 1, spec.credentials?.uid ?? 0, spec.credentials?.gid ?? 0,
                                  outputFD, outputFD, &pid, &step)
                }
                if let directory = spec.workingDirectory { return directory.withCString { call($0) } }
                return call(nil)
            }
            if result != ETXTBSY { break }
        }
        guard result != 0 else { return pid }

        let failedStep = step.map { String(cString: $0) }
        // Go reports any failure in the child as "fork/exec <path>: <errno text>".
        let message = "fork/exec \(executable): \(ErrnoText.describe(result))"
        switch failedStep {
        case "setgroups", "setgid", "setuid":
            let ids = spec.credentials.map { "uid \($0.uid) gid \($0.gid)" } ?? ""
            throw SpawnError(.credentials, message: message,
                             hint: "the daemon must run as root to start a service as \(ids)",
                             errno: result, failedStep: failedStep)
        case "chdir":
            throw SpawnError(.workingDirectory, message: message,
                             hint: "create the working directory \(spec.workingDirectory ?? "") (and make it accessible to the service's user)",
                             errno: result, failedStep: failedStep)
        case "pipe", "fork":
            throw SpawnError(.resources, message: message,
                             hint: "the daemon is out of processes or descriptors; stop some services or raise the limits",
                             errno: result, failedStep: failedStep)
        default:
            throw SpawnError(.spawnFailed, message: message,
                             hint: "check that \(executable) exists, is executable and is a program or a script with a #! line",
                             errno: result, failedStep: failedStep)
        }
    }

    /// The waiter thread of `process`: wait for the exit without reaping, let the output drain
    /// (at most `drainNanoseconds`), reap, report.
    private func wait(for process: SpawnedProcess, reader: OutputPipeReader?, drainNanoseconds: UInt64,
                      onExit: @Sendable (Int32) -> Void) {
        var statusKnown = true
        while true {
            var info = siginfo_t()
            if waitid(P_PID, id_t(process.pid), &info, WEXITED | WNOWAIT) == 0 { break }
            if errno == EINTR { continue }
            // ECHILD: someone else reaped it (SIGCHLD ignored, or a wait(-1) elsewhere).
            statusKnown = false
            break
        }
        process.markExited()
        if let reader {
            if !reader.waitUntilDrained(deadline: MonotonicClock.deadline(afterNanoseconds: drainNanoseconds)) {
                reader.cancel()
                _ = reader.waitUntilDrained(deadline: .max)
            }
            reader.closeCancelPipe()
        }
        var code: Int32 = -1
        if statusKnown {
            var status: Int32 = 0
            var result: Int32
            repeat { result = waitpid(process.pid, &status, 0) } while result < 0 && errno == EINTR
            if result == process.pid { code = Self.exitCode(status) }
        }
        process.markReaped(code)
        condition.withLock {
            unreaped[process.pid] = nil
            condition.broadcast()
        }
        onExit(code)
        process.markReported()
        condition.withLock {
            unreported -= 1
            condition.broadcast()
        }
    }

    /// Pebble's reaper: the exit status, or 128 + the signal when a signal killed the process.
    package static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        if signal == 0 { return (status >> 8) & 0xFF }
        if signal != 0x7F { return 128 + signal }
        return -1
    }
}

/// Reads a process's output pipe into its sink until end-of-file, or until cancelled (then what
/// is already in the pipe is still read).
private final class OutputPipeReader: @unchecked Sendable {
    /// The output pipe's read end.
    let readFD: Int32
    /// The cancel pipe's read end (readable means: stop waiting for end-of-file).
    let cancelReadFD: Int32
    /// The cancel pipe's write end.
    let cancelWriteFD: Int32
    /// Where the output goes.
    let sink: any OutputSink
    /// Guards `drained`.
    let condition = Condition()
    /// Whether the reader has finished (and closed its descriptors). Guarded by `condition`.
    var drained = false

    /// A reader of `readFD` into `sink`, stopped early by a byte on the cancel pipe.
    init(readFD: Int32, cancelReadFD: Int32, cancelWriteFD: Int32, sink: any OutputSink) {
        self.readFD = readFD
        self.cancelReadFD = cancelReadFD
        self.cancelWriteFD = cancelWriteFD
        self.sink = sink
    }

    /// The reader thread.
    func run() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: cancelReadFD, events: Int16(POLLIN), revents: 0)]
        loop: while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 {
                // Given up on end-of-file: take what is in the pipe now, then stop.
                _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
                while readChunk(&chunk) > 0 {}
                break
            }
            if fds[0].revents != 0 {
                let count = readChunk(&chunk)
                if count == 0 { break loop }
                if count < 0, errno != EINTR, errno != EAGAIN { break loop }
            }
        }
        close(readFD)
        // Under the lock, so that cancel() never writes to a pipe without a reader (SIGPIPE).
        condition.withLock {
            close(cancelReadFD)
            drained = true
            condition.broadcast()
        }
    }

    /// One read into the sink; read's result.
    private func readChunk(_ chunk: inout [UInt8]) -> Int {
        let count = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
        if count > 0 { sink.write(chunk[0..<count]) }
        return count
    }

    /// Waits until the reader has finished or the monotonic `deadline` passes; whether it has.
    func waitUntilDrained(deadline: UInt64) -> Bool {
        condition.withLock {
            while !drained {
                if deadline == .max {
                    condition.wait()
                } else if !condition.wait(untilNanoseconds: deadline) {
                    break
                }
            }
            return drained
        }
    }

    /// Tells the reader to stop waiting for end-of-file (unless it has finished already).
    func cancel() {
        condition.withLock {
            guard !drained else { return }
            var byte: UInt8 = 1
            _ = write(cancelWriteFD, &byte, 1)
        }
    }

    /// Closes the cancel pipe's write end (after the reader has finished).
    func closeCancelPipe() {
        close(cancelWriteFD)
    }
}
