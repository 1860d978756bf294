import Pebble

/// Pebble's rules for a single layer (internals/plan/plan.go, `Layer.Validate`), checked when
/// a layer is added.
extension Layer {
    func validate(label: String) throws(PlanError) {
        func fail(_ m: String) -> PlanError { PlanError(.format, m) }
        let q = PebbleQuoting.quote
        if label.hasPrefix("pebble-") { throw fail(#"cannot use reserved label prefix "pebble-""#) }
        for name in services.keys.sorted() {
            let service = services[name]!
            if name.isEmpty { throw fail("cannot use empty string as service name") }
            if name == "pebble" { throw fail("cannot use reserved service name \(q(name))") }
            if name.hasPrefix("-") { throw fail("cannot use service name \(q(name)): starting with \"-\" not allowed") }
            do { _ = try ShellWords.parseCommand(service.command, service: name) } catch {
                throw fail("plan service \(q(name)) command invalid: \(error.message)")
            }
            if !Self.validAction(service.onSuccess, also: .failureShutdown) {
                throw fail("plan service \(q(name)) on-success action \(q(service.onSuccess.rawValue)) invalid")
            }
            if !Self.validAction(service.onFailure, also: .successShutdown) {
                throw fail("plan service \(q(name)) on-failure action \(q(service.onFailure.rawValue)) invalid")
            }
            for action in service.onCheckFailure.values where !Self.validAction(action, also: .successShutdown) {
                throw fail("plan service \(q(name)) on-check-failure action \(q(action.rawValue)) invalid")
            }
            if let factor = service.backoffFactor, factor < 1 {
                throw fail("plan service \(q(name)) backoff-factor must be 1.0 or greater, not \(Self.goG(factor))")
            }
        }
        for name in checks.keys.sorted() {
            let check = checks[name]!
            if name.isEmpty { throw fail("cannot use empty string as check name") }
            if ![.unset, .alive, .ready].contains(check.level) { throw fail("plan check \(q(name)) level must be \"alive\" or \"ready\"") }
            if ![.unset, .enabled, .disabled].contains(check.startup) {
                throw fail("plan check \(q(name)) startup must be \"enabled\" or \"disabled\"")
            }
            if check.period == .zero { throw fail("plan check \(q(name)) period must not be zero") }
            if check.timeout == .zero { throw fail("plan check \(q(name)) timeout must not be zero") }
            if let exec = check.exec {
                do { _ = try ShellWords.split(exec.command) } catch {
                    throw fail("plan check \(q(name)) command invalid: \(error.message)")
                }
                do { _ = try Accounts.normalize(userID: exec.userID, groupID: exec.groupID, user: exec.user, group: exec.group) } catch {
                    throw fail("plan check \(q(name)) has invalid user/group: \(error.message)")
                }
            }
        }
        for name in logTargets.keys.sorted() {
            let target = logTargets[name]!
            for label in target.labels.keys.sorted() where label.hasPrefix("pebble_") {
                throw fail("log target \(q(name)): label \(q(label)) uses reserved prefix \"pebble_\"")
            }
            if ![.unset, .loki, .opentelemetry, .syslog].contains(target.type) {
                throw fail("log target \(q(name)) has unsupported type \(q(target.type.rawValue)), must be \"loki\", \"opentelemetry\" or \"syslog\"")
            }
        }
    }

    static func validAction(_ action: ServiceAction, also extra: ServiceAction) -> Bool {
        action == extra || [.unset, .restart, .shutdown, .ignore].contains(action)
    }

    /// Go's `%g` for the values a backoff factor takes.
    static func goG(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
