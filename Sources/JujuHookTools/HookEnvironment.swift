import PostgreSQLClient

/// What Juju tells a charm process about the hook it runs, from its `JUJU_*` environment.
public struct HookEnvironment: Sendable, Hashable {
    /// The hook, e.g. `database-relation-changed`.
    public let hookName: String
    /// `JUJU_UNIT_NAME`, e.g. `demo-api-charm/0`.
    public let unitName: String
    public let version: JujuVersion
    /// `JUJU_RELATION` (relation hooks only), e.g. `database`.
    public let relationName: String?
    /// The numeric part of `JUJU_RELATION_ID` (`database:7` → 7).
    public let relationID: Int?
    public let remoteApp: String?
    public let remoteUnit: String?
    public let secretID: String?
    public let modelName: String?
    public let modelUUID: String?

    /// The application name (the unit name before `/`).
    public var appName: String { String(unitName.split(separator: "/").first ?? Substring(unitName)) }

    /// Reads the environment. The hook name comes from `JUJU_HOOK_NAME`, or else from the last
    /// path component of `JUJU_DISPATCH_PATH` (`hooks/database-relation-changed`).
    public init(_ environment: [String: String]) throws(HookEnvironmentError) {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        guard let unit = value("JUJU_UNIT_NAME") else { throw HookEnvironmentError(variable: "JUJU_UNIT_NAME", problem: "is not set; run the charm from a Juju hook (or the fake hook-tool environment)") }
        let parts = unit.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let number = Int(parts[1]), number >= 0 else {
            throw HookEnvironmentError(variable: "JUJU_UNIT_NAME", problem: "\(quotedValue(unit)) is not a unit name like app/0")
        }
        self.unitName = unit
        if let hook = value("JUJU_HOOK_NAME") {
            self.hookName = hook
        } else if let path = value("JUJU_DISPATCH_PATH"), let last = path.split(separator: "/").last {
            self.hookName = String(last)
        } else {
            throw HookEnvironmentError(variable: "JUJU_DISPATCH_PATH", problem: "neither JUJU_HOOK_NAME nor JUJU_DISPATCH_PATH is set, so the hook is unknown")
        }
        guard let versionText = value("JUJU_VERSION") else {
            throw HookEnvironmentError(variable: "JUJU_VERSION", problem: "is not set")
        }
        do {
            self.version = try JujuVersion(parsing: versionText)
        } catch {
            throw HookEnvironmentError(variable: "JUJU_VERSION", problem: error.description)
        }
        self.relationName = value("JUJU_RELATION")
        if let relation = value("JUJU_RELATION_ID") {
            let number = relation.split(separator: ":").last.flatMap { Int($0) }
            guard let number, number >= 0 else {
                throw HookEnvironmentError(variable: "JUJU_RELATION_ID", problem: "\(quotedValue(relation)) is not like database:7")
            }
            self.relationID = number
        } else {
            self.relationID = nil
        }
        self.remoteApp = value("JUJU_REMOTE_APP")
        self.remoteUnit = value("JUJU_REMOTE_UNIT")
        self.secretID = value("JUJU_SECRET_ID")
        self.modelName = value("JUJU_MODEL_NAME")
        self.modelUUID = value("JUJU_MODEL_UUID")
    }
}

/// A `JUJU_*` variable is missing or malformed.
public struct HookEnvironmentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let variable: String
    public let problem: String

    public var description: String { "\(variable) \(problem)" }
}

private func quotedValue(_ text: String) -> String {
    "\"" + String(text.prefix(60)) + (text.count > 60 ? "…" : "") + "\""
}
