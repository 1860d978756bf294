import JujuJSON

/// What `GET /v1/system-info` answers.
public struct SystemInfo: Sendable, Hashable {
    /// Pebble's version.
    public var version: String
    /// The boot id of the machine Pebble runs on.
    public var bootID: String
    /// The HTTP address Pebble also listens on, if any.
    public var httpAddress: String?

    public init(version: String, bootID: String = "", httpAddress: String? = nil) {
        self.version = version
        self.bootID = bootID
        self.httpAddress = httpAddress
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("system info")
        version = try o.required("version", in: "system info")
        bootID = try o.optionalString("boot-id", in: "system info") ?? ""
        httpAddress = try o.optionalString("http-address", in: "system info")
    }

    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["version": .string(version), "boot-id": .string(bootID)]
        o.set("http-address", httpAddress)
        return .object(o)
    }
}
