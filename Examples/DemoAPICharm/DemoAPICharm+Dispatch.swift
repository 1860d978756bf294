#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import JujuHookTools
import JujuLogging
import Logging
import PostgreSQLClient

extension DemoAPICharm {
    /// Hooks the charm knows besides its relation's (the tutorial's charm observes these).
    public static let otherHooks: Set<String> = [
        "install", "start", "stop", "remove", "config-changed", "upgrade-charm", "update-status", "leader-elected",
        "leader-settings-changed", "demo-server-pebble-ready", "secret-changed", "collect-metrics",
        "post-series-upgrade", "pre-series-upgrade",
    ]

    /// Handles the hook described by `environment`, talking to Juju through `tools`. Returns
    /// the process exit status: 0, or 1 with a one-line reason (logged to juju-log when possible).
    /// The Pebble layer goes to `layerPath` (Pebble's layer YAML; JSON is YAML).
    ///
    /// The charm logs with swift-log through ``JujuLogHandler`` at `logLevel` (default `.info`:
    /// its debug lines cost no hook-tool call unless asked for).
    public func handleHook(environment: [String: String], tools: any HookTools, layerPath: String?,
                           logLevel: Logger.Level = .info) -> (status: Int32, error: String?) {
        var logger = Logger(label: Self.appName) { JujuLogHandler(label: $0, tools: tools) }
        logger.logLevel = logLevel
        let hook: HookEnvironment
        do {
            hook = try HookEnvironment(environment)
            logger[metadataKey: "hook"] = "\(hook.hookName)"
        } catch {
            return (1, "demo-api-charm: bad hook environment: \(error)")
        }
        do {
            if let relationHook = HookDispatch.relationHook(hook, endpoint: Self.relationName) {
                guard let relationID = hook.relationID else {
                    return (1, "demo-api-charm: JUJU_RELATION_ID is not set for \(hook.hookName)")
                }
                try handleRelation(relationHook, relationID: relationID, hook: hook, tools: tools, layerPath: layerPath,
                                   logger: logger)
            } else if Self.otherHooks.contains(hook.hookName) {
                // Until the database answers, the charm waits for it.
                if try tools.relationIDs(endpoint: Self.relationName).isEmpty {
                    try tools.statusSet(.waiting, message: Self.waitingMessage, application: false)
                }
            } else {
                return (1, "demo-api-charm: unknown hook \(hook.hookName)")
            }
            return (0, nil)
        } catch let error as EngineError {
            logger.error("\(hook.hookName) failed: \(error)")
            return (1, "demo-api-charm: \(hook.hookName) failed: \(error)")
        } catch let error as HookToolError {
            logger.error("\(hook.hookName): \(error)")
            return (1, "demo-api-charm: \(hook.hookName): \(error)")
        } catch {
            return (1, "demo-api-charm: \(hook.hookName): \(error)")
        }
    }

    func handleRelation(_ relationHook: RelationHook, relationID: Int, hook: HookEnvironment, tools: any HookTools,
                        layerPath: String?, logger: Logger) throws {
        let runner = RelationHookRunner(tools: tools)
        let scope = RelationHookRunner.Scope(
            relationID: relationID, relationName: Self.relationName, localUnit: hook.unitName,
            remoteApp: hook.remoteApp, jujuVersion: hook.version)
        let output = try runner.runRequirer(try Self.requirer(), hook: relationHook, scope: scope)
        if case .broken = relationHook {
            let outcome = self.outcome(credentials: nil, broken: true)
            try tools.statusSet(outcome.status, message: outcome.message, application: false)
            if let layerPath { unlink(layerPath) }
            return
        }
        for event in output.events where event.name == "database_created" || event.name == "endpoints_changed" {
            logger.debug("\(event.name): updating the Pebble layer", metadata: ["relation": "\(Self.relationName):\(relationID)"])
            let outcome = self.outcome(credentials: DatabaseCredentials(event: event, defaultDatabase: Self.databaseName))
            if let layer = outcome.layer, let layerPath {
                try Self.write(layer.json(), to: layerPath)
            }
            try tools.statusSet(outcome.status, message: outcome.message, application: false)
        }
    }

    static func write(_ text: String, to path: String) throws(HookToolError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw HookToolError(.toolFailed, tool: "demo-api-charm", message: "cannot write \(path)") }
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
