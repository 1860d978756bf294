import JujuJSON

extension PebbleClient {
    /// `POST /v1/files` (multipart): writes `content` to `path` in the container, atomically.
    /// `permissions` default to Pebble's 0o644; with `makeDirectories` the parents are created
    /// (0o755). Ownership: a user (name or id) and optionally a group; Pebble refuses a group alone.
    public func push(_ path: String, _ content: [UInt8], makeDirectories: Bool = false, permissions: Int? = nil,
                     userID: Int? = nil, user: String? = nil, groupID: Int? = nil, group: String? = nil) throws(PebbleError) {
        var info = Self.ownership(permissions: permissions, userID: userID, user: user, groupID: groupID, group: group)
        info["path"] = .string(path)
        if makeDirectories { info["make-dirs"] = .bool(true) }
        let metadata: JSONValue = .object(["action": "write", "files": .array([.object(info)])])
        let boundary = Multipart.makeBoundary()
        let body = Multipart.build(boundary: boundary, parts: [
            ("request", nil, "application/json", Array(metadata.serialized().utf8)),
            ("files", path, "application/octet-stream", content),
        ])
        let request = PebbleRequest(method: "POST", path: "/v1/files", headers: [
            .init("Accept", "application/json"), .init("Content-Type", "multipart/form-data; boundary=\"\(boundary)\""),
        ], body: body)
        let response = try transport.roundTrip(request, deadline: ContinuousClock.now + timeout)
        try Self.raiseOnPathError(try envelope(response)["result"] ?? .null, path: path)
    }

    /// Writes `text` as UTF-8 to `path` (see ``push(_:_:makeDirectories:permissions:userID:user:groupID:group:)``).
    public func push(_ path: String, text: String, makeDirectories: Bool = false, permissions: Int? = nil,
                     userID: Int? = nil, user: String? = nil, groupID: Int? = nil, group: String? = nil) throws(PebbleError) {
        try push(path, Array(text.utf8), makeDirectories: makeDirectories, permissions: permissions, userID: userID,
                 user: user, groupID: groupID, group: group)
    }

    /// `GET /v1/files?action=read`: the bytes of the file at `path`. A missing file, a directory
    /// or a permission problem is ``PebbleError/Code/path`` with Pebble's kind and message.
    public func pull(_ path: String) throws(PebbleError) -> [UInt8] {
        let request = PebbleRequest(method: "GET", path: "/v1/files", query: [.init("action", "read"), .init("path", path)],
                                    headers: [.init("Accept", "multipart/form-data")])
        let response = try transport.roundTrip(request, deadline: ContinuousClock.now + timeout)
        if response.statusCode >= 400 { throw Self.apiError(response) }
        try Self.requireContentType(response, "multipart/form-data")
        guard let boundary = Multipart.boundary(contentType: response.header("content-type") ?? ""), !boundary.isEmpty else {
            throw PebbleError(.protocolError, message: "invalid boundary in '\(response.header("content-type") ?? "")'")
        }
        guard let parts = Multipart.parse(response.body, boundary: boundary) else {
            throw PebbleError(.protocolError, message: "the multipart answer to a pull of \(path) is malformed")
        }
        guard let metadata = parts.first(where: { $0.formName == "response" }) else {
            throw PebbleError(.protocolError, message: "no \"response\" field in the multipart answer")
        }
        let envelope: JSONValue
        do { envelope = try JSONParser().parse(bytes: metadata.body) } catch {
            throw PebbleError(.protocolError, message: "the \"response\" field is not JSON: \(error)")
        }
        try Self.raiseOnPathError(envelope["result"] ?? .null, path: path)
        let files = parts.filter { $0.formName == "files" }
        guard let file = files.first else { throw PebbleError(.protocolError, message: "no file content in the multipart answer") }
        guard files.count == 1 else { throw PebbleError(.protocolError, message: "a single-file pull answered with \(files.count) files") }
        guard file.fileName == path else {
            throw PebbleError(.protocolError, message: "the answer holds \(file.fileName ?? "no file name"), not \(path)")
        }
        return file.body
    }

    /// The file at `path` as UTF-8 text (invalid bytes become U+FFFD).
    public func pullText(_ path: String) throws(PebbleError) -> String {
        String(decoding: try pull(path), as: UTF8.self)
    }

    /// `GET /v1/files?action=list`: the entries of a directory (matching `pattern`, a glob), or
    /// the file or directory itself with `itself`. Errors are ``PebbleError/Code/path``.
    public func listFiles(_ path: String, pattern: String? = nil, itself: Bool = false) throws(PebbleError) -> [FileInfo] {
        var query: [PebbleRequest.QueryItem] = [.init("action", "list"), .init("path", path)]
        if let pattern, !pattern.isEmpty { query.append(.init("pattern", pattern)) }
        if itself { query.append(.init("itself", "true")) }
        do {
            var infos: [FileInfo] = []
            for item in try sync("GET", "/v1/files", query: query).pebbleArray("files") { infos.append(try FileInfo(json: item)) }
            return infos
        } catch where error.code == .api && error.kind != nil {
            throw PebbleError(.path, message: error.message, statusCode: error.statusCode, status: error.status, kind: error.kind, path: path)
        }
    }

    /// Whether something exists at `path` (as ops' `Container.exists`).
    public func exists(_ path: String) throws(PebbleError) -> Bool {
        do {
            _ = try listFiles(path, itself: true)
            return true
        } catch where error.code == .path && error.kind == "not-found" {
            return false
        }
    }

    /// Whether `path` is a directory (as ops' `Container.isdir`).
    public func isDirectory(_ path: String) throws(PebbleError) -> Bool {
        do {
            return try listFiles(path, itself: true).first?.type == .directory
        } catch where error.code == .path && error.kind == "not-found" {
            return false
        }
    }

    /// `POST /v1/files` `make-dirs`: creates a directory (with `makeParents`, its parents too,
    /// and no error if it exists). Default permissions 0o755.
    public func makeDirectory(_ path: String, makeParents: Bool = false, permissions: Int? = nil, userID: Int? = nil,
                              user: String? = nil, groupID: Int? = nil, group: String? = nil) throws(PebbleError) {
        var info = Self.ownership(permissions: permissions, userID: userID, user: user, groupID: groupID, group: group)
        info["path"] = .string(path)
        if makeParents { info["make-parents"] = .bool(true) }
        let result = try sync("POST", "/v1/files", body: .object(["action": "make-dirs", "dirs": .array([.object(info)])]))
        try Self.raiseOnPathError(result, path: path)
    }

    /// `POST /v1/files` `remove`: removes a file or an empty directory; with `recursive`, a tree
    /// (and no error when nothing is there).
    public func removePath(_ path: String, recursive: Bool = false) throws(PebbleError) {
        var item: [String: JSONValue] = ["path": .string(path)]
        if recursive { item["recursive"] = .bool(true) }
        let result = try sync("POST", "/v1/files", body: .object(["action": "remove", "paths": .array([.object(item)])]))
        try Self.raiseOnPathError(result, path: path)
    }

    static func ownership(permissions: Int?, userID: Int?, user: String?, groupID: Int?, group: String?) -> [String: JSONValue] {
        var info: [String: JSONValue] = [:]
        if let permissions {
            var octal = String(permissions, radix: 8)
            while octal.count < 3 { octal = "0" + octal }
            info["permissions"] = .string(octal)
        }
        if let userID { info["user-id"] = .number(JSONNumber(userID)) }
        if let user { info["user"] = .string(user) }
        if let groupID { info["group-id"] = .number(JSONNumber(groupID)) }
        if let group { info["group"] = .string(group) }
        return info
    }

    /// A per-path error in a files result becomes ``PebbleError/Code/path``.
    static func raiseOnPathError(_ result: JSONValue, path: String) throws(PebbleError) {
        let items = try result.pebbleArray("files result")
        guard let item = items.first(where: { $0["path"]?.stringValue == path }) else {
            throw PebbleError(.protocolError, message: "\(path) is not in the answer's results")
        }
        if let error = item["error"]?.objectValue {
            throw PebbleError(.path, message: error["message"]?.stringValue ?? "", statusCode: 200,
                              kind: error["kind"]?.stringValue ?? "", path: path)
        }
    }
}
