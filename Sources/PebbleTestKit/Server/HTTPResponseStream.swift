#if canImport(Glibc)
import Glibc
#endif

/// The body of a streaming ``HTTPServerResponse``, as its producer sees it. Use it only on the
/// producer's thread, during the producer's call.
package final class HTTPResponseStream: @unchecked Sendable {
    /// The connection.
    private let socket: HTTPConnectionSocket
    /// Whether writes are framed as chunks (HTTP/1.1) or raw (HTTP/1.0).
    private let chunked: Bool
    /// Whether a write has failed (the client is gone, or the server is stopping).
    package private(set) var isBroken = false

    /// A stream over `socket`, chunked or raw (HTTP/1.0: the body ends with the connection).
    init(socket: HTTPConnectionSocket, chunked: Bool) {
        self.socket = socket
        self.chunked = chunked
    }

    /// Sends `bytes` now (one chunk); returns `false` once the client is gone or the server is
    /// stopping (the producer should then return).
    @discardableResult
    package func write(_ bytes: [UInt8]) -> Bool {
        guard !isBroken else { return false }
        guard !bytes.isEmpty else { return true }
        let framed = chunked ? Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10] : bytes
        if !socket.writeAll(framed) { isBroken = true }
        return !isBroken
    }

    /// Sends `text` as UTF-8; see ``write(_:)-([UInt8])``.
    @discardableResult
    package func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Whether the client has closed its end (checked without blocking: a client that sent
    /// another request meanwhile still counts as connected). For producers that wait a long
    /// time between writes.
    package var isClientGone: Bool {
        isBroken || socket.peerHasClosed()
    }

    /// Ends a chunked body (the terminating zero-length chunk); whether it was sent.
    func finish() -> Bool {
        guard !isBroken else { return false }
        if chunked, !socket.writeAll(Array("0\r\n\r\n".utf8)) { isBroken = true }
        return !isBroken
    }
}
