import JujuJSON
import PostgreSQLClient

/// Checks that a value never prints a secret, whichever way Swift prints it.
///
/// For charm authors' tests as much as ours: give it a value that holds known passwords or
/// secret contents, and it tells which renderings (`String(describing:)`,
/// `String(reflecting:)`, `dump`, interpolation, inside an array or an optional) show one.
/// Its findings name the rendering and the secret's position in the list, never the secret.
public enum SecretHygiene {
    /// Every text Swift's standard printing makes of `value`, by the name of the rendering.
    public static func renderings<T>(of value: T) -> [(name: String, text: String)] {
        var dumped = ""
        dump(value, to: &dumped)
        var printed = ""
        print(value, to: &printed)
        var debugPrinted = ""
        debugPrint(value, to: &debugPrinted)
        return [
            ("String(describing:)", String(describing: value)),
            ("String(reflecting:)", String(reflecting: value)),
            ("dump", dumped),
            ("interpolation", "\(value)"),
            ("print", printed),
            ("debugPrint", debugPrinted),
            ("in an array", "\([value])"),
            ("in an optional", String(describing: Optional(value))),
            ("as Any", String(describing: value as Any)),
        ]
    }

    /// The renderings of `value` that contain one of `secrets`, as `"<rendering> shows secret #<n>"`.
    /// Empty when nothing leaks. Empty secrets are ignored.
    public static func leaks<T>(of value: T, secrets: [String]) -> [String] {
        leaks(in: renderings(of: value), secrets: secrets)
    }

    /// The texts that contain one of `secrets`, as `"<name> shows secret #<n>"`.
    public static func leaks(in texts: [(name: String, text: String)], secrets: [String]) -> [String] {
        var found: [String] = []
        for (name, text) in texts {
            for (index, secret) in secrets.enumerated() where !secret.isEmpty && text.contains(secret) {
                found.append("\(name) shows secret #\(index + 1) (\(secret.utf8.count) bytes)")
            }
        }
        return found
    }

    /// Keys whose string values are secrets wherever they appear in a fixture or vector.
    public static let secretKeys: Set<String> = ["password", "entity-password", "entity_password", "tls-key", "encryption-key", "mtls-cert"]

    /// Keys of a secret's content that are shown on purpose (not secrets in themselves).
    public static let shownSecretKeys: Set<String> = ["username", "tls", "tls-ca", "entity-name"]

    /// The secrets in a JSON document (a databag, a `juju show-unit` document, a vector): values
    /// of ``secretKeys``, passwords inside libpq URIs (also in comma-separated lists), the values
    /// of a secret's `contents` except ``shownSecretKeys``, and the same inside JSON text (the
    /// `data` snapshots). Only values of at least `minimumLength` characters, so that finding one
    /// in some output means something.
    public static func knownSecrets(in value: JSONValue, minimumLength: Int = 6) -> Set<String> {
        var found: Set<String> = []
        func add(_ text: String) { if text.count >= minimumLength { found.insert(text) } }
        func walk(_ value: JSONValue, key: String?) {
            switch value {
            case .object(let members):
                for (name, member) in members {
                    if name == "contents", let contents = member.objectValue {
                        for (k, v) in contents where !shownSecretKeys.contains(k) {
                            if let text = v.stringValue { add(text) }
                        }
                    }
                    walk(member, key: name)
                }
            case .array(let elements):
                for element in elements { walk(element, key: key) }
            case .string(let text):
                if let key, secretKeys.contains(key) { add(text) }
                for part in text.split(separator: ",") {
                    if let uri = try? PostgresURI(parsing: String(part)), let password = uri.password { add(password) }
                }
                if text.hasPrefix("{") || text.hasPrefix("["), let inner = try? JSONParser().parse(text) { walk(inner, key: key) }
            default:
                break
            }
        }
        walk(value, key: nil)
        return found
    }
}
