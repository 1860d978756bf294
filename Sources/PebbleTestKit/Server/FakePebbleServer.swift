import Pebble

/// The fake Pebble on a unix socket: a ``FakePebble`` (processes mode by default) answering
/// HTTP/1.1 at `socketPath`, as the real daemon does at `/charm/containers/<c>/pebble.socket`.
///
/// ```swift
/// let server = try FakePebbleServer(socketPath: dir + "/pebble.socket")
/// defer { server.stop() }          // stops the services, removes the socket
/// let client = PebbleClient(socketPath: server.socketPath)
/// ```
public final class FakePebbleServer: Sendable {
    public let daemon: FakePebble
    public let socketPath: String
    private let server: UnixHTTPServer

    /// Listens at once; the socket file exists when this returns.
    public init(socketPath: String, options: FakePebble.Options = FakePebble.Options()) throws(FakePebbleError) {
        let daemon = FakePebble(options: options)
        self.daemon = daemon
        self.socketPath = socketPath
        do {
            server = try UnixHTTPServer(socketPath: socketPath) { request in
                Self.response(daemon.respond(to: Self.request(request), peerUID: request.peer.map { UInt32($0.uid) }))
            }
        } catch {
            throw FakePebbleError(.socket, "cannot listen at \(socketPath): \(error)")
        }
        server.start()
    }

    /// Stops answering, stops every service (SIGTERM, SIGKILL after the kill delay) and removes
    /// the socket. Idempotent.
    public func stop() {
        server.stop()
        daemon.shutdown()
    }

    static func request(_ r: HTTPServerRequest) -> PebbleRequest {
        PebbleRequest(method: r.method, path: r.path, query: r.query.map { .init($0.name, $0.value) },
                      headers: r.headers.map { .init($0.name, $0.value) }, body: r.body)
    }

    static func response(_ r: PebbleResponse) -> HTTPServerResponse {
        HTTPServerResponse(status: r.statusCode, headers: r.headers.map { (name: $0.name, value: $0.value) }, body: r.body)
    }
}
