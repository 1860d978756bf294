#if canImport(Glibc)
import Glibc
#endif
import CPebbleSpawn

/// An HTTP/1.1 server on a unix socket, as Pebble's API is served: one thread accepts, one
/// thread per connection reads requests and calls the handler, so a handler may block (a
/// long-poll) without stalling other connections.
///
/// Connections are kept alive (HTTP/1.1) unless the client or the handler says
/// `Connection: close`; HTTP/1.0 connections close after one response. Request bodies come with
/// `Content-Length` or chunked. Bad requests get a `text/plain` 4xx/5xx naming the problem and
/// the connection is closed; see ``HTTPServerLimits`` for sizes and timeouts.
///
/// The socket file is created with mode 0666, as Pebble's (it listens with umask 0111); a stale
/// socket file (nobody answers) is replaced, a live one is refused.
package final class UnixHTTPServer: Sendable {
    /// The socket's path.
    package let socketPath: String
    /// The state shared with the server's threads.
    private let core: ServerCore

    /// Binds and listens at `socketPath`; ``start()`` begins serving.
    package init(socketPath: String, limits: HTTPServerLimits = HTTPServerLimits(),
                 handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse) throws(HTTPServerError) {
        self.socketPath = socketPath
        core = try ServerCore(socketPath: socketPath, limits: limits, handler: handler)
    }

    deinit {
        core.stop()
    }

    /// Starts accepting connections on a background thread. Idempotent; nothing after ``stop()``.
    package func start() {
        core.start()
    }

    /// Stops: no new connection is accepted and no new handler call starts once this returns;
    /// open connections are shut down (`shutdown(2)`, so blocked reads return); returns after the
    /// accept thread has ended and every connection thread has ended or is inside a handler
    /// (it ends when its handler returns; its response is not sent); the socket file is removed
    /// (unless another server has replaced it meanwhile). Idempotent, and safe from a handler.
    package func stop() {
        core.stop()
    }

    /// Waits until every connection thread has ended (after ``stop()``, those inside a handler
    /// end when it returns), at most `timeoutNanoseconds`; whether they all have.
    package func waitForConnectionThreads(timeoutNanoseconds: UInt64) -> Bool {
        core.waitForConnectionThreads(timeoutNanoseconds: timeoutNanoseconds)
    }

    /// The number of open connections.
    package var connectionCount: Int {
        core.connectionCount
    }
}

/// The server's shared state: the accept thread and the connection threads hold it. Guarded by
/// `condition` where marked.
private final class ServerCore: @unchecked Sendable {
    /// A connection's registry entry.
    struct Connection {
        /// The connected socket.
        var fd: Int32
        /// The connection's thread (zero until it runs).
        var thread: pthread_t
        /// Whether the thread is inside the handler (or a streaming producer).
        var inHandler: Bool
    }

    /// Where the server is in its life.
    enum Phase {
        case created, running, stopping, stopped
    }

    /// The socket's path.
    let socketPath: String
    /// The limits and timeouts.
    let limits: HTTPServerLimits
    /// The request handler.
    let handler: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    /// The listening socket.
    let listenFD: Int32
    /// The accept thread's wake-up pipe (a byte on it means "stop").
    let wakeRead: Int32
    /// The wake-up pipe's write end.
    let wakeWrite: Int32
    /// The device and inode of the socket file this server created.
    let socketIdentity: (device: UInt64, inode: UInt64)

    /// Guards the state below.
    let condition = Condition()
    /// Where the server is in its life. Guarded by `condition`.
    var phase = Phase.created
    /// Whether the accept thread has ended (or never started). Guarded by `condition`.
    var acceptThreadDone = true
    /// Open connections by id. Guarded by `condition`.
    var connections: [UInt64: Connection] = [:]
    /// The next connection id. Guarded by `condition`.
    var nextConnectionID: UInt64 = 1

    /// Listens at `socketPath`.
    init(socketPath: String, limits: HTTPServerLimits,
         handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse) throws(HTTPServerError) {
        self.socketPath = socketPath
        self.limits = limits
        self.handler = handler
        var address = try Self.address(socketPath)
        try Self.removeStaleSocket(socketPath, address: &address)

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let error = errno
            throw HTTPServerError(.listenFailed, socketPath: socketPath, message: "cannot create a unix socket: \(ErrnoText.describe(error))", errno: error)
        }
        func fail(_ what: String) -> HTTPServerError {
            let error = errno
            close(fd)
            return HTTPServerError(.listenFailed, socketPath: socketPath,
                                   message: "cannot \(what) \(socketPath): \(ErrnoText.describe(error)); check that its directory exists and is writable",
                                   errno: error)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw fail("bind") }
        var status = stat()
        guard chmod(socketPath, 0o666) == 0, stat(socketPath, &status) == 0 else {
            let error = fail("set the mode of")
            unlink(socketPath)
            throw error
        }
        guard listen(fd, SOMAXCONN) == 0 else {
            let error = fail("listen at")
            unlink(socketPath)
            throw error
        }
        var wake: [Int32] = [-1, -1]
        let pipeResult = cpebble_pipe_cloexec(&wake)
        guard pipeResult == 0 else {
            close(fd)
            unlink(socketPath)
            throw HTTPServerError(.listenFailed, socketPath: socketPath, message: "cannot create a pipe: \(ErrnoText.describe(pipeResult))", errno: pipeResult)
        }
        listenFD = fd
        wakeRead = wake[0]
        wakeWrite = wake[1]
        socketIdentity = (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// `sockaddr_un` for `path`.
    static func address(_ path: String) throws(HTTPServerError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw HTTPServerError(.socketPathTooLong, socketPath: path,
                                  message: "socket path \(ExecutableLookup.goQuote(path)) is \(bytes.count) bytes; a unix socket path has 1 to \(capacity - 1): choose a shorter one")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Removes a socket file nobody answers at; refuses a live one, and anything not a socket.
    static func removeStaleSocket(_ path: String, address: inout sockaddr_un) throws(HTTPServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw HTTPServerError(.pathOccupied, socketPath: path,
                                  message: "\(path) exists and is not a socket: remove it or choose another socket path")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard probe >= 0 else { return }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let error = errno
        close(probe)
        // EAGAIN: a listener whose backlog is full, alive all the same.
        if connected == 0 || error == EAGAIN {
            throw HTTPServerError(.addressInUse, socketPath: path,
                                  message: "socket \(ExecutableLookup.goQuote(path)) already in use: stop the server there or choose another socket path")
        }
        unlink(path)
    }

    /// Starts the accept thread.
    func start() {
        let starting = condition.withLock {
            guard phase == .created else { return false }
            phase = .running
            acceptThreadDone = false
            return true
        }
        if starting {
            startThread(name: "pebble-accept") { [self] in acceptLoop() }
        }
    }

    /// The accept thread.
    func acceptLoop() {
        var descriptors = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[1].revents != 0 { break }
            guard descriptors[0].revents != 0 else { continue }
            let fd = cpebble_accept_cloexec(listenFD)
            if fd < 0 {
                // Out of descriptors: let some connections end rather than spin.
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(10_000) }
                continue
            }
            accepted(fd)
        }
        condition.withLock {
            acceptThreadDone = true
            condition.broadcast()
        }
    }

    /// Registers a new connection and starts its thread.
    func accepted(_ fd: Int32) {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        let peer = cpebble_peer_credentials(fd, &pid, &uid, &gid) == 0 ? PeerCredentials(pid: pid, uid: uid, gid: gid) : nil
        let id: UInt64? = condition.withLock {
            guard phase == .running else { return nil }
            let id = nextConnectionID
            nextConnectionID += 1
            connections[id] = Connection(fd: fd, thread: pthread_t(), inHandler: false)
            return id
        }
        guard let id else {
            close(fd)
            return
        }
        let result = tryStartThread(name: "pebble-conn-\(id)") { [self] in
            serve(id: id, fd: fd, peer: peer)
        }
        if result != 0 {
            condition.withLock {
                connections[id] = nil
                condition.broadcast()
            }
            close(fd)
        }
    }

    /// A connection thread: requests in turn until the connection closes.
    func serve(id: UInt64, fd: Int32, peer: PeerCredentials?) {
        condition.withLock { connections[id]?.thread = pthread_self() }
        let socket = HTTPConnectionSocket(fd: fd, stallTimeoutNanoseconds: limits.stallTimeoutNanoseconds)
        let reader = HTTPRequestReader(socket: socket, limits: limits, peer: peer)
        requests: while true {
            switch reader.next(sendContinue: { socket.writeAll($0) }) {
            case .closed, .aborted:
                break requests
            case .refused(let status, let message):
                if isRunning {
                    let text = "\(status) \(HTTPStatus.reasonPhrase(status)): \(message)"
                    let response = HTTPServerResponse.text(text, status: status)
                    _ = socket.writeAll(Self.head(response, bodyLength: response.body.count, closing: true, chunked: false) + response.body)
                }
                break requests
            case .request(let request, let keepAlive):
                let entered = condition.withLock {
                    guard phase == .running, connections[id] != nil else { return false }
                    connections[id]?.inHandler = true
                    return true
                }
                guard entered else { break requests }
                let response = handler(request)
                var closing = !keepAlive || response.header("Connection")?.lowercased().contains("close") == true
                var sent = false
                if isRunning {
                    sent = send(response, for: request, closing: &closing, socket: socket)
                }
                condition.withLock {
                    connections[id]?.inHandler = false
                    condition.broadcast()
                }
                if !sent || closing { break requests }
            }
        }
        _ = shutdown(fd, Int32(SHUT_RDWR))
        condition.withLock {
            connections[id] = nil
            condition.broadcast()
        }
        close(fd)
    }

    /// Whether the server is still running.
    var isRunning: Bool {
        condition.withLock { phase == .running }
    }

    /// Writes `response` (running its producer for a streaming one); whether it all went.
    func send(_ response: HTTPServerResponse, for request: HTTPServerRequest, closing: inout Bool, socket: HTTPConnectionSocket) -> Bool {
        let isHead = request.method == "HEAD"
        if let producer = response.producer {
            let chunked = request.minorVersion >= 1 && !HTTPStatus.forbidsBody(response.status)
            if !chunked { closing = true }
            guard socket.writeAll(Self.head(response, bodyLength: nil, closing: closing, chunked: chunked)) else { return false }
            if isHead || HTTPStatus.forbidsBody(response.status) { return true }
            let stream = HTTPResponseStream(socket: socket, chunked: chunked)
            producer(stream)
            return stream.finish()
        }
        let body = isHead || HTTPStatus.forbidsBody(response.status) ? [] : response.body
        return socket.writeAll(Self.head(response, bodyLength: response.body.count, closing: closing, chunked: false) + body)
    }

    /// The status line and header fields of `response`, with the server's own fields.
    static func head(_ response: HTTPServerResponse, bodyLength: Int?, closing: Bool, chunked: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(HTTPStatus.reasonPhrase(response.status))\r\n"
        var hasDate = false
        for (name, value) in response.headers {
            switch name.lowercased() {
            case "content-length", "transfer-encoding", "connection": continue
            case "date": hasDate = true
            default: break
            }
            // Header injection guard: a CR or LF in a handler's value would split the response.
            let safeValue = value.filter { $0 != "\r" && $0 != "\n" }
            text += "\(name): \(safeValue)\r\n"
        }
        if !hasDate { text += "Date: \(WallClock.now().httpDate)\r\n" }
        if !HTTPStatus.forbidsBody(response.status) {
            if chunked {
                text += "Transfer-Encoding: chunked\r\n"
            } else if let bodyLength {
                text += "Content-Length: \(bodyLength)\r\n"
            }
        }
        if closing { text += "Connection: close\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// See ``UnixHTTPServer/stop()``.
    func stop() {
        let first: Bool = condition.withLock {
            switch phase {
            case .stopped:
                return false
            case .stopping:
                while phase != .stopped { condition.wait() }
                return false
            case .created, .running:
                phase = .stopping
                for connection in connections.values { _ = shutdown(connection.fd, Int32(SHUT_RDWR)) }
                return true
            }
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        condition.withLock {
            while !acceptThreadDone { condition.wait() }
        }
        close(listenFD)
        close(wakeRead)
        close(wakeWrite)
        var status = stat()
        if lstat(socketPath, &status) == 0, UInt64(status.st_dev) == socketIdentity.device, UInt64(status.st_ino) == socketIdentity.inode {
            unlink(socketPath)
        }
        condition.withLock {
            let me = pthread_self()
            while connections.values.contains(where: { !$0.inHandler && pthread_equal($0.thread, me) == 0 }) {
                condition.wait()
            }
            phase = .stopped
            condition.broadcast()
        }
    }

    /// See ``UnixHTTPServer/waitForConnectionThreads(timeoutNanoseconds:)``.
    func waitForConnectionThreads(timeoutNanoseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.deadline(afterNanoseconds: timeoutNanoseconds)
        return condition.withLock {
            while !connections.isEmpty {
                if !condition.wait(untilNanoseconds: deadline) { break }
            }
            return connections.isEmpty
        }
    }

    /// See ``UnixHTTPServer/connectionCount``.
    var connectionCount: Int {
        condition.withLock { connections.count }
    }
}
