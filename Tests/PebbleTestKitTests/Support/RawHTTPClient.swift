#if canImport(Glibc)
import Glibc
#endif

/// A response as a test reads it off the socket.
struct RawHTTPResponse {
    /// The status code.
    var status: Int
    /// The status line.
    var statusLine: String
    /// Header fields, names lower-cased.
    var headers: [(name: String, value: String)]
    /// The body (de-chunked).
    var body: [UInt8]

    /// The first value of header `name` (lower case).
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A hand-written HTTP/1.1 client over a unix socket: the test writes raw request bytes and
/// reads raw responses, with a receive timeout so that a broken server fails the test instead of
/// hanging it.
final class RawHTTPClient {
    /// The connected socket.
    let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `path`; `nil` (with `errno` set) when that fails.
    init?(path: String, timeoutSeconds: Int = 30) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return nil
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `text`; whether it all went.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends `bytes`; whether they all went.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    /// Reads a response's status line and headers only (for HEAD, whose length is announced but
    /// whose body is not sent).
    func readHeadOnly() -> RawHTTPResponse? {
        guard let statusLine = readLine() else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [(name: String, value: String)] = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingSpaces()))
        }
        return RawHTTPResponse(status: status, statusLine: statusLine, headers: headers, body: [])
    }

    /// Reads one response; `nil` when the connection closes (or times out) first.
    func readResponse() -> RawHTTPResponse? {
        guard var response = readHeadOnly() else { return nil }
        let status = response.status
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            guard let body = read(length) else { return nil }
            response.body = body
        } else if response.header("transfer-encoding") == "chunked" {
            while true {
                guard let sizeLine = readLine(), let size = Int(sizeLine, radix: 16) else { return nil }
                if size == 0 {
                    while let trailer = readLine(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = read(size), readLine() != nil else { return nil }
                response.body += chunk
            }
        } else if response.header("connection") == "close", status >= 200, status != 204, status != 304 {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Whether the server closes the connection (end-of-file, no more bytes) within the timeout.
    func readsEndOfFile() -> Bool {
        while true {
            if !buffer.isEmpty { return false }
            var byte: UInt8 = 0
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
            buffer.append(byte)
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += chunk[0..<count]
            return true
        }
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    private func read(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let result = Array(buffer[..<count])
        buffer.removeFirst(count)
        return result
    }
}

extension String {
    /// Without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

