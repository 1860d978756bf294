// A Unix stream socket carrying length-prefixed frames, between `fake-juju-tools serve` and the
// tool processes (as Juju's hook tools talk to the unit agent over a socket).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Socket {
    let fd: Int32

    static func address(_ path: String) throws(ToolFailure) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw ToolFailure("socket path too long (\(bytes.count) bytes, at most \(capacity - 1)): \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Connects to the server at `path`.
    static func connect(_ path: String) throws(ToolFailure) -> Socket {
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolFailure("cannot create a socket: \(System.errnoText())") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let text = System.errnoText()
            _ = Glibc.close(fd)
            throw ToolFailure("cannot reach fake-juju-tools serve at \(path) (FAKE_JUJU_SOCKET): \(text)")
        }
        return Socket(fd: fd)
    }

    /// Listens at `path` (replacing a stale socket file).
    static func listen(_ path: String) throws(ToolFailure) -> Socket {
        var address = try address(path)
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolFailure("cannot create a socket: \(System.errnoText())") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let text = System.errnoText()
            _ = Glibc.close(fd)
            throw ToolFailure("cannot listen at \(path): \(text)")
        }
        return Socket(fd: fd)
    }

    func accept() -> Socket? {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 { return Socket(fd: client) }
            if errno != EINTR { return nil }
        }
    }

    func close() { _ = Glibc.close(fd) }

    /// One frame: a 4-byte big-endian length, then the bytes.
    func send(_ bytes: [UInt8]) throws(ToolFailure) {
        let n = UInt32(bytes.count)
        try System.writeAll(fd: fd, [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes)
    }

    func receive() throws(ToolFailure) -> [UInt8] {
        let header = try read(count: 4)
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        return try read(count: n)
    }

    private func read(count: Int) throws(ToolFailure) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = result.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ToolFailure("the fake-juju-tools server closed the connection") }
            offset += n
        }
        return result
    }
}
