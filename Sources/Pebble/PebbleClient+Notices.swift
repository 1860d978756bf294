import JujuJSON

extension PebbleClient {
    /// `POST /v1/notices`: records a custom notice (`key` like `example.com/db-ready`); Juju
    /// turns it into a `<container>-pebble-custom-notice` hook. Returns the notice's id.
    @discardableResult
    public func notify(key: String, data: [String: String] = [:], repeatAfter: Duration? = nil) throws(PebbleError) -> String {
        var body: [String: JSONValue] = ["action": "add", "type": "custom", "key": .string(key)]
        if !data.isEmpty { body["data"] = .object(data.mapValues { .string($0) }) }
        if let repeatAfter { body["repeat-after"] = .string(GoDuration.format(repeatAfter)) }
        let result = try sync("POST", "/v1/notices", body: .object(body))
        return try result.pebbleObject("notice added").required("id", in: "notice added")
    }

    /// `GET /v1/notices/<id>`.
    public func notice(_ id: String) throws(PebbleError) -> Notice {
        try Notice(json: try sync("GET", "/v1/notices/\(URLEncoding.pathEncode(id))"))
    }

    /// `GET /v1/notices`: the notices visible to this process's user, oldest repeat first,
    /// filtered by type, key and time (`after`: RFC 3339); `userID` and `allUsers` need an admin.
    public func notices(types: [NoticeType] = [], keys: [String] = [], after: String? = nil, userID: UInt32? = nil,
                        allUsers: Bool = false) throws(PebbleError) -> [Notice] {
        var query: [PebbleRequest.QueryItem] = []
        if allUsers { query.append(.init("users", "all")) }
        if let userID { query.append(.init("user-id", String(userID))) }
        if !types.isEmpty { query.append(.init("types", types.map(\.rawValue).joined(separator: ","))) }
        if !keys.isEmpty { query.append(.init("keys", keys.joined(separator: ","))) }
        if let after { query.append(.init("after", after)) }
        var notices: [Notice] = []
        for item in try sync("GET", "/v1/notices", query: query).pebbleArray("notices") { notices.append(try Notice(json: item)) }
        return notices
    }
}
