import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit

typealias Snapshot = InMemoryJuju.Snapshot

/// One hook-tool call: the calling unit's view of the loaded model.
final class HookContext {
    let tool: String
    let args: [String]
    let unit: String
    let app: String
    var snapshot: Snapshot
    let model: InMemoryJuju
    let tools: InMemoryHookTools
    /// The calling process's environment (`JUJU_RELATION_ID`, `JUJU_REMOTE_UNIT`, ...).
    let environment: [String: String]
    /// The calling process's standard input, read only when a tool is given `--file -`.
    let standardInput: () throws(ToolFailure) -> [UInt8]
    /// What the tool prints on standard output.
    var out = ""

    init(tool: String, args: [String], unit: String, snapshot: Snapshot, environment: [String: String],
         standardInput: @escaping () throws(ToolFailure) -> [UInt8]) {
        self.tool = tool
        self.args = args
        self.unit = unit
        self.app = Snapshot.app(of: unit)
        self.snapshot = snapshot
        self.environment = environment
        self.standardInput = standardInput
        self.model = InMemoryJuju(snapshot: snapshot)
        self.tools = model.tools(for: unit)
    }

    /// Takes the model's state into ``snapshot``.
    func sync() { snapshot = model.snapshot(updating: snapshot) }

    /// Edits the snapshot directly (for what the in-memory model does not model), keeping the
    /// model in step.
    func edit(_ body: (inout Snapshot) throws(ToolFailure) -> Void) throws(ToolFailure) {
        sync()
        try body(&snapshot)
        model.restore(snapshot)
    }

    var isLeader: Bool { snapshot.leaders[app] == unit }

    func env(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A `--file` argument's bytes: standard input for `-`, else the file.
    func read(_ path: String) throws(ToolFailure) -> [UInt8] {
        path == "-" ? try standardInput() : try System.readFile(path)
    }

    // MARK: Output

    func emit(_ value: JSONValue, format: String?) {
        if format == "json" {
            out += Self.goJSON(value) + "\n"
            return
        }
        switch value {
        case .null: break
        case .string(let s): out += s + "\n"
        case .bool(let b): out += (b ? "True" : "False") + "\n"
        case .number(let n): out += n.text + "\n"
        case .array(let elements):
            for element in elements { out += (element.stringValue ?? element.serialized()) + "\n" }
        case .object(let members):
            for key in members.keys.sorted(by: JSONValue.utf8Precedes) {
                let v = members[key]!
                out += "\(key): \(v.stringValue ?? v.serialized())\n"
            }
        }
    }

    /// JSON as Go's `encoding/json` writes it (Juju's `--format=json`): compact, keys sorted,
    /// `<`, `>`, `&`, U+2028 and U+2029 escaped.
    static func goJSON(_ value: JSONValue) -> String {
        var text = ""
        for scalar in value.serialized(style: .compact).unicodeScalars {
            switch scalar {
            case "<": text += "\\u003c"
            case ">": text += "\\u003e"
            case "&": text += "\\u0026"
            case "\u{2028}": text += "\\u2028"
            case "\u{2029}": text += "\\u2029"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    // MARK: Relations

    /// The relation named by `-r` (or `JUJU_RELATION_ID`), as Juju resolves it: `ID` or
    /// `ENDPOINT:ID`, one of this unit's application's relations.
    func relationID(_ raw: String?) throws(ToolFailure) -> Int {
        guard let raw = raw ?? env("JUJU_RELATION_ID") else { throw ToolFailure("no relation id specified") }
        var endpoint: String?
        var number = Substring(raw)
        if let colon = raw.lastIndex(of: ":") {
            endpoint = String(raw[..<colon])
            number = raw[raw.index(after: colon)...]
        }
        guard let id = Int(number) else { throw ToolFailure("invalid value \"\(raw)\" for option -r: invalid relation id") }
        guard let relation = snapshot.relations.first(where: { $0.id == id }), relation.apps.contains(app),
            endpoint == nil || endpoint == relation.endpoints[app]
        else {
            throw ToolFailure("invalid value \"\(raw)\" for option -r: relation not found")
        }
        return id
    }

    func relation(_ id: Int) -> Snapshot.RelationRecord? { snapshot.relations.first { $0.id == id } }

    // MARK: Errors

    /// Juju's wording for a refusal of the in-memory model, with the rule id in brackets.
    func failure(_ error: HookToolError, secret: String? = nil) -> ToolFailure {
        var rule: String?
        var text = error.message
        if let separator = text.firstRange(of: ": ") {
            let prefix = text[..<separator.lowerBound]
            if prefix.contains("-"), prefix.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "-" }) {
                rule = String(prefix)
                text = String(text[separator.upperBound...])
            }
        }
        var message: String
        switch error.code {
        case .permissionDenied: message = "permission denied"
        case .secretNotFound: message = "secret \"\(Self.bareSecretID(secret ?? "?"))\" not found"
        case .relationNotFound: message = "relation not found"
        default: message = text
        }
        if let rule { message += " [\(rule)]" }
        return ToolFailure(message)
    }

    // MARK: Secrets

    /// `secret:ID` for any spelling Juju accepts (`ID`, `secret:ID`, `secret://MODEL/ID`).
    static func secretID(_ raw: String) -> String { "secret:" + bareSecretID(raw) }

    static func bareSecretID(_ raw: String) -> String {
        var s = Substring(raw)
        if s.hasPrefix("secret://") {
            s = s.dropFirst("secret://".count)
            if let slash = s.lastIndex(of: "/") { s = s[s.index(after: slash)...] }
        } else if s.hasPrefix("secret:") {
            s = s.dropFirst("secret:".count)
        }
        return String(s)
    }

    /// Owner-leader check for changes the model does not make itself.
    func ownedSecret(_ id: String) throws(ToolFailure) -> Snapshot.SecretRecord {
        guard let secret = snapshot.secrets.first(where: { $0.id == id }) else {
            throw ToolFailure("secret \"\(Self.bareSecretID(id))\" not found [JUJU-SECRET-ACCESS]")
        }
        guard secret.owner == app, isLeader else { throw ToolFailure("permission denied [JUJU-SECRET-ACCESS]") }
        return secret
    }

    /// `key=value`, `key#base64=value`, `key#file=path` arguments (and `--file` YAML/JSON).
    func secretContent(_ positionals: some Sequence<String>, file: String?) throws(ToolFailure) -> [String: String] {
        var content: [String: String] = [:]
        if let file { content = try Settings.parse(try read(file), what: "secret content") }
        for arg in positionals {
            guard let eq = arg.firstIndex(of: "="), eq != arg.startIndex else {
                throw ToolFailure("expected \"key=value\", got \"\(arg)\"")
            }
            var key = String(arg[..<eq])
            let value = String(arg[arg.index(after: eq)...])
            if key.hasSuffix("#file") {
                key.removeLast("#file".count)
                content[key] = String(decoding: try System.readFile(value), as: UTF8.self)
            } else if key.hasSuffix("#base64") {
                key.removeLast("#base64".count)
                guard let bytes = Base64.decode(value) else { throw ToolFailure("invalid base64 value for key \"\(key)\"") }
                content[key] = String(decoding: bytes, as: UTF8.self)
            } else {
                content[key] = value
            }
        }
        return content
    }
}

/// `relation-set --file` and `secret-add --file` contents: a JSON object, or a flat YAML map.
enum Settings {
    static func parse(_ bytes: [UInt8], what: String) throws(ToolFailure) -> [String: String] {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.allSatisfy({ $0.isWhitespace }) { return [:] }
        if let value = try? JSONParser().parse(bytes: bytes) {
            guard case .object(let members) = value else {
                throw ToolFailure("cannot parse \(what): expected a map, got \(value.kindName)")
            }
            var result: [String: String] = [:]
            for (key, v) in members {
                switch v {
                case .string(let s): result[key] = s
                case .null: result[key] = ""
                case .bool(let b): result[key] = b ? "true" : "false"
                case .number(let n): result[key] = n.text
                default: throw ToolFailure("cannot parse \(what): value of \"\(key)\" is a \(v.kindName), not a string")
                }
            }
            return result
        }
        // A flat YAML map: `key: value` lines, values optionally quoted.
        var result: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let colon = trimmed.firstRange(of: ": ") {
                let key = unquote(String(trimmed[..<colon.lowerBound]))
                result[key] = unquote(String(trimmed[colon.upperBound...]).trimmingSpaces())
            } else if trimmed.hasSuffix(":") {
                result[unquote(String(trimmed.dropLast()))] = ""
            } else {
                throw ToolFailure("cannot parse \(what): not JSON or a YAML map")
            }
        }
        return result
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'")) {
            if s.hasPrefix("\""), let v = try? JSONParser().parse(s), let str = v.stringValue { return str }
            return String(s.dropFirst().dropLast())
        }
        return s
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
