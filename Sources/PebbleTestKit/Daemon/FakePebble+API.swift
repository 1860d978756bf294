import JujuJSON
import Pebble

/// The routes (internals/daemon/api*.go), matched by path, then by method.
extension FakePebble {
    enum Access { case open, user, admin }

    /// Answers one API request as Pebble would. `peerUID` is the caller's uid (the socket's
    /// SO_PEERCRED); `nil` (in memory) counts as this process's user.
    public func respond(to request: PebbleRequest, peerUID: UInt32? = nil) -> PebbleResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 3, segments[0].isEmpty, segments[1] == "v1" else { return notFound() }
        let rest = Array(segments[2...])
        typealias Handler = (PebbleRequest) -> PebbleResponse
        var get: Handler?
        var post: Handler?
        var readAccess = Access.user
        var writeAccess = Access.admin
        switch rest.count {
        case 1:
            switch rest[0] {
            case "system-info": get = systemInfo; readAccess = .open
            case "health": get = health; readAccess = .open
            case "changes": get = listChanges
            case "services": get = getServices; post = postServices
            case "plan": get = getPlan; readAccess = .admin
            case "layers": post = postLayers
            case "files": get = getFiles; post = postFiles; readAccess = .admin
            case "signals": post = postSignals
            case "checks": get = getChecks; post = postChecks
            case "notices": get = { self.getNotices($0, peerUID) }; post = { self.postNotices($0, peerUID) }; writeAccess = .user
            default: return notFound()
            }
        case 2:
            let id = rest[1]
            guard !id.isEmpty else { return notFound() }
            switch rest[0] {
            case "changes": get = { _ in self.getChange(id) }; post = { self.postChange(id, $0) }
            case "services": get = { _ in APIResponses.badRequest("not implemented") }; post = { _ in APIResponses.badRequest("not implemented") }
            case "checks" where id == "refresh": post = postCheckRefresh
            case "notices": get = { self.getNotice(id, $0, peerUID) }
            default: return notFound()
            }
        case 3 where rest[0] == "changes" && rest[2] == "wait" && !rest[1].isEmpty:
            let id = rest[1]
            get = { self.waitChange(id, $0) }
        default:
            return notFound()
        }
        let handler: Handler
        let access: Access
        switch request.method {
        case "GET":
            guard let get else { return APIResponses.error(405, "method \"GET\" not allowed") }
            handler = get
            access = readAccess
        case "POST":
            guard let post else { return APIResponses.error(405, "method \"POST\" not allowed") }
            handler = post
            access = writeAccess
        default:
            return APIResponses.error(405, "method \(PebbleQuoting.quote(request.method)) not allowed")
        }
        if access == .admin, let uid = peerUID, uid != 0, uid != daemonUID, !options.adminUIDs.contains(uid) {
            return APIResponses.error(401, "access denied")
        }
        return handler(request)
    }

    func notFound() -> PebbleResponse { APIResponses.error(404, "invalid API endpoint requested") }

    // MARK: - System, health, plan, layers

    func systemInfo(_ request: PebbleRequest) -> PebbleResponse {
        APIResponses.sync(SystemInfo(version: options.version, bootID: bootID).jsonValue)
    }

    func health(_ request: PebbleRequest) -> PebbleResponse {
        let level = CheckLevel(rawValue: request.queryValue("level") ?? "")
        guard [.unset, .alive, .ready].contains(level) else { return APIResponses.badRequest("level must be \"alive\" or \"ready\"") }
        let names = request.commaList("names")
        let healthy = lock.withLock {
            checks.values.allSatisfy { check in
                let levelMatch = level == .unset || level == check.level || (level == .ready && check.level == .alive)
                let nameMatch = names.isEmpty || names.contains(check.name)
                return !(levelMatch && nameMatch && check.status == .down)
            }
        }
        return APIResponses.sync(.object(["healthy": .bool(healthy)]), status: healthy ? 200 : 502)
    }

    func getPlan(_ request: PebbleRequest) -> PebbleResponse {
        let format = request.queryValue("format") ?? ""
        guard format == "yaml" else { return APIResponses.badRequest("invalid format \(PebbleQuoting.quote(format))") }
        return APIResponses.sync(.string(lock.withLock { planManager.plan.yamlText() }))
    }

    func postLayers(_ request: PebbleRequest) -> PebbleResponse {
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode request body").get()
            let action = try body.string("action")
            let combine = try body.bool("combine")
            let inner = try body.bool("inner")
            let label = try body.string("label")
            let format = try body.string("format")
            let layer = try body.string("layer")
            guard action == "add" else { return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))") }
            guard !label.isEmpty else { return APIResponses.badRequest("label must be set") }
            guard format == "yaml" else { return APIResponses.badRequest("invalid format \(PebbleQuoting.quote(format))") }
            return locked { () -> PebbleResponse in
                do throws(PlanError) {
                    try planManager.add(yaml: layer, label: label, combine: combine, inner: inner)
                } catch {
                    if error.code == .other { return APIResponses.error(500, error.message) }
                    // A parse or single-layer validation error reads `cannot parse layer YAML: ...`; the others are as they are.
                    if error.code == .parse { return APIResponses.badRequest("cannot parse layer YAML: \(error.message)") }
                    return APIResponses.badRequest(error.message)
                }
                planChangedChecksLocked()
                dirty = true
                return APIResponses.sync(.bool(true))
            }
        } catch {
            return error.response
        }
    }

    // MARK: - Services

    func getServices(_ request: PebbleRequest) -> PebbleResponse {
        let names = request.commaList("names")
        return APIResponses.sync(.array(lock.withLock { serviceInfosLocked(names: names) }.map(\.jsonValue)))
    }

    func postServices(_ request: PebbleRequest) -> PebbleResponse {
        let action: String
        var names: [String]
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode data from request body").get()
            action = try body.string("action")
            names = try body.strings("services")
        } catch {
            return error.response
        }
        return locked { () -> PebbleResponse in
            switch action {
            case "replan", "autostart":
                if !names.isEmpty { return APIResponses.badRequest("\(action) accepts no service names") }
                if action == "autostart" {
                    let plan = planManager.plan
                    let enabled = plan.services.keys.sorted().filter { plan.services[$0]!.startup == .enabled }
                    do throws(PlanError) { names = try plan.startOrder(enabled).flatMap { $0 } } catch { return APIResponses.error(500, error.message) }
                    if names.isEmpty { return APIResponses.error(400, "no default services", kind: "no-default-services") }
                }
            default:
                if names.isEmpty { return APIResponses.badRequest("must specify services for \(action) action") }
            }
            let plan = planManager.plan
            var stopLanes: [[String]] = []
            var startLanes: [[String]] = []
            var lanes: [[String]] = []
            var serviceNames = names
            do throws(PlanError) {
                switch action {
                case "start", "autostart":
                    startLanes = try plan.startOrder(names)
                    lanes = startLanes
                case "stop":
                    stopLanes = try plan.stopOrder(names)
                    lanes = stopLanes
                case "restart":
                    stopLanes = try plan.stopOrder(names).map { $0.filter(names.contains) }.filter { !$0.isEmpty }
                    startLanes = try plan.startOrder(names)
                    lanes = startLanes
                case "replan":
                    (stopLanes, startLanes) = try replanLocked()
                    replanChecksLocked()
                    serviceNames = Array(Set(stopLanes.flatMap { $0 } + startLanes.flatMap { $0 })).sorted()
                    // Pebble counts the sorted union for a replan (its `lanes` stay empty there).
                    lanes = []
                default:
                    return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))")
                }
            } catch {
                return APIResponses.badRequest("cannot \(action) services: \(error.message)")
            }
            let title = action.prefix(1).uppercased() + action.dropFirst()
            let counted = action == "replan" ? serviceNames : lanes.flatMap { $0 }
            // Pebble tests the task count: lanes of no services still come back as one empty lane.
            if stopLanes.allSatisfy(\.isEmpty) && startLanes.allSatisfy(\.isEmpty) {
                // Made without tasks (Hold, a first notice), then marked Done (a second one).
                let change = newChangeLocked(kind: action, summary: "\(title) - no services")
                noteChangeStatusLocked(change)
                changes[change]!.explicitStatus = .done
                startChangeLocked(change)
                dirty = true
                return APIResponses.async(change: change)
            }
            let first = serviceNames.first ?? ""
            let summary = counted.count == 1 ? "\(title) service \(PebbleQuoting.quote(first))"
                : "\(title) service \(PebbleQuoting.quote(first)) and \(counted.count - 1) more"
            let change = newChangeLocked(kind: action, summary: summary)
            changes[change]!.serviceNames = serviceNames
            let stops = addTasksLocked(stopLanes, to: change, kind: "stop")
            let starts = addTasksLocked(startLanes, to: change, kind: "start")
            for id in starts { tasks[id]!.waitFor += stops }
            startChangeLocked(change)
            dirty = true
            return APIResponses.async(change: change)
        }
    }

    func postSignals(_ request: PebbleRequest) -> PebbleResponse {
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode request body").get()
            let signal = try body.string("signal")
            let names = try body.strings("services")
            guard !names.isEmpty else { return APIResponses.badRequest("must specify one or more services") }
            let errors = locked { names.compactMap { sendSignalLocked($0, signal) } }
            if !errors.isEmpty { return APIResponses.error(500, errors.joined(separator: "; ")) }
            return APIResponses.sync(.bool(true))
        } catch {
            return error.response
        }
    }

    // MARK: - Changes

    func listChanges(_ request: PebbleRequest) -> PebbleResponse {
        let select = request.queryValue("select").flatMap { $0.isEmpty ? nil : $0 } ?? "in-progress"
        guard ["all", "in-progress", "ready"].contains(select) else {
            return APIResponses.badRequest("select should be one of: all,in-progress,ready")
        }
        let wanted = request.queryValue("for").flatMap { $0.isEmpty ? nil : $0 }
        let result: [JSONValue] = lock.withLock {
            changes.keys.sorted().compactMap { id in
                let change = changes[id]!
                let ready = isChangeReadyLocked(id)
                if select == "in-progress" && ready || select == "ready" && !ready { return nil }
                if let wanted, !(change.serviceNames ?? []).contains(wanted) { return nil }
                return change.info(tasks).jsonValue
            }
        }
        return APIResponses.sync(.array(result))
    }

    func getChange(_ id: String) -> PebbleResponse {
        lock.withLock {
            guard let number = Int(id), let change = changes[number] else {
                return APIResponses.error(404, "cannot find change with id \(PebbleQuoting.quote(id))")
            }
            return APIResponses.sync(change.info(tasks).jsonValue)
        }
    }

    func postChange(_ id: String, _ request: PebbleRequest) -> PebbleResponse {
        guard let number = Int(id), lock.withLock({ changes[number] != nil }) else {
            return APIResponses.error(404, "cannot find change with id \(PebbleQuoting.quote(id))")
        }
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode data from request body").get()
            let action = try body.string("action")
            guard action == "abort" else { return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))") }
            return locked { () -> PebbleResponse in
                if isChangeReadyLocked(number) { return APIResponses.badRequest("cannot abort change \(id) with nothing pending") }
                abortChangeLocked(number)
                return APIResponses.sync(changes[number]!.info(tasks).jsonValue)
            }
        } catch {
            return error.response
        }
    }

    func waitChange(_ id: String, _ request: PebbleRequest) -> PebbleResponse {
        guard let number = Int(id), lock.withLock({ changes[number] != nil }) else {
            return APIResponses.error(404, "cannot find change with id \(PebbleQuoting.quote(id))")
        }
        let text = request.queryValue("timeout") ?? ""
        var timeout: Int64 = 0
        if !text.isEmpty {
            guard let parsed = GoDuration.parseNanoseconds(text) else {
                return APIResponses.badRequest("invalid timeout: time: invalid duration \(PebbleQuoting.quote(text))")
            }
            timeout = parsed
        }
        return lock.withLock {
            let deadline: UInt64? = timeout == 0 ? nil : MonotonicClock.nanoseconds() &+ UInt64(max(timeout, 0))
            while !isChangeReadyLocked(number) {
                if stopped { return APIResponses.error(500, "request cancelled") }
                if let deadline {
                    if timeout < 0 || MonotonicClock.nanoseconds() >= deadline {
                        return APIResponses.error(504, "timed out waiting for change after \(GoDuration.format(nanoseconds: timeout))")
                    }
                    _ = lock.wait(untilNanoseconds: deadline)
                } else {
                    lock.wait()
                }
            }
            return APIResponses.sync(changes[number]!.info(tasks).jsonValue)
        }
    }

    // MARK: - Checks

    func getChecks(_ request: PebbleRequest) -> PebbleResponse {
        let level = CheckLevel(rawValue: request.queryValue("level") ?? "")
        guard [.unset, .alive, .ready].contains(level) else { return APIResponses.badRequest("level must be \"alive\" or \"ready\"") }
        let names = request.commaList("names")
        let infos = lock.withLock { checkInfosLocked() }.filter { (level == .unset || $0.level == level) && (names.isEmpty || names.contains($0.name)) }
        return APIResponses.sync(.array(infos.map(\.jsonValue)))
    }

    func postChecks(_ request: PebbleRequest) -> PebbleResponse {
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode data from request body").get()
            let action = try body.string("action")
            let names = try body.strings("checks")
            guard !names.isEmpty else { return APIResponses.badRequest("must specify checks for \(action) action") }
            guard action == "start" || action == "stop" else { return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))") }
            return locked { () -> PebbleResponse in
                let plan = planManager.plan
                let missing = names.filter { plan.checks[$0] == nil }
                if !missing.isEmpty {
                    return APIResponses.badRequest("cannot \(action) checks: cannot find checks in plan: \(missing.sorted().joined(separator: ", "))")
                }
                var changed: [String] = []
                for name in names {
                    guard let record = checks[name] else { continue }
                    if action == "start" {
                        if record.changeID != nil { continue }
                        startPerformCheckLocked(name, mergedCheckLocked(plan.checks[name]!), prev: nil, successes: 0, failures: 0)
                        changed.append(name)
                    } else {
                        guard let change = record.changeID else { continue }
                        if changes[change] != nil {
                            abortChangeLocked(change)
                            changed.append(name)
                        }
                        stopCheckRunLocked(name, change: change)
                        updateCheckLocked(name, record.config ?? plan.checks[name]!, change: nil, prev: record.prevChangeID,
                                          successes: record.successes, failures: record.failures)
                    }
                }
                dirty = true
                return APIResponses.sync(.object(["changed": .array(changed.sorted().map { .string($0) })]))
            }
        } catch {
            return error.response
        }
    }

    func postCheckRefresh(_ request: PebbleRequest) -> PebbleResponse {
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode data from request body").get()
            let name = try body.string("name")
            guard !name.isEmpty else { return APIResponses.badRequest("must specify check name") }
            guard let config = lock.withLock({ planManager.plan.checks[name].map(mergedCheckLocked) }) else {
                return APIResponses.error(404, "cannot find check with name \(PebbleQuoting.quote(name))")
            }
            let timeout = min(config.timeout ?? Self.defaultCheckTimeout, config.period ?? Self.defaultCheckPeriod)
            let error: String?
            if options.mode == .processes {
                error = CheckRunner.run(config, timeout: timeout, environment: baseEnvironment, supervisor: supervisor)
            } else {
                error = nil
            }
            let info: CheckInfo = locked {
                if let change = checks[name]?.tickChange { postLocked(.checkResult(name, changeID: change, error: error)) }
                drainLocked()
                return checks[name]?.info ?? CheckInfo(name: name, level: config.level, status: .inactive, threshold: config.threshold)
            }
            var result: [String: JSONValue] = ["info": info.jsonValue]
            if let error { result["error"] = .string(error) }
            return APIResponses.sync(.object(result))
        } catch {
            return error.response
        }
    }

    // MARK: - Notices

    func getNotices(_ request: PebbleRequest, _ peerUID: UInt32?) -> PebbleResponse {
        let caller = peerUID ?? daemonUID
        let isAdmin = caller == 0 || caller == daemonUID || options.adminUIDs.contains(caller)
        var userID: UInt32? = caller
        var allUsers = false
        let userIDs = request.query.filter { $0.name == "user-id" }
        if !userIDs.isEmpty {
            guard isAdmin else { return APIResponses.error(403, "only admins may use the \"user-id\" filter") }
            let values = request.commaList("user-id")
            guard values.count == 1 else { return APIResponses.badRequest("invalid \"user-id\" filter: must only include one \"user-id\"") }
            guard let id = Int64(values[0]) else {
                return APIResponses.badRequest("invalid \"user-id\" filter: strconv.ParseInt: parsing \(PebbleQuoting.quote(values[0])): invalid syntax")
            }
            guard id >= 0, id <= Int64(UInt32.max) else {
                return APIResponses.badRequest("invalid \"user-id\" filter: user ID is not a valid uint32: \(id)")
            }
            userID = UInt32(id)
        }
        if request.query.contains(where: { $0.name == "users" }) {
            guard isAdmin else { return APIResponses.error(403, "only admins may use the \"users\" filter") }
            if !userIDs.isEmpty { return APIResponses.badRequest("cannot use both \"users\" and \"user-id\" parameters") }
            guard request.queryValue("users") == "all" else { return APIResponses.badRequest("invalid \"users\" filter: must be \"all\"") }
            userID = nil
            allUsers = true
        }
        let typeNames = request.commaList("types")
        var types: [NoticeType] = []
        for name in typeNames where ["custom", "change-update", "warning"].contains(name) && !types.contains(NoticeType(rawValue: name)) {
            types.append(NoticeType(rawValue: name))
        }
        if types.isEmpty && !typeNames.isEmpty { return APIResponses.sync(.array([])) }
        let keys = request.commaList("keys")
        var after: Timestamp?
        if let text = request.queryValue("after"), !text.isEmpty {
            guard let parsed = Timestamp(rfc3339: text) else {
                return APIResponses.badRequest("invalid \"after\" timestamp: parsing time \(PebbleQuoting.quote(text)) as \"2006-01-02T15:04:05Z07:00\": cannot parse")
            }
            after = parsed
        }
        var timeout: Int64 = 0
        if let text = request.queryValue("timeout"), !text.isEmpty {
            guard let parsed = GoDuration.parseNanoseconds(text) else {
                return APIResponses.badRequest("invalid timeout: time: invalid duration \(PebbleQuoting.quote(text))")
            }
            timeout = parsed
        }
        let found: [Notice] = lock.withLock {
            var found = noticesLocked(userID: userID, allUsers: allUsers, types: types, keys: keys, after: after)
            if timeout != 0 {
                let deadline = MonotonicClock.nanoseconds() &+ UInt64(max(timeout, 0))
                while found.isEmpty, !stopped, MonotonicClock.nanoseconds() < deadline {
                    _ = lock.wait(untilNanoseconds: deadline)
                    found = noticesLocked(userID: userID, allUsers: allUsers, types: types, keys: keys, after: after)
                }
            }
            return found
        }
        return APIResponses.sync(.array(found.map(\.jsonValue)))
    }

    func postNotices(_ request: PebbleRequest, _ peerUID: UInt32?) -> PebbleResponse {
        do throws(ResponseError) {
            let body = try RequestBody.decode(request.body, prefix: "cannot decode request body").get()
            let action = try body.string("action")
            let type = try body.string("type")
            let key = try body.string("key")
            let repeatText = try body.string("repeat-after")
            guard action == "add" else { return APIResponses.badRequest("invalid action \(PebbleQuoting.quote(action))") }
            guard type == "custom" else { return APIResponses.badRequest("invalid type \(PebbleQuoting.quote(type)) (can only add \"custom\" notices)") }
            guard Self.isCustomKey(key) else { return APIResponses.badRequest("invalid key \(PebbleQuoting.quote(key)) (must be in \"example.com/path\" format)") }
            guard key.utf8.count <= 256 else { return APIResponses.badRequest("key must be 256 bytes or less") }
            var repeatAfter: Duration?
            if !repeatText.isEmpty {
                guard let parsed = GoDuration.parse(repeatText) else {
                    return APIResponses.badRequest("invalid repeat-after: time: invalid duration \(PebbleQuoting.quote(repeatText))")
                }
                repeatAfter = parsed == .zero ? nil : parsed
            }
            var data: [String: String] = [:]
            if let raw = body.fields["data"], !raw.isNull {
                guard raw.serialized().utf8.count <= 4096 else { return APIResponses.badRequest("total size of data must be 4096 bytes or less") }
                guard let map = raw.stringDictionary else {
                    return APIResponses.badRequest("cannot decode notice data: json: cannot unmarshal \(raw.kindName) into Go value of type map[string]string")
                }
                data = map
            }
            let uid = peerUID ?? daemonUID
            let id = locked { addNoticeLocked(userID: uid, type: .custom, key: key, data: data, repeatAfter: repeatAfter) }
            return APIResponses.sync(.object(["id": .string(String(id))]))
        } catch {
            return error.response
        }
    }

    func getNotice(_ id: String, _ request: PebbleRequest, _ peerUID: UInt32?) -> PebbleResponse {
        let caller = peerUID ?? daemonUID
        return lock.withLock {
            guard let notice = notices.first(where: { String($0.id) == id }) else {
                return APIResponses.error(404, "cannot find notice with ID \(PebbleQuoting.quote(id))")
            }
            let isAdmin = caller == 0 || caller == daemonUID || options.adminUIDs.contains(caller)
            if let owner = notice.userID, !isAdmin, owner != caller {
                return APIResponses.error(403, "not allowed to access notice with id \(PebbleQuoting.quote(id))")
            }
            return APIResponses.sync(notice.info.jsonValue)
        }
    }

    /// `^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+(/[a-z0-9]+(-[a-z0-9]+)*)+$`
    static func isCustomKey(_ key: String) -> Bool {
        guard let slash = key.firstIndex(of: "/") else { return false }
        let domain = key[..<slash]
        let path = key[key.index(after: slash)...]
        func isWord(_ s: Substring) -> Bool {
            // [a-z0-9]+(-[a-z0-9]+)*
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
            return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") } }
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy(isWord) && !segments.isEmpty && segments.allSatisfy(isWord)
    }
}
