import JujuJSON

extension PebbleClient {
    /// `GET /v1/checks`: the checks' statuses (of `level` and `names`, when given), sorted by name.
    public func checks(level: CheckLevel = .unset, names: [String] = []) throws(PebbleError) -> [CheckInfo] {
        var query: [PebbleRequest.QueryItem] = []
        if level != .unset { query.append(.init("level", level.rawValue)) }
        if !names.isEmpty { query.append(.init("names", names.joined(separator: ","))) }
        var infos: [CheckInfo] = []
        for item in try sync("GET", "/v1/checks", query: query).pebbleArray("checks") { infos.append(try CheckInfo(json: item)) }
        return infos
    }

    /// `POST /v1/checks` `start`: starts stopped checks; returns those it started.
    @discardableResult
    public func startChecks(_ names: [String]) throws(PebbleError) -> [String] {
        try checksAction("start", names)
    }

    /// `POST /v1/checks` `stop`: stops running checks; returns those it stopped.
    @discardableResult
    public func stopChecks(_ names: [String]) throws(PebbleError) -> [String] {
        try checksAction("stop", names)
    }

    /// `POST /v1/checks/refresh`: runs a check now; returns its status and the error of this run, if any.
    public func refreshCheck(_ name: String) throws(PebbleError) -> (info: CheckInfo, error: String?) {
        let result = try sync("POST", "/v1/checks/refresh", body: .object(["name": .string(name)]))
        let o = try result.pebbleObject("check refresh")
        return (try CheckInfo(json: o["info"] ?? .null), try o.optionalString("error", in: "check refresh"))
    }

    private func checksAction(_ action: String, _ names: [String]) throws(PebbleError) -> [String] {
        let result = try sync("POST", "/v1/checks", body: .object(["action": .string(action), "checks": .array(names.map { .string($0) })]))
        // Pebble may answer `changed: null` when nothing changed.
        return try result.pebbleObject("checks result").strings("changed", in: "checks result")
    }
}
