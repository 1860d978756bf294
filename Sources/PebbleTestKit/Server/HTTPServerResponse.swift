/// What a ``UnixHTTPServer`` handler answers. The server adds `Content-Length` (not for 1xx, 204
/// and 304), a `Date` when there is none, and `Connection: close` when it will close the
/// connection; a `Content-Length`, `Transfer-Encoding` or `Connection: keep-alive` the handler
/// sets is dropped. A `Connection: close` the handler sets makes the server close afterwards.
///
/// A streaming response (``streaming(status:headers:_:)``) has no body up front: the server
/// sends the head with `Transfer-Encoding: chunked` (HTTP/1.1) and then runs the producer,
/// whose writes go out as chunks, as Go's handlers do when they flush without a length.
package struct HTTPServerResponse: Sendable {
    /// The status code.
    package var status: Int
    /// The header fields, in order.
    package var headers: [(name: String, value: String)]
    /// The body (ignored for a streaming response, and for `HEAD` requests only its length counts).
    package var body: [UInt8]
    /// For a streaming response: writes the body through the stream, on the connection's thread.
    package var producer: (@Sendable (HTTPResponseStream) -> Void)?

    /// A response with a complete body.
    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.producer = nil
    }

    /// A response whose body `producer` writes piece by piece, until it returns or a write fails.
    package static func streaming(status: Int, headers: [(name: String, value: String)] = [],
                                  _ producer: @escaping @Sendable (HTTPResponseStream) -> Void) -> HTTPServerResponse {
        var response = HTTPServerResponse(status: status, headers: headers)
        response.producer = producer
        return response
    }

    /// A `text/plain; charset=utf-8` response.
    package static func text(_ text: String, status: Int = 200) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// The first value of header `name` (any case), or `nil`.
    package func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
