import JujuHookTools
import Logging

/// A swift-log `LogHandler` that sends every record to Juju's log with `juju-log`, so a Swift
/// charm's `Logger` lines show in `juju debug-log` as a Python charm's `logging` lines do.
///
/// ```swift
/// let tools = ProcessHookTools()
/// LoggingSystem.bootstrap { label in JujuLogHandler(label: label, tools: tools) }
/// let logger = Logger(label: "demo-api-charm")
/// logger.info("database ready", metadata: ["relation": "database:7"])
/// ```
///
/// Each record is one `juju-log --log-level LEVEL MESSAGE` call: a hook tool call costs a
/// process, so the default ``logLevel`` is `.info` (ops logs DEBUG lines and pays for each).
/// swift-log's levels map onto Juju's: trace → TRACE, debug → DEBUG, info and notice → INFO,
/// warning → WARNING, error → ERROR, critical → CRITICAL. Metadata follows the message as
/// sorted `key=value` pairs; the value of any key that names a password, secret, token or key
/// is replaced by `********`, so credentials put in metadata by mistake never reach Juju's log.
/// A failing `juju-log` (no hook context, say) never fails the charm: the record is dropped.
public struct JujuLogHandler: LogHandler, Sendable {
    /// The logger's label; it prefixes every line (`label: message`). Juju adds the unit and
    /// the time itself; the label tells which part of the charm spoke.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?
    let tools: any HookTools

    /// A handler sending `label`'s records to `tools` (the real hook tools in a charm, an
    /// in-memory model in tests).
    public init(label: String, tools: any HookTools, logLevel: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.tools = tools
        self.logLevel = logLevel
        self.metadata = [:]
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        let line = Self.line(label: label, message: "\(event.message)", metadata: merged)
        try? tools.log(Self.jujuLevel(event.level), line)
    }

    /// Juju's level for a swift-log level.
    public static func jujuLevel(_ level: Logger.Level) -> LogLevel {
        switch level {
        case .trace: .trace
        case .debug: .debug
        case .info, .notice: .info
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }

    /// `label: message key=value ...`, metadata sorted by key, sensitive values masked.
    static func line(label: String, message: String, metadata: Logger.Metadata) -> String {
        var text = label.isEmpty ? message : "\(label): \(message)"
        for key in metadata.keys.sorted() {
            let value = isSensitive(key) ? "********" : "\(metadata[key]!)"
            text += " \(key)=\(value)"
        }
        return text
    }

    /// Whether a metadata key names a credential (case-insensitive: password, secret, token, key).
    static func isSensitive(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["password", "secret", "token", "key"].contains { lower.contains($0) }
    }
}
