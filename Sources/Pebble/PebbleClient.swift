import JujuJSON

/// A Pebble client for charms: the calls of ops' `pebble.Client` and `Container`, typed, with
/// typed errors and a deadline on every call. No Foundation: a hook process that uses it still
/// starts in a few milliseconds.
///
/// ```swift
/// let pebble = PebbleClient(container: "demo-server")     // /charm/containers/demo-server/pebble.socket
/// guard pebble.canConnect() else { return }               // Pebble not up yet: wait for pebble-ready
/// try pebble.addLayer(label: "fastapi_demo", layer: layer, combine: true)
/// try pebble.replan()                                     // restarts what changed, waits for it
/// ```
///
/// Exec (`/v1/exec` and its websockets) is not covered.
public struct PebbleClient: Sendable {
    /// How requests reach Pebble.
    public let transport: any PebbleTransport
    /// The longest one HTTP request may take (ops: 5 s). Waiting for a change can take longer:
    /// it is made of several requests, each within this timeout.
    public var timeout: Duration

    /// Where Juju mounts the workload containers' Pebble sockets in a charm container.
    public static let defaultContainersDirectory = "/charm/containers"

    /// A client for Pebble's socket at `socketPath`.
    public init(socketPath: String, timeout: Duration = .seconds(5)) {
        self.init(transport: UnixSocketTransport(socketPath: socketPath), timeout: timeout)
    }

    /// A client for the workload container `container`, at
    /// `<containersDirectory>/<container>/pebble.socket` as Juju lays it out.
    public init(container: String, containersDirectory: String = PebbleClient.defaultContainersDirectory,
                timeout: Duration = .seconds(5)) {
        self.init(socketPath: "\(containersDirectory)/\(container)/pebble.socket", timeout: timeout)
    }

    /// A client over any transport (the test kit's in-memory Pebble, for one).
    public init(transport: any PebbleTransport, timeout: Duration = .seconds(5)) {
        self.transport = transport
        self.timeout = timeout
    }

    // MARK: - System

    /// `GET /v1/system-info`.
    public func systemInfo() throws(PebbleError) -> SystemInfo {
        try SystemInfo(json: try sync("GET", "/v1/system-info"))
    }

    /// Whether Pebble answers now, as ops' `Container.can_connect()`: `false` on a connection
    /// error, a timeout, an API error or an answer that is not Pebble's. A point in time only:
    /// Pebble may go away right after, so calls must still handle ``PebbleError``.
    public func canConnect() -> Bool {
        do {
            _ = try systemInfo()
            return true
        } catch {
            return false
        }
    }

    /// `GET /v1/health`: `true` when every check (of `level`, if given) is up. Pebble answers 502
    /// when one is down; that is `false` here, not an error.
    public func health(level: CheckLevel = .unset, names: [String] = []) throws(PebbleError) -> Bool {
        var query: [PebbleRequest.QueryItem] = []
        if level != .unset { query.append(.init("level", level.rawValue)) }
        if !names.isEmpty { query.append(.init("names", names.joined(separator: ","))) }
        do {
            let result = try sync("GET", "/v1/health", query: query)
            return result["healthy"]?.boolValue ?? false
        } catch where error.code == .api && error.statusCode == 502 {
            return false
        }
    }

    // MARK: - Requests

    /// Sends a request and returns the whole JSON envelope (`type`, `status-code`, `result`, ...),
    /// or throws ``PebbleError/Code/api`` for an error answer.
    public func request(_ method: String, _ path: String, query: [PebbleRequest.QueryItem] = [], body: JSONValue? = nil,
                        timeout: Duration? = nil) throws(PebbleError) -> [String: JSONValue] {
        var request = PebbleRequest(method: method, path: path, query: query, headers: [.init("Accept", "application/json")])
        if let body {
            request.headers.append(.init("Content-Type", "application/json"))
            request.body = Array(body.serialized().utf8)
        }
        let response = try transport.roundTrip(request, deadline: ContinuousClock.now + (timeout ?? self.timeout))
        return try envelope(response)
    }

    /// The `result` of a sync answer.
    func sync(_ method: String, _ path: String, query: [PebbleRequest.QueryItem] = [], body: JSONValue? = nil,
              timeout: Duration? = nil) throws(PebbleError) -> JSONValue {
        let envelope = try request(method, path, query: query, body: body, timeout: timeout)
        return envelope["result"] ?? .null
    }

    /// The change id of an async answer.
    func async(_ method: String, _ path: String, body: JSONValue) throws(PebbleError) -> String {
        let envelope = try request(method, path, body: body)
        guard let change = envelope["change"]?.stringValue, !change.isEmpty else {
            throw PebbleError(.protocolError, message: "\(method) \(path): the answer names no change (type \(envelope["type"]?.stringValue ?? "missing"))")
        }
        return change
    }

    /// Checks the envelope of a JSON answer; error answers become ``PebbleError/Code/api``.
    func envelope(_ response: PebbleResponse) throws(PebbleError) -> [String: JSONValue] {
        if response.statusCode >= 400 {
            throw Self.apiError(response)
        }
        try Self.requireContentType(response, "application/json")
        let json: JSONValue
        do {
            json = try JSONParser().parse(bytes: response.body)
        } catch {
            throw PebbleError(.protocolError, message: "Pebble's answer is not JSON: \(error)")
        }
        guard let object = json.objectValue else {
            throw PebbleError(.protocolError, message: "Pebble's answer is a JSON \(json.kindName), not an object")
        }
        if object["type"]?.stringValue == "error" {
            throw Self.apiError(response, object)
        }
        return object
    }

    static func apiError(_ response: PebbleResponse, _ parsed: [String: JSONValue]? = nil) -> PebbleError {
        let object = parsed ?? (try? JSONParser().parse(bytes: response.body))?.objectValue
        let code = object?["status-code"]?.numberValue?.intValue ?? response.statusCode
        let status = object?["status"]?.stringValue ?? response.reason
        guard let result = object?["result"]?.objectValue, let message = result["message"]?.stringValue else {
            let preview = String(decoding: response.body.prefix(200), as: UTF8.self)
            return PebbleError(.api, message: "Pebble answered \(response.statusCode) \(response.reason) without an error message (body: \(preview.isEmpty ? "empty" : "\"\(preview)\""))",
                               statusCode: code, status: status)
        }
        return PebbleError(.api, message: message, statusCode: code, status: status, kind: result["kind"]?.stringValue)
    }

    static func requireContentType(_ response: PebbleResponse, _ expected: String) throws(PebbleError) {
        let type = response.header("content-type") ?? ""
        let media = type.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
        guard media == expected else {
            throw PebbleError(.protocolError, message: "expected Content-Type '\(expected)', got '\(type)'")
        }
    }
}
