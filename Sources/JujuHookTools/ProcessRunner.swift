#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a hook tool as a child process with `posix_spawn`, feeding standard input and reading
/// standard output and standard error fully (both at once, so neither pipe can fill and block).
enum ProcessRunner {
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// The executable's path on `PATH`, or `nil`.
    static func find(_ tool: String, searchPath: String? = nil) -> String? {
        if tool.contains("/") { return access(tool, X_OK) == 0 ? tool : nil }
        guard let path = searchPath ?? getenv("PATH").map({ String(cString: $0) }) else { return nil }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    static func run(_ argv: [String], stdin input: [UInt8]? = nil, searchPath: String? = nil) throws(HookToolError) -> Output {
        let tool = argv[0]
        guard let executable = find(tool, searchPath: searchPath) else {
            throw HookToolError(.toolMissing, tool: tool, message: "\(tool) is not on PATH; run the charm from a Juju hook (or the fake hook-tool environment)")
        }
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw HookToolError(.toolFailed, tool: tool, message: "cannot create pipes (errno \(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        var spawned = posix_spawn(&pid, executable, &actions, nil, &cArgs, environ)
        // A tool file that another thread's child still holds open for writing is "busy" for a
        // moment (ETXTBSY); try again briefly rather than fail the hook.
        var attempts = 0
        while spawned == ETXTBSY, attempts < 20 {
            attempts += 1
            usleep(10_000)
            spawned = posix_spawn(&pid, executable, &actions, nil, &cArgs, environ)
        }
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw HookToolError(.toolFailed, tool: tool, message: "cannot start \(executable) (errno \(spawned))")
        }

        // Write standard input (a hook tool reads it before answering), then close it. A tool
        // that exits without reading it all (it refused the call) must not kill this process
        // with SIGPIPE: the write then fails with EPIPE and the tool's exit status and error
        // output say what happened.
        if let input, !input.isEmpty {
            withoutSIGPIPE(on: inPipe[1]) {
                var offset = 0
                input.withUnsafeBytes { buffer in
                    while offset < buffer.count {
                        let n = write(inPipe[1], buffer.baseAddress! + offset, buffer.count - offset)
                        if n <= 0 { if errno == EINTR { continue } else { break } }
                        offset += n
                    }
                }
            }
        }
        close(inPipe[1])

        var out: [UInt8] = []
        var err: [UInt8] = []
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        // Not zero-filled: read() writes what is used (zeroing 64 KiB per call was 13% of a
        // hook's instructions under callgrind).
        var chunk = [UInt8](unsafeUninitializedCapacity: 65536) { _, count in count = 65536 }
        while open > 0 {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 { if errno == EINTR { continue } else { break } }
            for i in 0..<fds.count where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress!, $0.count) }
                if n > 0 {
                    if i == 0 { out.append(contentsOf: chunk[0..<n]) } else { err.append(contentsOf: chunk[0..<n]) }
                } else if n == 0 || (n < 0 && errno != EINTR) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Output(status: code, stdout: out, stderr: err)
    }

    /// Runs `body`, which writes to the pipe `fd`, so that a reader gone away gives EPIPE and no
    /// SIGPIPE. Linux: SIGPIPE is blocked for this thread meanwhile, and one it raised is taken
    /// off the pending set before the mask is restored (the process-wide disposition is left
    /// alone). Darwin: the pipe itself is told not to raise it.
    static func withoutSIGPIPE(on fd: Int32, _ body: () -> Void) {
        #if os(Linux)
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        var pendingBefore = sigset_t()
        sigpending(&pendingBefore)
        let alreadyPending = sigismember(&pendingBefore, SIGPIPE) == 1
        body()
        var pendingAfter = sigset_t()
        sigpending(&pendingAfter)
        if !alreadyPending, sigismember(&pendingAfter, SIGPIPE) == 1 {
            var now = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &now) < 0 && errno == EINTR {}
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        #elseif canImport(Darwin)
        _ = fcntl(fd, F_SETNOSIGPIPE, 1)
        body()
        #else
        body()
        #endif
    }
}
