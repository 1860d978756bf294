import JujuYAML

/// Why a layer's YAML could not be read, in Pebble's words (`cannot parse layer "x" section
/// "services": yaml: unmarshal errors: ...`).
package struct LayerDecodingError: Error, Sendable, Hashable {
    package var message: String
    /// A `Layer.Validate` rule checked while decoding (a null entry): reported without the
    /// `cannot parse layer "x" section "y": ` prefix, as Pebble reports it.
    package var isValidation: Bool
    package init(_ message: String, isValidation: Bool = false) {
        self.message = message
        self.isValidation = isValidation
    }
}

/// Reads layers and plans from YAML as Pebble does (internals/plan/plan.go, `ParseLayer`): the
/// document is a mapping of sections; each known section is decoded on its own, type errors are
/// collected as yaml.v3 collects them (`line N: cannot unmarshal !!seq into string`), and a
/// custom field error (a bad duration) stops at once.
///
/// With `strict`, unknown fields are errors, as Pebble's `KnownFields(true)`; without, they are
/// ignored (the client reading a newer Pebble's plan).
package struct LayerDecoder {
    package var strict: Bool
    private var errors: [String] = []

    package init(strict: Bool) {
        self.strict = strict
    }

    /// A layer from YAML text; `label` only names it in error messages.
    package static func layer(yaml text: String, label: String, strict: Bool) throws(LayerDecodingError) -> Layer {
        var layer = Layer()
        let sections = try topLevel(text, label: label)
        for (name, node) in sections {
            var decoder = LayerDecoder(strict: strict)
            let section = try decoder.reparsed(node, label: label, section: name)
            switch name {
            case "summary": layer.summary = try decoder.finish(label: label, section: name) { d in d.string(section, type: "string") }
            case "description": layer.description = try decoder.finish(label: label, section: name) { d in d.string(section, type: "string") }
            case "services": layer.services = try decoder.finish(label: label, section: name) { d throws(LayerDecodingError) in try d.services(section) }
            case "checks": layer.checks = try decoder.finish(label: label, section: name) { d throws(LayerDecodingError) in try d.checks(section) }
            case "log-targets": layer.logTargets = try decoder.finish(label: label, section: name) { d throws(LayerDecodingError) in try d.logTargets(section) }
            default:
                if strict { throw LayerDecodingError("cannot parse layer \(quote(label)): unknown section \(quote(name))") }
            }
        }
        return layer
    }

    /// A plan from `GET /v1/plan` YAML (unknown fields and sections ignored).
    package static func plan(yaml text: String) throws(LayerDecodingError) -> Plan {
        let layer = try self.layer(yaml: text, label: "plan", strict: false)
        return Plan(services: layer.services, checks: layer.checks, logTargets: layer.logTargets, yaml: text)
    }

    /// The document as (section, node) pairs, in document order.
    private static func topLevel(_ text: String, label: String) throws(LayerDecodingError) -> [(String, YAMLNode)] {
        let document: YAMLNode?
        do {
            document = try YAMLParser().parse(text)
        } catch {
            if error.code == .duplicateKey, let mark = error.mark {
                throw LayerDecodingError("cannot parse layer \(quote(label)): yaml: unmarshal errors:\n  line \(mark.line): \(error.reason)")
            }
            throw LayerDecodingError("cannot parse layer \(quote(label)): \(error)")
        }
        guard let document, !document.isNull else { return [] }
        guard let pairs = document.mappingPairs else {
            throw LayerDecodingError("cannot parse layer \(quote(label)): yaml: unmarshal errors:\n  line \(document.mark.line): \(cannotUnmarshal(document, into: "map[string]yaml.Node"))")
        }
        return pairs.map { ($0.key.scalar?.text ?? "", $0.value) }
    }

    /// Pebble re-marshals a section before decoding it (`SectionDecode`), so the lines in its
    /// errors count from the section's own text: do the same.
    private func reparsed(_ node: YAMLNode, label: String, section: String) throws(LayerDecodingError) -> YAMLNode {
        guard strict else { return node }
        do {
            return try YAMLParser().parse(YAMLEmitter().emit(node)) ?? node
        } catch {
            return node
        }
    }

    private mutating func finish<T>(label: String, section: String,
                                    _ body: (inout LayerDecoder) throws(LayerDecodingError) -> T) throws(LayerDecodingError) -> T {
        let value: T
        do {
            value = try body(&self)
        } catch {
            if error.isValidation { throw error }
            throw LayerDecodingError("cannot parse layer \(Self.quote(label)) section \(Self.quote(section)): \(error.message)")
        }
        if !errors.isEmpty {
            throw LayerDecodingError("cannot parse layer \(Self.quote(label)) section \(Self.quote(section)): yaml: unmarshal errors:\n  "
                                     + errors.joined(separator: "\n  "))
        }
        return value
    }

    // MARK: - Sections

    private mutating func services(_ node: YAMLNode) throws(LayerDecodingError) -> [String: Service] {
        var result: [String: Service] = [:]
        for (name, value) in entries(node, type: "map[string]*plan.Service") {
            if value.isNull { throw LayerDecodingError("service object cannot be null for service \(Self.quote(name))", isValidation: true) }
            guard let fields = structFields(value, type: "plan.Service") else { continue }
            var s = Service()
            for (key, v) in fields {
                switch key.scalar?.text ?? "" {
                case "summary": s.summary = string(v, type: "string")
                case "description": s.description = string(v, type: "string")
                case "startup": s.startup = ServiceStartup(rawValue: string(v, type: "plan.ServiceStartup"))
                case "override": s.override = Override(rawValue: string(v, type: "plan.Override"))
                case "command": s.command = string(v, type: "string")
                case "after": s.after = strings(v)
                case "before": s.before = strings(v)
                case "requires": s.requires = strings(v)
                case "workload": s.workload = string(v, type: "string")
                case "environment": s.environment = stringMap(v, type: "map[string]string")
                case "user-id": s.userID = int(v)
                case "user": s.user = string(v, type: "string")
                case "group-id": s.groupID = int(v)
                case "group": s.group = string(v, type: "string")
                case "working-dir": s.workingDir = string(v, type: "string")
                case "on-success": s.onSuccess = ServiceAction(rawValue: string(v, type: "plan.ServiceAction"))
                case "on-failure": s.onFailure = ServiceAction(rawValue: string(v, type: "plan.ServiceAction"))
                case "on-check-failure":
                    s.onCheckFailure = stringMap(v, type: "map[string]plan.ServiceAction").mapValues { ServiceAction(rawValue: $0) }
                case "backoff-delay": s.backoffDelay = try duration(v)
                case "backoff-factor": s.backoffFactor = try float(v)
                case "backoff-limit": s.backoffLimit = try duration(v)
                case "kill-delay": s.killDelay = try duration(v)
                default: unknown(key, in: "plan.Service")
                }
            }
            result[name] = s
        }
        return result
    }

    private mutating func checks(_ node: YAMLNode) throws(LayerDecodingError) -> [String: Check] {
        var result: [String: Check] = [:]
        for (name, value) in entries(node, type: "map[string]*plan.Check") {
            if value.isNull { throw LayerDecodingError("check object cannot be null for check \(Self.quote(name))", isValidation: true) }
            guard let fields = structFields(value, type: "plan.Check") else { continue }
            var c = Check()
            for (key, v) in fields {
                switch key.scalar?.text ?? "" {
                case "override": c.override = Override(rawValue: string(v, type: "plan.Override"))
                case "level": c.level = CheckLevel(rawValue: string(v, type: "plan.CheckLevel"))
                case "startup": c.startup = CheckStartup(rawValue: string(v, type: "plan.CheckStartup"))
                case "period": c.period = try duration(v)
                case "timeout": c.timeout = try duration(v)
                case "threshold": c.threshold = int(v) ?? 0
                case "http":
                    guard !v.isNull, let f = structFields(v, type: "plan.HTTPCheck") else { break }
                    var h = HTTPCheck()
                    for (k, x) in f {
                        switch k.scalar?.text ?? "" {
                        case "url": h.url = string(x, type: "string")
                        case "headers": h.headers = stringMap(x, type: "map[string]string")
                        default: unknown(k, in: "plan.HTTPCheck")
                        }
                    }
                    c.http = h
                case "tcp":
                    guard !v.isNull, let f = structFields(v, type: "plan.TCPCheck") else { break }
                    var t = TCPCheck()
                    for (k, x) in f {
                        switch k.scalar?.text ?? "" {
                        case "port": t.port = int(x) ?? 0
                        case "host": t.host = string(x, type: "string")
                        default: unknown(k, in: "plan.TCPCheck")
                        }
                    }
                    c.tcp = t
                case "exec":
                    guard !v.isNull, let f = structFields(v, type: "plan.ExecCheck") else { break }
                    var e = ExecCheck()
                    for (k, x) in f {
                        switch k.scalar?.text ?? "" {
                        case "command": e.command = string(x, type: "string")
                        case "service-context": e.serviceContext = string(x, type: "string")
                        case "environment": e.environment = stringMap(x, type: "map[string]string")
                        case "user-id": e.userID = int(x)
                        case "user": e.user = string(x, type: "string")
                        case "group-id": e.groupID = int(x)
                        case "group": e.group = string(x, type: "string")
                        case "working-dir": e.workingDir = string(x, type: "string")
                        default: unknown(k, in: "plan.ExecCheck")
                        }
                    }
                    c.exec = e
                default: unknown(key, in: "plan.Check")
                }
            }
            result[name] = c
        }
        return result
    }

    private mutating func logTargets(_ node: YAMLNode) throws(LayerDecodingError) -> [String: LogTarget] {
        var result: [String: LogTarget] = [:]
        for (name, value) in entries(node, type: "map[string]*plan.LogTarget") {
            if value.isNull {
                throw LayerDecodingError("log target object cannot be null for log target \(Self.quote(name))", isValidation: true)
            }
            guard let fields = structFields(value, type: "plan.LogTarget") else { continue }
            var t = LogTarget()
            for (key, v) in fields {
                switch key.scalar?.text ?? "" {
                case "type": t.type = LogTargetType(rawValue: string(v, type: "plan.LogTargetType"))
                case "location": t.location = string(v, type: "string")
                case "services": t.services = strings(v)
                case "override": t.override = Override(rawValue: string(v, type: "plan.Override"))
                case "labels": t.labels = stringMap(v, type: "map[string]string")
                default: unknown(key, in: "plan.LogTarget")
                }
            }
            result[name] = t
        }
        return result
    }

    // MARK: - Values, as yaml.v3 decodes them into Go types

    private mutating func entries(_ node: YAMLNode, type: String) -> [(String, YAMLNode)] {
        if node.isNull { return [] }
        guard let pairs = node.mappingPairs else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: type))")
            return []
        }
        return pairs.map { ($0.key.scalar?.text ?? "", $0.value) }
    }

    private mutating func structFields(_ node: YAMLNode, type: String) -> [(YAMLNode, YAMLNode)]? {
        guard let pairs = node.mappingPairs else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: type))")
            return nil
        }
        return pairs.map { ($0.key, $0.value) }
    }

    private mutating func unknown(_ key: YAMLNode, in type: String) {
        if strict { errors.append("line \(key.mark.line): field \(key.scalar?.text ?? "?") not found in type \(type)") }
    }

    private mutating func string(_ node: YAMLNode, type: String) -> String {
        guard let scalar = node.scalar else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: type))")
            return ""
        }
        return scalar.resolvedTag == YAMLScalar.nullTag ? "" : scalar.text
    }

    private mutating func strings(_ node: YAMLNode) -> [String] {
        if node.isNull { return [] }
        guard let items = node.sequenceItems else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: "[]string"))")
            return []
        }
        return items.map { string($0, type: "string") }
    }

    private mutating func stringMap(_ node: YAMLNode, type: String) -> [String: String] {
        if node.isNull { return [:] }
        guard let pairs = node.mappingPairs else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: type))")
            return [:]
        }
        var result: [String: String] = [:]
        for pair in pairs {
            result[string(pair.key, type: "string")] = string(pair.value, type: "string")
        }
        return result
    }

    private mutating func int(_ node: YAMLNode) -> Int? {
        guard let scalar = node.scalar else {
            errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: "int"))")
            return nil
        }
        switch scalar.resolvedTag {
        case YAMLScalar.nullTag: return nil
        case YAMLScalar.intTag:
            if let value = scalar.intValue { return value }
        case YAMLScalar.floatTag:
            // yaml.v3 truncates a float that fits.
            if let d = scalar.doubleValue, d.isFinite, d >= -9.2e18, d <= 9.2e18 { return Int(d) }
        default: break
        }
        errors.append("line \(node.mark.line): \(Self.cannotUnmarshal(node, into: "int"))")
        return nil
    }

    private func duration(_ node: YAMLNode) throws(LayerDecodingError) -> Duration? {
        guard let scalar = node.scalar else { throw LayerDecodingError("duration must be a YAML string") }
        guard let value = GoDuration.parse(scalar.text) else { throw LayerDecodingError("invalid duration \(Self.quote(scalar.text))") }
        return value
    }

    private func float(_ node: YAMLNode) throws(LayerDecodingError) -> Double? {
        guard let scalar = node.scalar else { throw LayerDecodingError("value must be a YAML number") }
        guard let value = Self.parseGoFloat(scalar.text) ?? (strict ? nil : Self.yamlSpecialFloat(scalar.text)) else {
            throw LayerDecodingError("invalid floating-point number \(Self.quote(scalar.text))")
        }
        return value
    }

    /// yaml.v3's spellings of the special floats (`.inf`, `-.inf`, `.nan`), which is how Pebble's
    /// plan writes a non-finite `backoff-factor` (a NaN passes its range check) and how
    /// ``Layer/yaml()`` writes one. Pebble's own `strconv.ParseFloat` refuses them, so only the
    /// lenient reader (plans and layers read by the client) takes them.
    static func yamlSpecialFloat(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return nil
        }
    }

    /// Go's `strconv.ParseFloat` for the forms a layer uses (decimal, exponent, inf, nan).
    static func parseGoFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE_".contains($0)) }) else { return nil }
        return Double(text)
    }

    static func cannotUnmarshal(_ node: YAMLNode, into type: String) -> String {
        switch node.content {
        case .mapping: return "cannot unmarshal !!map into \(type)"
        case .sequence: return "cannot unmarshal !!seq into \(type)"
        case .scalar(let s):
            // yaml.v3 cuts a value over 10 bytes to its first 7 and `...`.
            let bytes = Array(s.text.utf8)
            let value = bytes.count > 10 ? String(decoding: bytes.prefix(7), as: UTF8.self) + "..." : s.text
            return "cannot unmarshal \(s.shortTag) `\(value)` into \(type)"
        }
    }

    /// Go's `%q` for the texts Pebble quotes (labels, names, values).
    package static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
