import JujuJSON

extension PebbleClient {
    /// `GET /v1/services`: the plan's services (only `names`, when given), sorted by name.
    public func services(names: [String] = []) throws(PebbleError) -> [ServiceInfo] {
        let query: [PebbleRequest.QueryItem] = names.isEmpty ? [] : [.init("names", names.joined(separator: ","))]
        var infos: [ServiceInfo] = []
        for item in try sync("GET", "/v1/services", query: query).pebbleArray("services") {
            infos.append(try ServiceInfo(json: item))
        }
        return infos
    }

    /// One service's status, or ``PebbleError/Code/notFound`` when the plan has none of that name.
    public func service(_ name: String) throws(PebbleError) -> ServiceInfo {
        guard let info = try services(names: [name]).first(where: { $0.name == name }) else {
            throw PebbleError(.notFound, message: "service \"\(name)\" not found in the plan")
        }
        return info
    }

    /// Starts services (and what they require) and waits for them, unless `timeout` is zero.
    /// Throws ``PebbleError/Code/change`` when one did not start (it exited within a second).
    @discardableResult
    public func start(_ names: [String], timeout: Duration = .seconds(30)) throws(PebbleError) -> String {
        try servicesAction("start", names, timeout: timeout)
    }

    /// Stops services (and those that require them) and waits, unless `timeout` is zero.
    @discardableResult
    public func stop(_ names: [String], timeout: Duration = .seconds(30)) throws(PebbleError) -> String {
        try servicesAction("stop", names, timeout: timeout)
    }

    /// Restarts services: running ones are stopped and started, stopped ones started. Against a
    /// Pebble too old for the `restart` action, stops the running ones and starts them all, as
    /// ops' `Container.restart` does.
    @discardableResult
    public func restart(_ names: [String], timeout: Duration = .seconds(30)) throws(PebbleError) -> String {
        do {
            return try servicesAction("restart", names, timeout: timeout)
        } catch where error.code == .api && error.statusCode == 400 && error.message.hasPrefix("invalid action") {
            let running = try services(names: names).filter(\.isRunning).map(\.name)
            if !running.isEmpty { _ = try servicesAction("stop", running, timeout: timeout) }
            return try servicesAction("start", names, timeout: timeout)
        }
    }

    /// Replans: stops and starts the services whose configuration changed since they started,
    /// and starts every `startup: enabled` service not running; waits unless `timeout` is zero.
    @discardableResult
    public func replan(timeout: Duration = .seconds(30)) throws(PebbleError) -> String {
        try servicesAction("replan", [], timeout: timeout)
    }

    /// Starts the `startup: enabled` services; waits unless `timeout` is zero.
    @discardableResult
    public func autostart(timeout: Duration = .seconds(30)) throws(PebbleError) -> String {
        try servicesAction("autostart", [], timeout: timeout)
    }

    /// `POST /v1/signals`: sends a signal (`SIGHUP`, `SIGUSR1`, ...) to the services' processes.
    public func sendSignal(_ signal: String, services: [String]) throws(PebbleError) {
        let body: JSONValue = .object(["signal": .string(signal), "services": .array(services.map { .string($0) })])
        _ = try sync("POST", "/v1/signals", body: body)
    }

    func servicesAction(_ action: String, _ names: [String], timeout: Duration) throws(PebbleError) -> String {
        let body: JSONValue = .object(["action": .string(action), "services": .array(names.map { .string($0) })])
        let id = try async("POST", "/v1/services", body: body)
        if timeout > .zero {
            let change = try waitChange(id, timeout: timeout)
            if let err = change.err, !err.isEmpty {
                throw PebbleError(.change, message: err, change: change)
            }
        }
        return id
    }
}
