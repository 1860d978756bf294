import JujuJSON

/// A notice: something that happened in Pebble, recorded once per (type, key) with a count.
public struct Notice: Sendable, Hashable {
    public var id: String
    /// The uid the notice belongs to; `nil` for public notices.
    public var userID: UInt32?
    public var type: NoticeType
    /// For custom notices `example.com/path`; for change-update notices the change id.
    public var key: String
    public var firstOccurred: String
    public var lastOccurred: String
    /// When it last counted as new (`repeat-after` holds repeats back).
    public var lastRepeated: String
    public var occurrences: Int
    public var lastData: [String: String]
    public var repeatAfter: Duration?
    public var expireAfter: Duration?

    public init(id: String, userID: UInt32? = nil, type: NoticeType, key: String, firstOccurred: String,
                lastOccurred: String, lastRepeated: String, occurrences: Int = 1, lastData: [String: String] = [:],
                repeatAfter: Duration? = nil, expireAfter: Duration? = nil) {
        self.id = id
        self.userID = userID
        self.type = type
        self.key = key
        self.firstOccurred = firstOccurred
        self.lastOccurred = lastOccurred
        self.lastRepeated = lastRepeated
        self.occurrences = occurrences
        self.lastData = lastData
        self.repeatAfter = repeatAfter
        self.expireAfter = expireAfter
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("notice")
        id = try o.required("id", in: "notice")
        userID = try o.int("user-id", in: "notice").flatMap(UInt32.init(exactly:))
        type = NoticeType(rawValue: try o.required("type", in: "notice"))
        key = try o.required("key", in: "notice")
        firstOccurred = try o.required("first-occurred", in: "notice")
        lastOccurred = try o.required("last-occurred", in: "notice")
        lastRepeated = try o.required("last-repeated", in: "notice")
        occurrences = try o.int("occurrences", in: "notice") ?? 0
        lastData = try o.stringMap("last-data", in: "notice")
        repeatAfter = try o.optionalString("repeat-after", in: "notice").flatMap(GoDuration.parse)
        expireAfter = try o.optionalString("expire-after", in: "notice").flatMap(GoDuration.parse)
    }

    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "user-id": userID.map { .number(JSONNumber($0)) } ?? .null, "type": .string(type.rawValue),
            "key": .string(key), "first-occurred": .string(firstOccurred), "last-occurred": .string(lastOccurred),
            "last-repeated": .string(lastRepeated), "occurrences": .number(JSONNumber(occurrences)),
        ]
        if !lastData.isEmpty { o["last-data"] = .object(lastData.mapValues { .string($0) }) }
        if let repeatAfter { o["repeat-after"] = .string(GoDuration.format(repeatAfter)) }
        if let expireAfter { o["expire-after"] = .string(GoDuration.format(expireAfter)) }
        return .object(o)
    }
}
