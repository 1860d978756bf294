#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble

/// Runs one check once, blocking, within its timeout (internals/overlord/checkstate/checkers.go):
/// `nil` when it passed, else Pebble's error text (with `; <details>` where Pebble adds them).
enum CheckRunner {
    static func run(_ check: Check, timeout: Duration, environment: [String: String], supervisor: ProcessSupervisor?) -> String? {
        let deadline = ContinuousClock.now + timeout
        let timedOut = "check timed out after \(GoDuration.format(timeout))"
        if let http = check.http { return httpCheck(http, deadline: deadline, timedOut: timedOut) }
        if let tcp = check.tcp {
            let host = tcp.host.isEmpty ? "localhost" : tcp.host
            switch TCPDialer.dial(host: host, port: tcp.port, deadline: deadline) {
            case .success(let fd):
                close(fd)
                return nil
            case .failure(let error):
                return error.timedOut ? timedOut : error.message
            }
        }
        if let exec = check.exec { return execCheck(exec, deadline: deadline, timedOut: timedOut, environment: environment, supervisor: supervisor) }
        return "internal error: invalid check config"
    }

    static func httpCheck(_ check: HTTPCheck, deadline: ContinuousClock.Instant, timedOut: String) -> String? {
        // http://host[:port][/path]
        guard check.url.hasPrefix("http://") else {
            return "Get \(PebbleQuoting.quote(check.url)): unsupported protocol scheme (the fake Pebble checks http:// only)"
        }
        let rest = check.url.dropFirst(7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        var host = String(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? 80
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let prefix = "Get \(PebbleQuoting.quote(check.url)): "
        let fd: Int32
        switch TCPDialer.dial(host: host, port: port, deadline: deadline) {
        case .success(let socket): fd = socket
        case .failure(let error): return error.timedOut ? timedOut : prefix + error.message
        }
        defer { close(fd) }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: Go-http-client/1.1\r\n"
        for key in check.headers.keys.sorted() { request += "\(key): \(check.headers[key]!)\r\n" }
        request += "Connection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            return prefix + "write: \(ErrnoText.current())"
        }
        var parser = HTTPResponseParser(maximumBodyBytes: 1 << 20)
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return timedOut }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let (s, a) = remaining.components
            let ready = poll(&pfd, 1, Int32(clamping: s * 1000 + a / 1_000_000_000_000_000 + 1))
            if ready < 0 { if errno == EINTR { continue } else { return prefix + ErrnoText.current() } }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            do {
                let response: PebbleResponse?
                if n <= 0 { response = try parser.finish() } else { response = try parser.feed(Array(chunk[0..<n])) }
                guard let response else { continue }
                if response.statusCode < 200 || response.statusCode > 299 {
                    var lines = String(decoding: response.body.prefix(512), as: UTF8.self).trimmingSpacesAndNewlines()
                        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    if lines.count > 5 { lines = Array(lines.prefix(5)) + ["(...)"] }
                    let details = lines.joined(separator: "\n")
                    return "non-2xx status code \(response.statusCode)" + (details.isEmpty ? "" : "; " + details)
                }
                return nil
            } catch {
                return prefix + (n <= 0 ? "EOF" : error.message)
            }
        }
    }

    static func execCheck(_ check: ExecCheck, deadline: ContinuousClock.Instant, timedOut: String,
                          environment: [String: String], supervisor: ProcessSupervisor?) -> String? {
        let args: [String]
        do { args = try ShellWords.split(check.command) } catch { return "cannot parse command: \(error.message)" }
        guard !args.isEmpty else { return "cannot parse command: empty command" }
        var env = environment
        env.merge(check.environment) { $1 }
        let ids: (uid: UInt32, gid: UInt32)?
        do { ids = try Accounts.normalize(userID: check.userID, groupID: check.groupID, user: check.user, group: check.group) } catch {
            return error.message
        }
        let credentials = ids.flatMap { $0.uid == getuid() && $0.gid == getgid() ? nil : $0 }
        let output = OutputRingBuffer(capacity: 512)
        let done = Condition()
        final class Box: @unchecked Sendable { var code: Int32?; }
        let box = Box()
        let owned = supervisor ?? ProcessSupervisor()
        let process: SpawnedProcess
        do {
            process = try owned.spawn(SpawnSpec(arguments: args, environment: env,
                                                workingDirectory: check.workingDir.isEmpty ? nil : check.workingDir,
                                                credentials: credentials, output: output, onExit: { code in
                done.withLock { box.code = code; done.broadcast() }
            }))
        } catch {
            return error.message
        }
        let remaining = max(GoDuration.nanoseconds(deadline - ContinuousClock.now), 0)
        let limit = MonotonicClock.nanoseconds() + UInt64(remaining)
        let code: Int32? = done.withLock {
            while box.code == nil { if !done.wait(untilNanoseconds: limit) { break } }
            return box.code
        }
        guard let code else {
            _ = process.signalGroup(SIGKILL)
            return timedOut
        }
        if code > 0 {
            let details = output.lastLines(5).joined(separator: "\n")
            return "exit status \(code)" + (details.isEmpty ? "" : "; " + details)
        }
        return nil
    }
}

extension String {
    func trimmingSpacesAndNewlines() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
