#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import JujuJSON
import Pebble

/// The `--state FILE` dump: layers by label, the combined plan, service statuses, checks,
/// changes and notices, as JSON, rewritten after every change (to a temporary file renamed
/// over it, so a reader never sees half of one). Environment values whose names look like
/// credentials are masked (`PebbleMasking`): the API's plan has them, the file does not.
extension FakePebble {
    /// The state as JSON, credential-like environment values masked.
    public var stateJSON: JSONValue { lock.withLock { stateJSONLocked() } }

    func stateJSONLocked() -> JSONValue {
        let plan = planManager.plan
        var layers: [JSONValue] = []
        for entry in planManager.layers {
            layers.append(.object(["label": .string(entry.label), "order": .number(JSONNumber(entry.order)),
                                   "yaml": .string(entry.layer.masked().yaml())]))
        }
        var serviceStates: [String: JSONValue] = [:]
        for info in serviceInfosLocked(names: []) {
            var o: [String: JSONValue] = ["status": .string(info.current.rawValue), "startup": .string(info.startup.rawValue)]
            if let record = services[info.name] {
                o["state"] = .string(record.state.rawValue)
                o["start-count"] = .number(JSONNumber(record.startCount))
                if let pid = record.process?.pid { o["pid"] = .number(JSONNumber(pid)) }
                if let code = record.lastExitCode { o["exit-code"] = .number(JSONNumber(code)) }
                if let since = record.currentSince { o["current-since"] = .string(since.rfc3339Nano) }
                let env = record.config.environment
                if !env.isEmpty { o["environment"] = .object(record.config.masked().environment.mapValues { .string($0) }) }
            }
            serviceStates[info.name] = .object(o)
        }
        return .object([
            "layers": .array(layers),
            "plan": .object(["yaml": .string(plan.debugDescription)]),
            "services": .object(serviceStates),
            "checks": .array(checkInfosLocked().map(\.jsonValue)),
            "changes": .array(changes.keys.sorted().map { changes[$0]!.info(tasks).jsonValue }),
            "notices": .array(notices.map(\.info.jsonValue)),
            "shutdown-requests": .array(shutdownRequests.map { .string($0) }),
        ])
    }

    func writeStateFileLocked() {
        guard let path = options.stateFile else { return }
        let text = stateJSONLocked().serialized(style: .python) + "\n"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue } else { break } }
            offset += n
        }
        close(fd)
        rename(temporary, path)
    }
}
