import JujuJSON

/// A file, directory or other entry, as `GET /v1/files?action=list` answers (ops' `FileInfo`).
public struct FileInfo: Sendable, Hashable {
    public var path: String
    public var name: String
    public var type: FileType
    /// The size in bytes, for regular files.
    public var size: Int?
    /// The permission bits (`0o644`).
    public var permissions: Int
    /// RFC 3339 modification time.
    public var lastModified: String
    public var userID: Int?
    public var user: String
    public var groupID: Int?
    public var group: String

    public init(path: String, name: String, type: FileType, size: Int? = nil, permissions: Int, lastModified: String,
                userID: Int? = nil, user: String = "", groupID: Int? = nil, group: String = "") {
        self.path = path
        self.name = name
        self.type = type
        self.size = size
        self.permissions = permissions
        self.lastModified = lastModified
        self.userID = userID
        self.user = user
        self.groupID = groupID
        self.group = group
    }

    public init(json: JSONValue) throws(PebbleError) {
        let o = try json.pebbleObject("file info")
        path = try o.required("path", in: "file info")
        name = try o.required("name", in: "file info")
        type = FileType(rawValue: try o.required("type", in: "file info"))
        size = try o.int("size", in: "file info")
        let mode = try o.required("permissions", in: "file info")
        // Octal digits only (`Int(_:radix:)` would also take a sign), at most the 12 mode bits
        // (Pebble writes the 9 permission bits as 3 digits).
        guard !mode.isEmpty, mode.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
              let bits = Int(mode, radix: 8), bits <= 0o7777 else {
            throw PebbleError(.protocolError, message: "file info: permissions \"\(mode)\" are not octal mode bits")
        }
        permissions = bits
        lastModified = try o.optionalString("last-modified", in: "file info") ?? ""
        userID = try o.int("user-id", in: "file info")
        user = try o.optionalString("user", in: "file info") ?? ""
        groupID = try o.int("group-id", in: "file info")
        group = try o.optionalString("group", in: "file info") ?? ""
    }

    /// The entry as Pebble writes it (`size` only for regular files, permissions as 3 octal digits,
    /// 4 when setuid, setgid or sticky bits are set, which Pebble itself leaves out).
    public var jsonValue: JSONValue {
        var octal = String(permissions & 0o7777, radix: 8)
        while octal.count < 3 { octal = "0" + octal }
        var o: [String: JSONValue] = [
            "path": .string(path), "name": .string(name), "type": .string(type.rawValue), "permissions": .string(octal),
            "last-modified": .string(lastModified), "user-id": userID.map { .number(JSONNumber($0)) } ?? .null,
            "user": .string(user), "group-id": groupID.map { .number(JSONNumber($0)) } ?? .null, "group": .string(group),
        ]
        o.set("size", size)
        return .object(o)
    }
}
