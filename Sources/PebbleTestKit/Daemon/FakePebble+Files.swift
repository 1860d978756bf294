#if canImport(Glibc)
import Glibc
#endif
import JujuJSON
import Pebble

/// `/v1/files` (internals/daemon/api_files.go).
extension FakePebble {
    var fileOperations: FileOperations { FileOperations(root: options.filesRoot) }

    func getFiles(_ request: PebbleRequest) -> PebbleResponse {
        let action = request.queryValue("action") ?? ""
        switch action {
        case "read":
            let paths = request.query.filter { $0.name == "path" }.map(\.value)
            guard !paths.isEmpty else { return APIResponses.badRequest("must specify one or more paths") }
            guard request.header("Accept") == "multipart/form-data" else { return APIResponses.badRequest("must accept multipart/form-data") }
            return readFiles(paths)
        case "list":
            let path = request.queryValue("path") ?? ""
            guard !path.isEmpty else { return APIResponses.badRequest("must specify path") }
            let itself = request.queryValue("itself") ?? ""
            guard ["true", "false", ""].contains(itself) else { return APIResponses.badRequest("itself parameter must be \"true\" or \"false\"") }
            guard path.hasPrefix("/") else { return APIResponses.badRequest("path must be absolute, got \(PebbleQuoting.quote(path))") }
            do throws(FileOperations.Failure) {
                let infos = try fileOperations.list(path, pattern: request.queryValue("pattern") ?? "", itself: itself == "true")
                return APIResponses.sync(.array(infos.map(\.jsonValue)))
            } catch {
                return APIResponses.error(error.status, error.message, kind: error.kind)
            }
        default:
            return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))")
        }
    }

    /// The multipart answer: a `files` part per readable path, then the `response` part, laid
    /// out as Go's `mime/multipart` writer does (headers sorted, 60-digit boundary).
    func readFiles(_ paths: [String]) -> PebbleResponse {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        let boundary = String((0..<60).map { _ in digits[Int(generator.next() % 16)] })
        var body: [UInt8] = []
        var first = true
        func startPart(_ headers: String) {
            body += Array(((first ? "" : "\r\n") + "--\(boundary)\r\n" + headers + "\r\n").utf8)
            first = false
        }
        var results: [JSONValue] = []
        for path in paths {
            do throws(FileOperations.Failure) {
                let content = try fileOperations.read(path)
                let escaped = Self.escapeQuoted(path)
                startPart("Content-Disposition: form-data; name=\"files\"; filename=\"\(escaped)\"\r\nContent-Type: application/octet-stream\r\n")
                body += content
                results.append(.object(["path": .string(path)]))
            } catch {
                results.append(.object(["path": .string(path), "error": .object(["message": .string(error.message), "kind": .string(error.kind)])]))
            }
        }
        startPart("Content-Disposition: form-data; name=\"response\"\r\nContent-Type: application/json\r\n")
        let envelope: JSONValue = .object(["type": "sync", "status-code": 200, "status": "OK", "result": .array(results)])
        body += Array((envelope.serialized() + "\n").utf8)
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return PebbleResponse(statusCode: 200, reason: "OK", headers: [.init("content-type", "multipart/form-data; boundary=\(boundary)")],
                              body: body)
    }

    func postFiles(_ request: PebbleRequest) -> PebbleResponse {
        let contentType = request.header("Content-Type") ?? ""
        let media = contentType.split(separator: ";").first.map { String($0).trimmingSpacesAndNewlines().lowercased() } ?? ""
        switch media {
        case "multipart/form-data":
            let boundary = Multipart.parameters(contentType)["boundary"] ?? ""
            guard boundary.utf8.count >= 32 else { return APIResponses.badRequest("invalid boundary \(PebbleQuoting.quote(boundary))") }
            return writeFiles(request.body, boundary: boundary)
        case "application/json":
            do throws(ResponseError) {
                let body = try RequestBody.decode(request.body, prefix: "cannot decode request body").get()
                let action = try body.string("action")
                switch action {
                case "make-dirs": return makeDirs(try body.objects("dirs"))
                case "remove": return removePaths(try body.objects("paths"))
                case "write": return APIResponses.badRequest("must use multipart with \"write\" action")
                default: return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))")
                }
            } catch {
                return error.response
            }
        default:
            if media.isEmpty && contentType.isEmpty { return APIResponses.badRequest("invalid Content-Type \"\"") }
            return APIResponses.badRequest("invalid media type \(PebbleQuoting.quote(media))")
        }
    }

    func writeFiles(_ body: [UInt8], boundary: String) -> PebbleResponse {
        guard let parts = Multipart.parse(body, boundary: boundary), let metadata = parts.first else {
            return APIResponses.badRequest("cannot read request metadata: multipart: NextPart: EOF")
        }
        guard metadata.formName == "request" else {
            return APIResponses.badRequest("metadata field name must be \"request\", got \(PebbleQuoting.quote(metadata.formName ?? ""))")
        }
        let items: [[String: JSONValue]]
        do throws(ResponseError) {
            let request = try RequestBody.decode(metadata.body, prefix: "cannot decode request metadata").get()
            let action = try request.string("action")
            guard action == "write" else { return APIResponses.badRequest("multipart action must be \"write\", got \(PebbleQuoting.quote(action))") }
            items = try request.objects("files")
        } catch {
            return error.response
        }
        guard !items.isEmpty else { return APIResponses.badRequest("must specify one or more files") }
        var infos: [String: [String: JSONValue]] = [:]
        for item in items { infos[item["path"]?.stringValue ?? ""] = item }
        var errors: [String: FileOperations.Failure?] = [:]
        for part in parts.dropFirst() {
            guard part.formName == "files" else {
                return APIResponses.badRequest("field name must be \"files\", got \(PebbleQuoting.quote(part.formName ?? ""))")
            }
            let path = part.fileName ?? ""
            guard let info = infos[path] else {
                return APIResponses.badRequest("no metadata for path \(PebbleQuoting.quote(path))")
            }
            errors[path] = .some(writeFile(info, part.body))
        }
        let results: [JSONValue] = items.map { item in
            let path = item["path"]?.stringValue ?? ""
            let failure: FileOperations.Failure?
            if let recorded = errors[path] { failure = recorded } else {
                failure = FileOperations.Failure(message: "no file content for path \(PebbleQuoting.quote(path))", errno: EINVAL)
            }
            return Self.fileResult(path, failure)
        }
        return APIResponses.sync(.array(results))
    }

    func writeFile(_ item: [String: JSONValue], _ content: [UInt8]) -> FileOperations.Failure? {
        let path = item["path"]?.stringValue ?? ""
        do throws(FileOperations.Failure) {
            try FileOperations.requireAbsolute(path)
            let ids = try Self.ownership(item)
            try fileOperations.write(path, content, makeDirs: item["make-dirs"]?.boolValue ?? false,
                                     permissions: item["permissions"]?.stringValue ?? "", ids: ids)
            return nil
        } catch {
            return error
        }
    }

    func makeDirs(_ items: [[String: JSONValue]]) -> PebbleResponse {
        APIResponses.sync(.array(items.map { item in
            let path = item["path"]?.stringValue ?? ""
            do throws(FileOperations.Failure) {
                try FileOperations.requireAbsolute(path)
                let mode = item["permissions"]?.stringValue ?? ""
                _ = try FileOperations.parsePermissions(mode, default: 0o755)
                let ids = try Self.ownership(item)
                try fileOperations.makeDirectory(path, makeParents: item["make-parents"]?.boolValue ?? false, permissions: mode, ids: ids)
                return Self.fileResult(path, nil)
            } catch {
                return Self.fileResult(path, error)
            }
        }))
    }

    func removePaths(_ items: [[String: JSONValue]]) -> PebbleResponse {
        APIResponses.sync(.array(items.map { item in
            let path = item["path"]?.stringValue ?? ""
            do throws(FileOperations.Failure) {
                try fileOperations.remove(path, recursive: item["recursive"]?.boolValue ?? false)
                return Self.fileResult(path, nil)
            } catch {
                return Self.fileResult(path, error)
            }
        }))
    }

    static func ownership(_ item: [String: JSONValue]) throws(FileOperations.Failure) -> (uid: UInt32, gid: UInt32)? {
        do {
            return try Accounts.normalize(userID: item["user-id"]?.numberValue?.intValue, groupID: item["group-id"]?.numberValue?.intValue,
                                          user: item["user"]?.stringValue ?? "", group: item["group"]?.stringValue ?? "")
        } catch {
            throw FileOperations.Failure(message: "cannot look up user and group: \(error.message)", errno: EINVAL)
        }
    }

    /// Backslashes and double quotes escaped, as Go's multipart writer escapes a file name.
    static func escapeQuoted(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "\\" || c == "\"" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func fileResult(_ path: String, _ failure: FileOperations.Failure?) -> JSONValue {
        var result: [String: JSONValue] = ["path": .string(path)]
        if let failure { result["error"] = .object(["message": .string(failure.message), "kind": .string(failure.kind)]) }
        return .object(result)
    }
}
