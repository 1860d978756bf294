#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import JujuJSON

extension PebbleClient {
    /// `GET /v1/changes/<id>`.
    public func change(_ id: String) throws(PebbleError) -> Change {
        try Change(json: try sync("GET", "/v1/changes/\(URLEncoding.pathEncode(id))"))
    }

    /// Which changes ``changes(select:service:)`` lists.
    public enum ChangeSelection: String, Sendable {
        case all, inProgress = "in-progress", ready
    }

    /// `GET /v1/changes`: changes in progress (or all, or ready ones), optionally only those for `service`.
    public func changes(select: ChangeSelection = .inProgress, service: String? = nil) throws(PebbleError) -> [Change] {
        var query: [PebbleRequest.QueryItem] = [.init("select", select.rawValue)]
        if let service { query.append(.init("for", service)) }
        var changes: [Change] = []
        for item in try sync("GET", "/v1/changes", query: query).pebbleArray("changes") { changes.append(try Change(json: item)) }
        return changes
    }

    /// `POST /v1/changes/<id>` `{"action": "abort"}`.
    @discardableResult
    public func abortChange(_ id: String) throws(PebbleError) -> Change {
        try Change(json: try sync("POST", "/v1/changes/\(URLEncoding.pathEncode(id))", body: .object(["action": "abort"])))
    }

    /// Waits until the change is ready, for at most `timeout` (`nil`: no limit), as ops'
    /// `wait_change`: `GET /v1/changes/<id>/wait?timeout=...` in steps shorter than the request
    /// timeout, falling back to polling every `delay` when Pebble lacks the wait endpoint.
    /// Throws ``PebbleError/Code/timeout`` when the change is not ready in time; a change that
    /// finished with an error is returned (its ``Change/err`` says why), not thrown.
    public func waitChange(_ id: String, timeout: Duration? = .seconds(30), delay: Duration = .milliseconds(100)) throws(PebbleError) -> Change {
        let start = ContinuousClock.now
        let deadline = timeout.map { start + $0 }
        let path = "/v1/changes/\(URLEncoding.pathEncode(id))/wait"
        while true {
            var step = max(self.timeout - .seconds(1), .seconds(1))
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero { break }
                step = min(step, remaining)
            }
            do {
                // The request itself may take a second longer than the wait it asks for.
                let result = try sync("GET", path, query: [.init("timeout", Self.formatTimeout(step))], timeout: step + .seconds(1))
                return try Change(json: result)
            } catch where error.code == .api && error.statusCode == 404 && error.message.hasPrefix("cannot find change") == false {
                return try pollChange(id, deadline: deadline, delay: delay)
            } catch where error.code == .api && error.statusCode == 504 {
                continue
            } catch where error.code == .timeout {
                continue
            }
        }
        throw PebbleError(.timeout, message: "timed out waiting for change \(id) (\(timeout.map(Self.formatSeconds) ?? "no limit"))")
    }

    private func pollChange(_ id: String, deadline: ContinuousClock.Instant?, delay: Duration) throws(PebbleError) -> Change {
        while deadline.map({ ContinuousClock.now < $0 }) ?? true {
            let change = try self.change(id)
            if change.ready { return change }
            let (s, a) = delay.components
            usleep(UInt32(clamping: s * 1_000_000 + a / 1_000_000_000_000))
        }
        throw PebbleError(.timeout, message: "timed out waiting for change \(id)")
    }

    /// `4.000s`, as ops formats wait timeouts (Go's `time.ParseDuration` reads it).
    static func formatTimeout(_ d: Duration) -> String {
        let ms = max(GoDuration.nanoseconds(d) / 1_000_000, 0)
        let fraction = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }

    static func formatSeconds(_ d: Duration) -> String {
        "\(formatTimeout(d).dropLast()) seconds"
    }
}
