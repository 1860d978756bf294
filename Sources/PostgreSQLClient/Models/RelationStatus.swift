/// One entry of the provider's `status` list: `{"code": 4001, "message": ..., "resolution": ...}`.
///
/// Codes are grouped by thousands: 1xxx informational, 4xxx transitory, 5xxx fatal.
public struct RelationStatus: Codable, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var resolution: String

    public init(code: Int, message: String, resolution: String) {
        self.code = code
        self.message = message
        self.resolution = resolution
    }

    public var isInformational: Bool { code / 1000 == 1 }
    public var isTransitory: Bool { code / 1000 == 4 }
    public var isFatal: Bool { code / 1000 == 5 }
}
