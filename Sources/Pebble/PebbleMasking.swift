/// Which environment values are secrets, for printing layers, plans and services.
///
/// A variable whose name contains `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `CREDENTIAL`,
/// `PRIVATE` or ends in `KEY` (case-insensitive) is shown as `********`: the database
/// password a charm hands its workload never reaches a log through a `print` or a `dump`.
public enum PebbleMasking {
    /// The mask shown instead of a secret value.
    public static let mask = "********"

    /// `true` when `name` looks like it holds a credential.
    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        for word in ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE"] where upper.contains(word) { return true }
        return upper.hasSuffix("KEY")
    }

    /// The environment with secret values masked, sorted by name, as `NAME=value` items.
    public static func environment(_ environment: [String: String]) -> [String] {
        environment.keys.sorted().map { "\($0)=\(isSecret($0) ? mask : environment[$0]!)" }
    }
}

extension Service: CustomDebugStringConvertible, CustomReflectable {
    /// The service without secret values: command, startup, override and the masked environment.
    public var debugDescription: String {
        var fields: [String] = []
        if override != .unset { fields.append("override: \(override)") }
        if !command.isEmpty { fields.append("command: \(command)") }
        if startup != .unset { fields.append("startup: \(startup)") }
        if !environment.isEmpty { fields.append("environment: [\(PebbleMasking.environment(environment).joined(separator: ", "))]") }
        if !user.isEmpty || userID != nil { fields.append("user: \(user.isEmpty ? String(userID!) : user)") }
        if !workingDir.isEmpty { fields.append("working-dir: \(workingDir)") }
        return "Service(\(fields.joined(separator: ", ")))"
    }

    /// `dump()` and `print()` show ``debugDescription``, never a secret value.
    public var customMirror: Mirror { Mirror(self, children: ["masked": debugDescription], displayStyle: .struct) }
}

extension Layer: CustomDebugStringConvertible, CustomReflectable {
    /// The layer as YAML with secret environment values masked.
    public var debugDescription: String { masked().yaml() }

    /// `dump()` and `print()` show the masked YAML.
    public var customMirror: Mirror { Mirror(self, children: ["yaml": debugDescription], displayStyle: .struct) }

    /// A copy with secret environment values replaced by ``PebbleMasking/mask``.
    public func masked() -> Layer {
        var copy = self
        copy.services = services.mapValues { $0.masked() }
        copy.checks = checks.mapValues { $0.masked() }
        return copy
    }
}

extension Plan: CustomDebugStringConvertible, CustomReflectable {
    /// The plan as YAML with secret environment values masked.
    public var debugDescription: String {
        Plan(services: services.mapValues { $0.masked() }, checks: checks.mapValues { $0.masked() }, logTargets: logTargets).yamlText()
    }

    /// `dump()` and `print()` show the masked YAML (not ``yaml``, which holds the values).
    public var customMirror: Mirror { Mirror(self, children: ["yaml": debugDescription], displayStyle: .struct) }
}

extension Check: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String {
        Layer(checks: ["check": masked()]).yaml()
    }

    public var customMirror: Mirror { Mirror(self, children: ["masked": debugDescription], displayStyle: .struct) }

    func masked() -> Check {
        var copy = self
        if var exec = copy.exec {
            exec.environment = exec.environment.maskingSecrets()
            copy.exec = exec
        }
        if var http = copy.http {
            http.headers = http.headers.mapValues { _ in PebbleMasking.mask }
            copy.http = http
        }
        return copy
    }
}

extension Service {
    /// A copy with secret environment values replaced by ``PebbleMasking/mask``.
    public func masked() -> Service {
        var copy = self
        copy.environment = environment.maskingSecrets()
        return copy
    }
}

extension Dictionary where Key == String, Value == String {
    func maskingSecrets() -> [String: String] {
        var copy = self
        for key in keys where PebbleMasking.isSecret(key) { copy[key] = PebbleMasking.mask }
        return copy
    }
}
