/// One HTTP request as ``UnixHTTPServer`` hands it to its handler: the body complete (whether it
/// came with `Content-Length` or chunked), the target decoded.
package struct HTTPServerRequest: Sendable {
    /// The method, as sent (methods are case-sensitive: `GET`, `POST`, ...).
    package var method: String
    /// The request-target exactly as sent, e.g. `/v1/services?names=a%2Cb`.
    package var target: String
    /// The path, percent-decoded, without the query (`+` is not a space here).
    package var path: String
    /// The query parameters, decoded (`+` is a space), in order, repeated names kept.
    package var query: [(name: String, value: String)]
    /// The header fields in order, names in lower case, values without surrounding white space.
    package var headers: [(name: String, value: String)]
    /// The body (empty when there is none).
    package var body: [UInt8]
    /// The connecting process, from `SO_PEERCRED`.
    package var peer: PeerCredentials?
    /// The protocol version's minor number: 1 for HTTP/1.1, 0 for HTTP/1.0.
    package var minorVersion: Int

    /// A request with every part given (for tests of handlers).
    package init(method: String, target: String, path: String, query: [(name: String, value: String)] = [],
                 headers: [(name: String, value: String)] = [], body: [UInt8] = [], peer: PeerCredentials? = nil,
                 minorVersion: Int = 1) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = peer
        self.minorVersion = minorVersion
    }

    /// The first value of header `name` (any case), or `nil`.
    package func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// Every value of query parameter `name` (exact case), in order.
    package func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// The first value of query parameter `name` (exact case), or `nil` (as Go's `Values.Get`,
    /// except that a missing parameter is `nil`, not "").
    package func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}
