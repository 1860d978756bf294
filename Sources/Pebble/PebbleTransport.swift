/// The one seam between the client and Pebble: an HTTP request goes in, its response comes out.
///
/// ``UnixSocketTransport`` speaks HTTP/1.1 over Pebble's unix socket (a charm in Juju uses
/// `/charm/containers/<container>/pebble.socket`); the test kit's in-memory Pebble answers the
/// same requests without a socket or processes, so tests run the very client code a charm runs.
public protocol PebbleTransport: Sendable {
    /// Sends `request` and returns Pebble's response, or throws ``PebbleError/Code/connection``,
    /// ``PebbleError/Code/timeout`` (not answered by `deadline`) or
    /// ``PebbleError/Code/protocolError`` (an answer that is not HTTP, or too large).
    func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse

    /// Where the transport reaches Pebble, for error messages.
    var endpointDescription: String { get }
}

/// An HTTP request to Pebble.
public struct PebbleRequest: Sendable, Hashable {
    /// `GET` or `POST`.
    public var method: String
    /// The path, such as `/v1/services` (percent-encoded as needed by the client).
    public var path: String
    /// Query parameters, in order.
    public var query: [QueryItem]
    /// Extra headers (the transport adds `Host`, `Content-Length` and `Connection`).
    public var headers: [Header]
    public var body: [UInt8]

    /// A query parameter.
    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// An HTTP header.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, path: String, query: [QueryItem] = [], headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The request target: the path and the query, encoded as Python's `urlencode` encodes it.
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { URLEncoding.formEncode($0.name) + "=" + URLEncoding.formEncode($0.value) }.joined(separator: "&")
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// An HTTP response from Pebble.
public struct PebbleResponse: Sendable, Hashable {
    public var statusCode: Int
    /// The reason phrase (`OK`, `Bad Request`).
    public var reason: String
    /// Headers with lower-cased names, in order.
    public var headers: [PebbleRequest.Header]
    public var body: [UInt8]

    public init(statusCode: Int, reason: String = "", headers: [PebbleRequest.Header] = [], body: [UInt8] = []) {
        self.statusCode = statusCode
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
