#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A TCP connection with a deadline, for the fake's HTTP and TCP checks; errors in Go's words
/// (`dial tcp 127.0.0.1:8000: connect: connection refused`).
enum TCPDialer {
    struct DialError: Error, Sendable {
        var message: String
        var timedOut = false
    }

    static func dial(host: String, port: Int, deadline: ContinuousClock.Instant) -> Result<Int32, DialError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(DialError(message: "dial tcp: lookup \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var lastError = DialError(message: "dial tcp \(host):\(port): no address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let address = numericAddress(info.pointee.ai_addr, info.pointee.ai_addrlen) + ":\(port)"
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return .success(fd) }
            if errno != EINPROGRESS {
                lastError = DialError(message: "dial tcp \(address): connect: \(ErrnoText.current())")
                close(fd)
                continue
            }
            var timedOut = false
            while true {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero { timedOut = true; break }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let (s, a) = remaining.components
                let ready = poll(&pfd, 1, Int32(clamping: s * 1000 + a / 1_000_000_000_000_000 + 1))
                if ready < 0 && errno == EINTR { continue }
                if ready != 0 { break }
            }
            if timedOut {
                close(fd)
                return .failure(DialError(message: "dial tcp \(address): i/o timeout", timedOut: true))
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return .success(fd) }
            lastError = DialError(message: "dial tcp \(address): connect: \(ErrnoText.describe(error))")
            close(fd)
        }
        return .failure(lastError)
    }

    static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t) -> String {
        guard let address else { return "?" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return "?" }
        let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.contains(":") ? "[\(text)]" : text
    }
}
