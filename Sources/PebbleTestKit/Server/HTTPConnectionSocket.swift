#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection's descriptor, with a read buffer and timed reads and writes (poll
/// before each `recv`/`send`, so that a silent client cannot hold a thread forever). Writes use
/// `MSG_NOSIGNAL`: a client gone away gives `EPIPE`, never `SIGPIPE`. Used by one thread at a
/// time; it does not own the descriptor (the server closes it).
final class HTTPConnectionSocket {
    /// What waiting for bytes gave.
    enum FillResult {
        /// More bytes are buffered.
        case data
        /// The client closed its end (or the server shut the socket down).
        case endOfFile
        /// Nothing arrived in time.
        case timeout
        /// The socket failed.
        case failed
    }

    /// The connected socket.
    let fd: Int32
    /// Received bytes not consumed yet: `buffer[offset...]`.
    private(set) var buffer: [UInt8] = []
    /// The first unconsumed byte of `buffer`.
    private(set) var offset = 0
    /// The longest wait for a byte mid-request, or for room to write, in milliseconds.
    let stallTimeoutMilliseconds: Int32

    /// A socket over `fd` that gives up on a stall after `stallTimeoutNanoseconds`.
    init(fd: Int32, stallTimeoutNanoseconds: UInt64) {
        self.fd = fd
        stallTimeoutMilliseconds = Self.milliseconds(stallTimeoutNanoseconds)
    }

    /// The number of buffered, unconsumed bytes.
    var available: Int { buffer.count - offset }

    /// Waits at most `timeoutMilliseconds` (-1: the stall timeout) for bytes and buffers them.
    func fill(timeoutMilliseconds: Int32 = -1) -> FillResult {
        let timeout = timeoutMilliseconds < 0 ? stallTimeoutMilliseconds : timeoutMilliseconds
        if offset > 0, offset >= buffer.count / 2 {
            buffer.removeFirst(offset)
            offset = 0
        }
        while true {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if ready == 0 { return .timeout }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 65536))
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + start, 65536, Int32(MSG_DONTWAIT)) }
            buffer.removeLast(65536 - max(count, 0))
            if count > 0 { return .data }
            if count == 0 { return .endOfFile }
            if errno == EINTR || errno == EAGAIN { continue }
            return .failed
        }
    }

    /// Consumes and returns the next `count` buffered bytes (which must be available).
    func take(_ count: Int) -> ArraySlice<UInt8> {
        let slice = buffer[offset..<(offset + count)]
        offset += count
        return slice
    }

    /// The index in `buffer` of the next newline at or after `from`, within the unconsumed bytes.
    func newlineIndex(from: Int) -> Int? {
        var index = max(from, offset)
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    /// Sends all of `bytes`, waiting at most the stall timeout each time the socket is full;
    /// whether everything went.
    func writeAll(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if count > 0 {
                sent += count
                continue
            }
            if count < 0, errno == EINTR { continue }
            guard count < 0, errno == EAGAIN else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, stallTimeoutMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return false }
            if descriptor.revents & Int16(POLLOUT) == 0 { return false }
        }
        return true
    }

    /// Whether the peer has closed its end, checked without blocking (buffered or pending
    /// request bytes mean it has not).
    func peerHasClosed() -> Bool {
        if available > 0 { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { return true }
        if count < 0 { return errno != EAGAIN && errno != EINTR }
        return false
    }

    /// `nanoseconds` as poll's milliseconds (at least 1, at most Int32.max).
    static func milliseconds(_ nanoseconds: UInt64) -> Int32 {
        Int32(min(max(nanoseconds / 1_000_000, 1), UInt64(Int32.max)))
    }
}
