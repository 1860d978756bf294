/// What an engine decided in one hook: databag changes, secret actions, events and log lines.
/// Nothing has happened yet; a runner applies it (one `relation-set` per bag) or, on error,
/// applies nothing.
public struct EngineOutput: Sendable, Hashable {
    /// Changes to the local application bag (`""` deletes). Values may name a secret that
    /// ``secretActions`` creates: see ``SecretAction/create(group:label:content:)``.
    public var appChanges: [String: String] = [:]
    /// Changes to the local unit bag (`""` deletes).
    public var unitChanges: [String: String] = [:]
    /// Secrets to create or update, in order.
    public var secretActions: [SecretAction] = []
    /// Library events, in the order they fire.
    public var events: [LibraryEvent] = []
    /// Log lines for `juju-log`.
    public var logs: [LogRecord] = []

    public init() {}

    /// Whether the hook changes no bag and no secret.
    public var writesNothing: Bool { appChanges.isEmpty && unitChanges.isEmpty && secretActions.isEmpty }
}

/// A change to a Juju secret owned by the local application.
public enum SecretAction: Sendable, Hashable {
    /// Create a secret with this label and content, grant it to the relation, and write its URI
    /// into the app bag under the group's field (`secret-user`, ...).
    case create(group: SecretGroup, label: String, content: [String: String])
    /// Replace the content of an existing secret (a new revision).
    case update(uri: String, label: String, content: [String: String])
}

/// A log line for `juju-log`. Messages never contain passwords.
public struct LogRecord: Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable { case debug = "DEBUG", info = "INFO", warning = "WARNING", error = "ERROR" }
    public var level: Level
    public var message: String

    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "\(level.rawValue): \(message)" }
}

/// Reads secret contents for an engine. The in-memory model and the real hook tools both
/// implement it (`secret-get`).
public protocol SecretReading: Sendable {
    /// The content of a secret. `refresh` moves a consumer to the latest revision first.
    /// - Throws: ``EngineError`` with code `JUJU-SECRET-ACCESS` when it cannot be read.
    func secretContent(uri: String, label: String?, refresh: Bool) throws(EngineError) -> [String: String]
}
