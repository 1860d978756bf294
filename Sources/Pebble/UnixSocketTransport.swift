#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP/1.1 to Pebble over its unix socket, one connection per request (`Connection: close`),
/// with every step bounded by the request's deadline: connecting, writing, and reading the
/// answer. A daemon that never answers costs the caller its timeout, never a hang.
public struct UnixSocketTransport: PebbleTransport {
    /// The socket's path (`/charm/containers/<container>/pebble.socket` in a charm).
    public var socketPath: String
    /// Response headers are refused beyond this size.
    public var maximumHeaderBytes: Int
    /// Response bodies are refused beyond this size (a pulled file counts).
    public var maximumBodyBytes: Int

    public init(socketPath: String, maximumHeaderBytes: Int = 64 << 10, maximumBodyBytes: Int = 64 << 20) {
        self.socketPath = socketPath
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumBodyBytes = maximumBodyBytes
    }

    public var endpointDescription: String { socketPath }

    public func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse {
        let fd = try connect(deadline: deadline)
        defer { _ = close(fd) }
        try write(fd, Self.encode(request), deadline: deadline)
        var parser = HTTPResponseParser(maximumHeaderBytes: maximumHeaderBytes, maximumBodyBytes: maximumBodyBytes,
                                        isHeadRequest: request.method == "HEAD")
        var chunk = [UInt8](unsafeUninitializedCapacity: 65536) { _, count in count = 65536 }
        while true {
            try wait(fd, for: Int16(POLLIN), deadline: deadline, doing: "waiting for Pebble's answer")
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                let reason = Self.errnoText()
                throw PebbleError(.connection, message: "the connection to Pebble at \(socketPath) broke while reading: \(reason)")
            }
            if n == 0 { return try parser.finish() }
            let done = try chunk.withUnsafeBufferPointer { all throws(PebbleError) in
                try parser.feed(UnsafeBufferPointer(rebasing: all[0..<n]))
            }
            if let done { return done }
        }
    }

    /// The request's bytes: request line, headers, body.
    static func encode(_ request: PebbleRequest) -> [UInt8] {
        var head = "\(request.method) \(request.target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: swift-pebble\r\n"
        for header in request.headers { head += "\(header.name): \(header.value)\r\n" }
        if !request.body.isEmpty || request.method == "POST" { head += "Content-Length: \(request.body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + request.body
    }

    private func connect(deadline: ContinuousClock.Instant) throws(PebbleError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw PebbleError(.connection, message: "the socket path is \(bytes.count) bytes, over the \(capacity - 1) a unix socket allows: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw PebbleError(.connection, message: "cannot create a socket: \(Self.errnoText())") }
        #if !os(Linux)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        while true {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
                    #if canImport(Glibc)
                    Glibc.connect(fd, sockaddr, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #elseif canImport(Musl)
                    Musl.connect(fd, sockaddr, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #else
                    Darwin.connect(fd, sockaddr, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #endif
                }
            }
            if result == 0 { return fd }
            let error = errno
            switch error {
            case EINTR:
                continue
            case EAGAIN, EINPROGRESS:
                // The listen backlog is full: try again until the deadline.
                if ContinuousClock.now >= deadline {
                    _ = close(fd)
                    throw PebbleError(.timeout, message: "timed out connecting to Pebble at \(socketPath) (its listen queue is full)")
                }
                usleep(1000)
            case ENOENT:
                _ = close(fd)
                throw PebbleError(.connection, message: "cannot connect to Pebble: socket not found at \(socketPath) (the container is not up yet, or restarted: wait for pebble-ready)")
            case ECONNREFUSED:
                _ = close(fd)
                throw PebbleError(.connection, message: "cannot connect to Pebble at \(socketPath): connection refused (Pebble is not running)")
            default:
                let reason = Self.errnoText(error)
                _ = close(fd)
                throw PebbleError(.connection, message: "cannot connect to Pebble at \(socketPath): \(reason)")
            }
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(PebbleError) {
        var offset = 0
        while offset < bytes.count {
            try wait(fd, for: Int16(POLLOUT), deadline: deadline, doing: "sending the request")
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, flags) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw PebbleError(.connection, message: "the connection to Pebble at \(socketPath) broke while sending: \(Self.errnoText())")
            }
            offset += n
        }
    }

    private func wait(_ fd: Int32, for events: Int16, deadline: ContinuousClock.Instant, doing what: String) throws(PebbleError) {
        while true {
            let remaining = deadline - ContinuousClock.now
            let (seconds, attoseconds) = remaining.components
            let milliseconds = remaining <= .zero ? 0 : Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            if remaining <= .zero {
                throw PebbleError(.timeout, message: "timed out \(what) (Pebble at \(socketPath))")
            }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&pfd, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PebbleError(.connection, message: "cannot wait on the connection to Pebble: \(Self.errnoText())")
            }
            if ready > 0 { return }
        }
    }

    static func errnoText(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
