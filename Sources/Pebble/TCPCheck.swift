/// A TCP check: a connection to `host` (default `localhost`) and `port` must open.
public struct TCPCheck: Sendable, Hashable {
    public var port: Int
    public var host: String

    public init(port: Int = 0, host: String = "") {
        self.port = port
        self.host = host
    }
}
