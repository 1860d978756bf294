#if canImport(Glibc)
import Glibc
#endif
import Testing

// A misbehaving "Pebble" for the reliability tests: a unix socket in a fresh temporary
// directory, an accept loop on its own thread, and for every connection a script that decides
// what the peer sees (nothing, a slow trickle, a lie about the length, ...).
//
// Nothing here can hang a test: every blocking step polls in short slices and gives up when the
// server is stopped or its own limit passes, and `withScriptedServer` stops the server, joins the
// thread and removes the directory on every exit path, thrown errors and failed `#require`s
// included.

/// A mutex-protected value (no Foundation, no Synchronization: plain pthreads).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private var mutex = pthread_mutex_t()

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// A fresh directory under /tmp (unix socket paths must fit in 107 bytes), removed with its
/// contents by ``remove()``.
final class ScratchDirectory: Sendable {
    let path: String

    init() {
        var template = Array("/tmp/pbrel-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { fatalError("cannot create a temporary directory: errno \(errno)") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Removes the directory and the (flat) files in it.
    func remove() {
        if let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { unlink(path + "/" + name) }
        }
        rmdir(path)
    }
}

/// Binds a unix stream socket at `path`; returns the descriptor (the caller closes it).
func bindUnixSocket(_ path: String) -> Int32? {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        close(fd)
        return nil
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard bound == 0 else {
        close(fd)
        return nil
    }
    return fd
}

/// One accepted connection, as a script sees it.
struct ScriptedConnection {
    let fd: Int32
    /// 0 for the first connection the server accepted, 1 for the next, ...
    let index: Int
    fileprivate let stopped: @Sendable () -> Bool
    fileprivate let record: @Sendable (String) -> Void

    /// The longest any single step may block (a test that forgets to close still ends).
    static let stepLimit: Duration = .seconds(10)

    /// Waits up to `limit` for `events`; `false` when the server stops or the limit passes.
    private func wait(_ events: Int16, limit: Duration) -> Bool {
        let end = ContinuousClock.now + limit
        while !stopped() && ContinuousClock.now < end {
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&pfd, 1, 20)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
        return false
    }

    /// Reads the request: its head (up to the blank line) and a `Content-Length` body. Returns
    /// the request line (`GET /v1/services HTTP/1.1`), or `nil` if the peer went away first.
    @discardableResult
    func readRequest() -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        while headEnd == nil {
            guard wait(Int16(POLLIN), limit: Self.stepLimit) else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            bytes += chunk[0..<n]
            headEnd = Self.find([13, 10, 13, 10], in: bytes)
        }
        let head = String(decoding: bytes[0..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        var length = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].filter { $0 != " " }) ?? 0
            }
        }
        var body = bytes.count - (headEnd! + 4)
        while body < length {
            guard wait(Int16(POLLIN), limit: Self.stepLimit) else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            body += n
        }
        let requestLine = lines.first.map(String.init) ?? ""
        record(requestLine)
        return requestLine
    }

    /// Sends all of `bytes`; `false` when the peer is gone (no SIGPIPE: `MSG_NOSIGNAL`).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard wait(Int16(POLLOUT), limit: Self.stepLimit) else { return false }
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends `bytes` one at a time, `interval` apart, until done, the peer leaves or the server stops.
    func trickle(_ bytes: [UInt8], every interval: Duration) {
        for byte in bytes {
            guard !stopped(), send([byte]) else { return }
            let end = ContinuousClock.now + interval
            while !stopped() && ContinuousClock.now < end { usleep(5_000) }
        }
    }

    /// Reads and drops whatever comes until the peer closes (or the server stops, or the limit).
    func drainUntilPeerCloses(limit: Duration = ScriptedConnection.stepLimit) {
        let end = ContinuousClock.now + limit
        var chunk = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < end {
            guard wait(Int16(POLLIN), limit: end - ContinuousClock.now) else { return }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
        }
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for i in 0...(bytes.count - pattern.count) where bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
            return i
        }
        return nil
    }
}

/// The accept loop and its scripted connections.
final class ScriptedServer: @unchecked Sendable {
    typealias Script = @Sendable (ScriptedConnection) -> Void

    let socketPath: String
    /// The request lines read by the scripts, in order.
    let requests = Locked<[String]>([])
    private let listener: Int32
    private let script: Script
    private let stopping = Locked(false)
    private var thread: pthread_t?

    init?(socketPath: String, script: @escaping Script) {
        guard let fd = bindUnixSocket(socketPath) else { return nil }
        guard listen(fd, 16) == 0 else {
            close(fd)
            return nil
        }
        self.socketPath = socketPath
        self.listener = fd
        self.script = script
    }

    /// Starts the accept loop on its own thread.
    func start() -> Bool {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { raw in
            let server = Unmanaged<ScriptedServer>.fromOpaque(raw!).takeRetainedValue()
            server.acceptLoop()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<ScriptedServer>.fromOpaque(context).release()
            return false
        }
        thread = handle
        return true
    }

    /// Stops the loop (a running script sees `stopped` and returns), joins the thread, closes
    /// the socket and removes its file.
    func stop() {
        stopping.withLock { $0 = true }
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        close(listener)
        unlink(socketPath)
    }

    private func acceptLoop() {
        let stopped: @Sendable () -> Bool = { [stopping] in stopping.current }
        let record: @Sendable (String) -> Void = { [requests] line in requests.withLock { $0.append(line) } }
        var index = 0
        while !stopped() {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 20)
            guard ready > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            let connection = ScriptedConnection(fd: fd, index: index, stopped: stopped, record: record)
            index += 1
            script(connection)
            close(fd)
        }
    }
}

/// Runs `body` with the path of a scripted server's socket; the server is stopped, its thread
/// joined and its directory removed afterwards, whatever happens.
@discardableResult
func withScriptedServer<R>(_ script: @escaping ScriptedServer.Script,
                           _ body: (_ path: String, _ server: ScriptedServer) throws -> R) throws -> R {
    let directory = ScratchDirectory()
    defer { directory.remove() }
    guard let server = ScriptedServer(socketPath: directory.file("pebble.socket"), script: script) else {
        throw ScriptedServerError(message: "cannot bind or listen on \(directory.file("pebble.socket")): errno \(errno)")
    }
    guard server.start() else {
        server.stop()
        throw ScriptedServerError(message: "cannot start the accept thread")
    }
    defer { server.stop() }
    return try body(server.socketPath, server)
}

struct ScriptedServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An HTTP response as text (CRLF line ends), with `Content-Length` unless `length` is `false`.
func httpResponse(_ status: String, headers: [(String, String)] = [], body: String = "", length: Bool = true) -> String {
    var text = "HTTP/1.1 \(status)\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if length { text += "Content-Length: \(body.utf8.count)\r\n" }
    return text + "\r\n" + body
}

/// A JSON answer as Pebble writes it.
func jsonResponse(_ status: String, _ body: String) -> String {
    httpResponse(status, headers: [("Content-Type", "application/json")], body: body)
}

/// Raw protocol text as a test argument, shown escaped (`"5\r\nhel"`) in test names.
struct Wire: Sendable, CustomTestStringConvertible, ExpressibleByStringLiteral {
    let text: String
    init(_ text: String) { self.text = text }
    init(stringLiteral text: String) { self.text = text }
    var testDescription: String { text.debugDescription }
}
