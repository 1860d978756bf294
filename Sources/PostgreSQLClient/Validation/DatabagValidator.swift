import JujuJSON

/// Checks databags against the rules of `Specs/postgresql_client-v0.md`.
///
/// Validation never stops at the first problem: it returns every ``Violation``, each naming its
/// rule and field. Values of sensitive fields are never quoted.
public struct DatabagValidator: Sendable {
    public init() {}

    /// Keys only the requirer writes (a provider app bag holding one is wrong).
    public static let requirerOnlyFields: Set<String> = [
        "requested-secrets", "provided-secrets", "extra-user-roles", "extra-group-roles",
        "external-node-connectivity", "entity-type", "entity-permissions", "requested-entity-secret",
        "prefix-matching",
    ]

    /// Keys only the provider writes (a requirer app bag holding one is wrong).
    public static let providerOnlyFields: Set<String> = [
        "username", "password", "endpoints", "read-only-endpoints", "uris", "read-only-uris", "version", "tls",
        "tls-ca", "secret-user", "secret-tls", "secret-extra", "secret-entity", "entity-name", "entity-password",
        "prefix-databases", "subordinated", "status", "encryption-secret", "replset",
    ]

    /// Validates `bag` as the given kind of bag. Results are ordered by field, then rule.
    public func validate(_ bag: Databag, as kind: BagKind) -> [Violation] {
        var context = Context(bag: bag)
        context.checkGeneric()
        switch kind {
        case .requirerApp: context.checkRequirerApp()
        case .requirerUnit: context.checkRequirerUnit()
        case .providerApp: context.checkProviderApp()
        case .providerUnit, .any: break
        }
        return context.violations.sorted {
            ($0.field, $0.rule.id) < ($1.field, $1.rule.id)
        }
    }

    /// Working state of one validation: the bag with unusable keys set aside.
    struct Context {
        var values: [String: String]
        var violations: [Violation] = []

        init(bag: Databag) {
            self.values = bag.values
        }

        mutating func add(_ rule: Rule, _ field: String, _ problem: String, _ expected: String) {
            violations.append(Violation(rule, field: field, problem: problem, expected: expected))
        }

        mutating func add(_ rule: Rule, _ field: String, _ error: FormatError) {
            violations.append(Violation(rule, field: field, error))
        }

        /// Key format and empty values; offending keys are removed from further checks.
        mutating func checkGeneric() {
            for key in values.keys.sorted(by: JSONValue.utf8Precedes) {
                if !Self.isValidKey(key) {
                    add(.bagKeyFormat, key, "key \(quoted(key)) is not lower-case kebab-case", "lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
                    values.removeValue(forKey: key)
                } else if values[key]!.isEmpty {
                    add(.bagValueEmpty, key, "value is empty", "a non-empty value, or no key at all (Juju deletes keys set to \"\")")
                    values.removeValue(forKey: key)
                }
            }
        }

        static func isValidKey(_ key: String) -> Bool {
            let bytes = Array(key.utf8)
            guard let first = bytes.first, let last = bytes.last else { return false }
            func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
            guard alnum(first), alnum(last) else { return false }
            return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        }

        /// The first three items, quoted, and how many more there are: a 1 MiB value can hold
        /// thousands of bad items, and a violation's text stays short.
        static func listed<S: StringProtocol>(_ items: [S]) -> String {
            let shown = items.prefix(3).map { quoted(String($0)) }.joined(separator: ", ")
            return items.count > 3 ? shown + ", and \(items.count - 3) more" : shown
        }

        /// A JSON array of strings, or `nil` when the text is not one.
        static func stringList(_ text: String) -> [String]? {
            (try? JSONParser().parse(text))?.stringArray
        }

        /// A JSON object of strings without a `data` key, or a description of what is wrong.
        static func snapshotProblem(_ text: String) -> String? {
            let value: JSONValue
            do {
                value = try JSONParser().parse(text)
            } catch let error as JSONError {
                return "not JSON (\(error.code), at byte \(error.offset ?? 0))"
            } catch {
                return "not JSON"
            }
            guard case .object(let members) = value else { return "a JSON \(value.kindName), not an object" }
            if let key = members.keys.sorted(by: JSONValue.utf8Precedes).first(where: { members[$0]?.stringValue == nil }) {
                return "member \(quoted(key)) is a \(members[key]!.kindName), not a string"
            }
            if members["data"] != nil { return "it contains its own \"data\" key" }
            return nil
        }

        mutating func checkSecretLists() {
            if let text = values["requested-secrets"] {
                if let items = Self.stringList(text) {
                    var seen: Set<String> = []
                    let bad = items.filter { !SecretKey.isValid($0) || !seen.insert($0).inserted }
                    if !bad.isEmpty {
                        add(.reqRequestedSecretsKeys, "requested-secrets",
                            "invalid or repeated item(s) \(Self.listed(bad))",
                            "Juju secret keys (^[a-z](-?[a-z0-9]){2,}$), each once")
                    }
                    if !items.contains("username") || !items.contains("password") {
                        add(.reqRequestedSecretsCredentials, "requested-secrets",
                            "does not name both \"username\" and \"password\"", "a list that includes username and password")
                    }
                } else {
                    add(.reqRequestedSecretsFormat, "requested-secrets", "not a JSON array of strings",
                        "JSON text of an array of strings, e.g. [\"username\", \"password\"]")
                }
            }
            if let text = values["provided-secrets"] {
                let items = Self.stringList(text)
                if items == nil || !items!.allSatisfy(SecretKey.isValid) {
                    add(.reqProvidedSecretsFormat, "provided-secrets", "not a JSON array of valid secret keys",
                        "JSON text of an array of Juju secret keys, e.g. [\"mtls-cert\"]")
                }
            }
        }
    }
}

extension DatabagValidator {
    /// Validates `bag` and throws when it breaks any rule.
    /// - Throws: ``ValidationError`` listing every violation.
    public func require(_ bag: Databag, as kind: BagKind) throws(ValidationError) {
        let violations = validate(bag, as: kind)
        if !violations.isEmpty { throw ValidationError(kind: kind, violations: violations) }
    }
}

/// A databag broke one or more protocol rules.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let kind: BagKind
    public let violations: [Violation]

    public init(kind: BagKind, violations: [Violation]) {
        self.kind = kind
        self.violations = violations
    }

    /// One line per violation, after a line naming the bag.
    public var description: String {
        (["\(kind.rawValue) bag breaks \(violations.count) rule(s):"] + violations.map { "  \($0)" }).joined(separator: "\n")
    }
}
