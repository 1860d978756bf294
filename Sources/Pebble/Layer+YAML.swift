import JujuYAML

extension Layer {
    /// Reads a layer from YAML (unknown fields are ignored; the daemon is stricter).
    public init(yaml text: String) throws(PebbleError) {
        do {
            self = try LayerDecoder.layer(yaml: text, label: "layer", strict: false)
        } catch {
            throw PebbleError(.invalidLayer, message: error.message)
        }
    }

    /// The layer as YAML, fields in Pebble's order (summary, description, services, checks,
    /// log-targets), unset fields left out, names sorted.
    public func yaml() -> String {
        (try? YAMLEmitter().emit(yamlNode())) ?? ""
    }

    /// The layer as a YAML node.
    public func yamlNode() -> YAMLNode {
        var pairs: [(String, YAMLNode)] = []
        if !summary.isEmpty { pairs.append(("summary", .string(summary))) }
        if !description.isEmpty { pairs.append(("description", .string(description))) }
        PlanSections.append(services: services, checks: checks, logTargets: logTargets, to: &pairs)
        return .mapping(pairs)
    }
}

extension Plan {
    /// Reads a plan from the YAML of `GET /v1/plan?format=yaml`.
    public init(yaml text: String) throws(PebbleError) {
        do {
            self = try LayerDecoder.plan(yaml: text)
        } catch {
            throw PebbleError(.protocolError, message: "cannot read the plan Pebble sent: \(error.message)")
        }
    }

    /// The plan as YAML in Pebble's layout (services, checks, log-targets; `{}` when empty).
    public func yamlText() -> String {
        var pairs: [(String, YAMLNode)] = []
        PlanSections.append(services: services, checks: checks, logTargets: logTargets, to: &pairs)
        return (try? YAMLEmitter().emit(.mapping(pairs))) ?? "{}\n"
    }
}

/// Writes the sections shared by layers and plans, in the field order of Pebble's Go structs
/// (internals/plan/plan.go), leaving out what Pebble's `omitempty` leaves out.
enum PlanSections {
    static func append(services: [String: Service], checks: [String: Check], logTargets: [String: LogTarget],
                       to pairs: inout [(String, YAMLNode)]) {
        if !services.isEmpty {
            pairs.append(("services", .mapping(naturallySorted(services.keys).map { ($0, node(services[$0]!)) })))
        }
        if !checks.isEmpty {
            pairs.append(("checks", .mapping(naturallySorted(checks.keys).map { ($0, node(checks[$0]!)) })))
        }
        if !logTargets.isEmpty {
            pairs.append(("log-targets", .mapping(naturallySorted(logTargets.keys).map { ($0, node(logTargets[$0]!)) })))
        }
    }

    static func node(_ s: Service) -> YAMLNode {
        var p: [(String, YAMLNode)] = []
        add(&p, "summary", s.summary)
        add(&p, "description", s.description)
        add(&p, "startup", s.startup.rawValue)
        add(&p, "override", s.override.rawValue)
        add(&p, "command", s.command)
        add(&p, "after", s.after)
        add(&p, "before", s.before)
        add(&p, "requires", s.requires)
        add(&p, "workload", s.workload)
        add(&p, "environment", s.environment)
        if let id = s.userID { p.append(("user-id", .int(id))) }
        add(&p, "user", s.user)
        if let id = s.groupID { p.append(("group-id", .int(id))) }
        add(&p, "group", s.group)
        add(&p, "working-dir", s.workingDir)
        add(&p, "on-success", s.onSuccess.rawValue)
        add(&p, "on-failure", s.onFailure.rawValue)
        add(&p, "on-check-failure", s.onCheckFailure.mapValues(\.rawValue))
        if let d = s.backoffDelay { p.append(("backoff-delay", .string(GoDuration.format(d)))) }
        if let f = s.backoffFactor { p.append(("backoff-factor", goFloat(f))) }
        if let d = s.backoffLimit { p.append(("backoff-limit", .string(GoDuration.format(d)))) }
        if let d = s.killDelay { p.append(("kill-delay", .string(GoDuration.format(d)))) }
        return .mapping(p)
    }

    static func node(_ c: Check) -> YAMLNode {
        var p: [(String, YAMLNode)] = []
        add(&p, "override", c.override.rawValue)
        add(&p, "level", c.level.rawValue)
        add(&p, "startup", c.startup.rawValue)
        if let d = c.period { p.append(("period", .string(GoDuration.format(d)))) }
        if let d = c.timeout { p.append(("timeout", .string(GoDuration.format(d)))) }
        if c.threshold != 0 { p.append(("threshold", .int(c.threshold))) }
        if let h = c.http {
            var q: [(String, YAMLNode)] = []
            add(&q, "url", h.url)
            add(&q, "headers", h.headers)
            p.append(("http", .mapping(q)))
        }
        if let t = c.tcp {
            var q: [(String, YAMLNode)] = []
            if t.port != 0 { q.append(("port", .int(t.port))) }
            add(&q, "host", t.host)
            p.append(("tcp", .mapping(q)))
        }
        if let e = c.exec {
            var q: [(String, YAMLNode)] = []
            add(&q, "command", e.command)
            add(&q, "service-context", e.serviceContext)
            add(&q, "environment", e.environment)
            if let id = e.userID { q.append(("user-id", .int(id))) }
            add(&q, "user", e.user)
            if let id = e.groupID { q.append(("group-id", .int(id))) }
            add(&q, "group", e.group)
            add(&q, "working-dir", e.workingDir)
            p.append(("exec", .mapping(q)))
        }
        return .mapping(p)
    }

    /// `type`, `location` and `services` have no `omitempty` in Pebble: always written.
    static func node(_ t: LogTarget) -> YAMLNode {
        var p: [(String, YAMLNode)] = [
            ("type", .string(t.type.rawValue)), ("location", .string(t.location)),
            ("services", .sequence(t.services.map { .string($0) })),
        ]
        add(&p, "override", t.override.rawValue)
        add(&p, "labels", t.labels)
        return .mapping(p)
    }

    static func add(_ p: inout [(String, YAMLNode)], _ key: String, _ value: String) {
        if !value.isEmpty { p.append((key, .string(value))) }
    }

    static func add(_ p: inout [(String, YAMLNode)], _ key: String, _ value: [String]) {
        if !value.isEmpty { p.append((key, .sequence(value.map { .string($0) }))) }
    }

    static func add(_ p: inout [(String, YAMLNode)], _ key: String, _ value: [String: String]) {
        if !value.isEmpty { p.append((key, .mapping(naturallySorted(value.keys).map { ($0, .string(value[$0]!)) }))) }
    }

    /// yaml.v3's order for map keys, made deterministic: that order is not a strict weak order
    /// for every set of keys (it is not always transitive), so the keys are put in byte order
    /// first and then sorted stably by it; the same keys always come out in the same order.
    static func naturallySorted<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        // The standard library's sort is stable and deterministic, so the same byte-ordered input
        // gives the same output whatever the comparator does.
        keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.sorted(by: naturalLess)
    }

    /// yaml.v3's order for map keys: runs of digits compare as numbers (`a2` before `a10`);
    /// where a letter meets a non-letter, the letter goes last unless a digit came just before.
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.properties.numericType == .decimal }
        func isLetter(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic }
        func value(_ s: Unicode.Scalar) -> Int64 { Int64(s.value) - 48 }
        var afterDigit = false
        var i = 0
        while i < x.count && i < y.count {
            if x[i] == y[i] {
                afterDigit = isDigit(x[i])
                i += 1
                continue
            }
            let xl = isLetter(x[i]), yl = isLetter(y[i])
            if xl && yl { return x[i].value < y[i].value }
            if xl || yl { return afterDigit ? xl : yl }
            var xn: Int64 = 0, yn: Int64 = 0
            if x[i] == "0" || y[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(x[j]) {
                    if x[j] != "0" { xn = 1; yn = 1; break }
                    j -= 1
                }
            }
            var xi = i, yi = i
            while xi < x.count && isDigit(x[xi]) { xn = xn &* 10 &+ value(x[xi]); xi += 1 }
            while yi < y.count && isDigit(y[yi]) { yn = yn &* 10 &+ value(y[yi]); yi += 1 }
            if xn != yn { return xn < yn }
            if xi != yi { return xi < yi }
            return x[i].value < y[i].value
        }
        return x.count < y.count
    }

    /// A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes the usual values (`2`, `1.5`).
    /// A whole number is written without a point and without a tag, as Pebble writes it: it reads
    /// back as an integer, which a float field accepts (a `!!float` tag would keep the type but
    /// not Pebble's text).
    static func goFloat(_ value: Double) -> YAMLNode {
        if value.isFinite, value == value.rounded(), abs(value) < 1e6 {
            return YAMLNode(.scalar(YAMLScalar(text: String(Int(value)), style: .plain)))
        }
        return .double(value)
    }
}
