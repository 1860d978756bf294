import Pebble

/// Pebble's layer combination (internals/plan/plan.go, `CombineLayers` and the `Merge`
/// methods): later layers override earlier ones, per service, check and log target, by its
/// `override`.
enum LayerCombiner {
    /// Check defaults Pebble writes into the combined plan.
    static let defaultCheckThreshold = 3

    /// The layers combined into one; `labels` name the layers in error messages.
    static func combine(_ layers: [(label: String, layer: Layer)]) throws(PlanError) -> Layer {
        var combined = Layer()
        guard let last = layers.last else { return combined }
        combined.summary = last.layer.summary
        combined.description = last.layer.description
        for (label, layer) in layers {
            try merge(layer.services, into: &combined.services, layer: label, what: "service")
            try merge(layer.checks, into: &combined.checks, layer: label, what: "check")
            try merge(layer.logTargets, into: &combined.logTargets, layer: label, what: "log target")
        }
        // Defaults: the backoff and check timings stay unset (they are applied where used and
        // not shown in the plan), but the threshold is written in, as Pebble does.
        for name in combined.checks.keys where combined.checks[name]!.threshold == 0 {
            combined.checks[name]!.threshold = defaultCheckThreshold
        }
        return combined
    }
}

/// A service, check or log target: combined by its `override`.
protocol Overridable {
    var override: Override { get }
    mutating func merge(_ other: Self)
}

extension LayerCombiner {
    /// One layer's entries over the combined ones: `merge` into an earlier entry (or added),
    /// `replace` it, anything else refused in Pebble's words.
    static func merge<Entry: Overridable>(_ entries: [String: Entry], into combined: inout [String: Entry], layer label: String,
                                          what: String) throws(PlanError) {
        let q = PebbleQuoting.quote
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            switch entry.override {
            case .merge:
                if var old = combined[name] {
                    old.merge(entry)
                    combined[name] = old
                } else {
                    combined[name] = entry
                }
            case .replace: combined[name] = entry
            case .unset: throw PlanError(.format, "layer \(q(label)) must define \"override\" for \(what) \(q(name))")
            default: throw PlanError(.format, "layer \(q(label)) has invalid \"override\" value for \(what) \(q(name))")
            }
        }
    }
}

extension Service: Overridable {}
extension Check: Overridable {}
extension LogTarget: Overridable {}

extension Service {
    /// Pebble's `Service.Merge`: set fields replace, lists append, maps merge key by key.
    mutating func merge(_ other: Service) {
        if !other.summary.isEmpty { summary = other.summary }
        if !other.description.isEmpty { description = other.description }
        if other.startup != .unset { startup = other.startup }
        if !other.command.isEmpty { command = other.command }
        if other.killDelay != nil { killDelay = other.killDelay }
        if other.userID != nil { userID = other.userID }
        if !other.user.isEmpty { user = other.user }
        if other.groupID != nil { groupID = other.groupID }
        if !other.group.isEmpty { group = other.group }
        if !other.workingDir.isEmpty { workingDir = other.workingDir }
        after += other.after
        before += other.before
        requires += other.requires
        if !other.workload.isEmpty { workload = other.workload }
        environment.merge(other.environment) { $1 }
        if other.onSuccess != .unset { onSuccess = other.onSuccess }
        if other.onFailure != .unset { onFailure = other.onFailure }
        onCheckFailure.merge(other.onCheckFailure) { $1 }
        if other.backoffDelay != nil { backoffDelay = other.backoffDelay }
        if other.backoffFactor != nil { backoffFactor = other.backoffFactor }
        if other.backoffLimit != nil { backoffLimit = other.backoffLimit }
    }
}

extension Check {
    /// Pebble's `Check.Merge` (the override itself is not merged).
    mutating func merge(_ other: Check) {
        if other.level != .unset { level = other.level }
        if other.startup != .unset { startup = other.startup }
        if other.period != nil { period = other.period }
        if other.timeout != nil { timeout = other.timeout }
        if other.threshold != 0 { threshold = other.threshold }
        if let h = other.http {
            var mine = http ?? HTTPCheck()
            if !h.url.isEmpty { mine.url = h.url }
            mine.headers.merge(h.headers) { $1 }
            http = mine
        }
        if let t = other.tcp {
            var mine = tcp ?? TCPCheck()
            if t.port != 0 { mine.port = t.port }
            if !t.host.isEmpty { mine.host = t.host }
            tcp = mine
        }
        if let e = other.exec {
            var mine = exec ?? ExecCheck()
            if !e.command.isEmpty { mine.command = e.command }
            if !e.serviceContext.isEmpty { mine.serviceContext = e.serviceContext }
            mine.environment.merge(e.environment) { $1 }
            if e.userID != nil { mine.userID = e.userID }
            if !e.user.isEmpty { mine.user = e.user }
            if e.groupID != nil { mine.groupID = e.groupID }
            if !e.group.isEmpty { mine.group = e.group }
            if !e.workingDir.isEmpty { mine.workingDir = e.workingDir }
            exec = mine
        }
    }
}

extension LogTarget {
    /// Pebble's `LogTarget.Merge`.
    mutating func merge(_ other: LogTarget) {
        if other.type != .unset { type = other.type }
        if !other.location.isEmpty { location = other.location }
        services += other.services
        labels.merge(other.labels) { $1 }
    }
}
