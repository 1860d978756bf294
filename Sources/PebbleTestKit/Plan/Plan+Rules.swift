import Pebble

/// Pebble's rules for the combined plan (internals/plan/plan.go, `Plan.Validate`, `StartOrder`,
/// `StopOrder`).
extension Plan {
    func validate() throws(PlanError) {
        let q = PebbleQuoting.quote
        for name in services.keys.sorted() where services[name]!.command.isEmpty {
            throw PlanError(.format, "plan must define \"command\" for service \(q(name))")
        }
        for name in checks.keys.sorted() {
            let check = checks[name]!
            var types = 0
            if let http = check.http {
                if http.url.isEmpty { throw PlanError(.format, "plan must set \"url\" for http check \(q(name))") }
                types += 1
            }
            if let tcp = check.tcp {
                if tcp.port == 0 { throw PlanError(.format, "plan must set \"port\" for tcp check \(q(name))") }
                types += 1
            }
            if let exec = check.exec {
                if exec.command.isEmpty { throw PlanError(.format, "plan must set \"command\" for exec check \(q(name))") }
                if !exec.serviceContext.isEmpty, services[exec.serviceContext] == nil {
                    throw PlanError(.format, "plan check \(q(name)) service context specifies non-existent service \(q(exec.serviceContext))")
                }
                types += 1
            }
            if types != 1 { throw PlanError(.format, "plan must specify one of \"http\", \"tcp\", or \"exec\" for check \(q(name))") }
        }
        for name in logTargets.keys.sorted() {
            let target = logTargets[name]!
            if target.type == .unset {
                throw PlanError(.format, "plan must define \"type\" (\"loki\", \"opentelemetry\" or \"syslog\") for log target \(q(name))")
            }
            for service in target.services {
                let bare = service.hasPrefix("-") ? String(service.dropFirst()) : service
                if bare == "all" || services[bare] != nil { continue }
                throw PlanError(.format, "log target \(q(name)) specifies unknown service \(q(bare))")
            }
            if target.location.isEmpty { throw PlanError(.format, "plan must define \"location\" for log target \(q(name))") }
        }
        _ = try order(Array(services.keys), stop: false)
    }

    /// The services to start for `names` (with what they require), in lanes: a lane runs in
    /// order, lanes run side by side.
    func startOrder(_ names: [String]) throws(PlanError) -> [[String]] {
        try lanes(try order(names, stop: false))
    }

    /// The services to stop for `names` (with those that require them), in lanes.
    func stopOrder(_ names: [String]) throws(PlanError) -> [[String]] {
        try lanes(try order(names, stop: true))
    }

    private func order(_ names: [String], stop: Bool) throws(PlanError) -> [String] {
        var predecessors: [String: [String]] = [:]
        if stop {
            for name in services.keys.sorted() {
                for required in services[name]!.requires { predecessors[required, default: []].append(name) }
            }
        }
        var successors: [String: [String]] = [:]
        var pending = names
        var i = 0
        while i < pending.count {
            let name = pending[i]
            i += 1
            if successors[name] != nil { continue }
            successors[name] = []
            if stop {
                pending += predecessors[name] ?? []
            } else {
                guard let service = services[name] else { throw PlanError(.format, "service \(PebbleQuoting.quote(name)) does not exist") }
                pending += service.requires
            }
        }
        for name in successors.keys.sorted() {
            guard let service = services[name] else { throw PlanError(.format, "service \(PebbleQuoting.quote(name)) does not exist") }
            var after = service.after
            var before = service.before
            if stop { swap(&after, &before) }
            for a in after where successors[a] != nil { successors[name]!.append(a) }
            for b in before where successors[b] != nil { successors[b]!.append(name) }
        }
        var result: [String] = []
        for component in Tarjan.sort(successors) {
            if component.count > 1 {
                throw PlanError(.format, "services in before/after loop: \(component.joined(separator: ", "))")
            }
            result.append(component[0])
        }
        return result
    }

    private func lanes(_ names: [String]) throws(PlanError) -> [[String]] {
        var laneOf: [String: Int] = [:]
        var lane = -1
        var maxLane = 0
        func map(_ service: String, _ l: Int) {
            laneOf[service] = l
            for dependency in services[service]?.requires ?? [] { laneOf[dependency] = l }
        }
        for name in names {
            guard let service = services[name] else { throw PlanError(.format, "service \(PebbleQuoting.quote(name)) does not exist") }
            if let existing = laneOf[name] {
                map(name, existing)
                lane = existing
            } else if let l = service.requires.lazy.compactMap({ laneOf[$0] }).first {
                map(name, l)
                lane = l
            } else {
                lane += 1
                map(name, lane)
            }
            maxLane = max(maxLane, lane)
        }
        var result = Array(repeating: [String](), count: maxLane + 1)
        for name in names { result[laneOf[name]!].append(name) }
        return result
    }
}

/// Tarjan's strongly connected components, iterated in sorted order for stable output
/// (internals/plan/tarjan.go): components come out dependencies first.
enum Tarjan {
    static func sort(_ successors: [String: [String]]) -> [[String]] {
        var index: [String: Int] = [:]
        var lowlink: [Int] = []
        var stacked: [Bool] = []
        var stack: [String] = []
        var output: [[String]] = []
        func connect(_ id: String) -> Int {
            let i = lowlink.count
            index[id] = i
            stack.append(id)
            lowlink.append(i)
            stacked.append(true)
            for next in successors[id] ?? [] {
                if let j = index[next] {
                    if stacked[j], j < lowlink[i] { lowlink[i] = j }
                } else {
                    let low = connect(next)
                    if low < lowlink[i] { lowlink[i] = low }
                }
            }
            if lowlink[i] == i {
                var component: [String] = []
                while let top = stack.popLast() {
                    stacked[index[top]!] = false
                    component.append(top)
                    if top == id { break }
                }
                output.append(component.count > 1 ? component.sorted() : component)
            }
            return lowlink[i]
        }
        for id in successors.keys.sorted() where index[id] == nil { _ = connect(id) }
        return output
    }
}
