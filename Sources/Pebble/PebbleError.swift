/// Why a Pebble call failed. Every client call throws only this type, within its deadline.
///
/// ``code`` says what kind of failure it is, as ops distinguishes `ConnectionError`, `APIError`,
/// `ChangeError`, `TimeoutError`, `ProtocolError` and `PathError`:
///
/// ```swift
/// do {
///     try client.restart(["fastapi-service"])
/// } catch where error.code == .connection {
///     // Pebble is not up yet (the socket is missing or refuses): wait for pebble-ready.
/// } catch where error.code == .change {
///     // The service did not start: error.change has the tasks and their logs.
/// }
/// ```
public struct PebbleError: Error, Sendable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The socket is missing, refuses connections, or the connection broke before an answer.
        public static let connection = Code(rawValue: "pebble-connection")
        /// Pebble answered with an error (``statusCode``, ``kind``, ``message``).
        public static let api = Code(rawValue: "pebble-api")
        /// A change Pebble ran failed: ``change`` holds it, ``message`` its `err`.
        public static let change = Code(rawValue: "pebble-change")
        /// The call or the wait for a change did not finish before its deadline.
        public static let timeout = Code(rawValue: "pebble-timeout")
        /// The answer was not what Pebble sends: truncated, not JSON, the wrong type, too large.
        public static let protocolError = Code(rawValue: "pebble-protocol")
        /// A file operation failed for ``path`` (``kind``: `not-found`, `permission-denied`, ...).
        public static let path = Code(rawValue: "pebble-path")
        /// The plan has no service of that name (lookups by name, as ops' `Container.get_service`).
        public static let notFound = Code(rawValue: "pebble-not-found")
        /// A layer's YAML could not be read.
        public static let invalidLayer = Code(rawValue: "pebble-invalid-layer")
    }

    public var code: Code
    /// What happened and, where it helps, what to do.
    public var message: String
    /// The HTTP status, for ``Code/api`` (and 200 for a per-path file error).
    public var statusCode: Int?
    /// The HTTP status text Pebble sent (`Bad Request`).
    public var status: String?
    /// Pebble's error kind (`not-found`, `permission-denied`, `generic-file-error`, `no-default-services`, ...).
    public var kind: String?
    /// The failed change, for ``Code/change``.
    public var change: Change?
    /// The file, for ``Code/path``.
    public var path: String?

    public init(_ code: Code, message: String, statusCode: Int? = nil, status: String? = nil, kind: String? = nil,
                change: Change? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.statusCode = statusCode
        self.status = status
        self.kind = kind
        self.change = change
        self.path = path
    }

    public var description: String {
        switch code {
        case .api:
            return "Pebble API error \(statusCode.map(String.init) ?? "?")\(status.map { " " + $0 } ?? ""): \(message)"
        case .path:
            return "Pebble path error \(kind ?? "?") for \(path ?? "?"): \(message)"
        default:
            return "Pebble \(code.rawValue.dropFirst(7)) error: \(message)"
        }
    }
}
