/// The limits and timeouts of a ``UnixHTTPServer``.
package struct HTTPServerLimits: Sendable {
    /// The most bytes of request line plus header fields (and, separately, of chunked trailers);
    /// more gets `431 Request Header Fields Too Large`.
    package var maxHeaderBytes: Int
    /// The most bytes of a request body; more gets `413 Request Entity Too Large`.
    package var maxBodyBytes: Int
    /// How long a keep-alive connection may sit idle between requests before the server closes it.
    package var idleTimeoutNanoseconds: UInt64
    /// How long a request may stall mid-way (no byte arriving), or a response write may stall
    /// (the client not reading), before the server closes the connection.
    package var stallTimeoutNanoseconds: UInt64
    /// Whether HTTP/1.1 requests without a `Host` header get `400` (as Go's server answers).
    package var requireHostHeader: Bool

    /// The defaults: 64 KiB of headers, 256 MiB of body, 60 s idle, 60 s stall, `Host` required.
    package init(maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int = 256 * 1024 * 1024,
                 idleTimeoutNanoseconds: UInt64 = 60_000_000_000, stallTimeoutNanoseconds: UInt64 = 60_000_000_000,
                 requireHostHeader: Bool = true) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutNanoseconds = idleTimeoutNanoseconds
        self.stallTimeoutNanoseconds = stallTimeoutNanoseconds
        self.requireHostHeader = requireHostHeader
    }
}
