import JujuJSON
import Pebble

/// Pebble's JSON envelope (internals/daemon/response.go): `type`, `status-code`, `status`,
/// `change`, `result`.
enum APIResponses {
    static func statusText(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 202: return "Accepted"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Request Entity Too Large"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }

    static func json(_ status: Int, _ envelope: [String: JSONValue]) -> PebbleResponse {
        PebbleResponse(statusCode: status, reason: statusText(status), headers: [.init("content-type", "application/json")],
                       body: Array(JSONValue.object(envelope).serialized().utf8))
    }

    static func sync(_ result: JSONValue, status: Int = 200) -> PebbleResponse {
        json(status, ["type": "sync", "status-code": .number(JSONNumber(status)), "status": .string(statusText(status)),
                      "result": result])
    }

    static func async(change: Int) -> PebbleResponse {
        json(202, ["type": "async", "status-code": 202, "status": "Accepted", "change": .string(String(change))])
    }

    static func error(_ status: Int, _ message: String, kind: String? = nil) -> PebbleResponse {
        var result: [String: JSONValue] = ["message": .string(message)]
        if let kind { result["kind"] = .string(kind) } else if status == 401 { result["kind"] = "login-required" }
        return json(status, ["type": "error", "status-code": .number(JSONNumber(status)), "status": .string(statusText(status)),
                             "result": .object(result)])
    }

    static func badRequest(_ message: String) -> PebbleResponse { error(400, message) }
}

/// A JSON request body read as Go's `json.Decoder` reads one into a struct: missing fields are
/// zero values, a field of the wrong type is an error.
struct RequestBody {
    let fields: [String: JSONValue]

    /// Decodes the body; the error text follows `prefix` (`cannot decode request body: ...`).
    static func decode(_ body: [UInt8], prefix: String) -> Result<RequestBody, ResponseError> {
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            return .failure(ResponseError(APIResponses.badRequest("\(prefix): EOF")))
        }
        let value: JSONValue
        do { value = try JSONParser().parse(bytes: body) } catch {
            return .failure(ResponseError(APIResponses.badRequest("\(prefix): \(error)")))
        }
        guard let object = value.objectValue else {
            return .failure(ResponseError(APIResponses.badRequest("\(prefix): json: cannot unmarshal \(value.kindName) into Go value of type struct")))
        }
        return .success(RequestBody(fields: object))
    }

    func string(_ key: String) throws(ResponseError) -> String {
        guard let value = fields[key], !value.isNull else { return "" }
        guard let text = value.stringValue else { throw typeError(key, value, "string") }
        return text
    }

    func bool(_ key: String) throws(ResponseError) -> Bool {
        guard let value = fields[key], !value.isNull else { return false }
        guard let flag = value.boolValue else { throw typeError(key, value, "bool") }
        return flag
    }

    func strings(_ key: String) throws(ResponseError) -> [String] {
        guard let value = fields[key], !value.isNull else { return [] }
        guard let list = value.stringArray else { throw typeError(key, value, "[]string") }
        return list
    }

    func objects(_ key: String) throws(ResponseError) -> [[String: JSONValue]] {
        guard let value = fields[key], !value.isNull else { return [] }
        guard let list = value.arrayValue, list.allSatisfy({ $0.objectValue != nil }) else { throw typeError(key, value, "[]struct") }
        return list.compactMap(\.objectValue)
    }

    private func typeError(_ key: String, _ value: JSONValue, _ type: String) -> ResponseError {
        ResponseError(APIResponses.badRequest("cannot decode request body: json: cannot unmarshal \(value.kindName) into Go struct field .\(key) of type \(type)"))
    }
}

/// A response to send instead of carrying on.
struct ResponseError: Error {
    let response: PebbleResponse
    init(_ response: PebbleResponse) { self.response = response }
}

extension PebbleRequest {
    /// Every value of a query parameter, split on commas and without empty items (Pebble's
    /// `strutil.MultiCommaSeparatedList`).
    func commaList(_ name: String) -> [String] {
        query.filter { $0.name == name }.flatMap { $0.value.split(separator: ",").map { String($0).trimmingSpacesAndNewlines() } }
            .filter { !$0.isEmpty }
    }

    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}
