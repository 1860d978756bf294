import Pebble
import PebbleTestKit
import Testing

/// The Swift client against the in-memory Pebble: the whole request path without a socket or
/// processes, as the charm harness uses it.
@Suite("In-memory Pebble")
struct InMemoryPebbleTests {
    static let layer = Layer(summary: "FastAPI demo service", services: [
        "fastapi-service": Service(override: .replace, command: "uvicorn api_demo_server.app:app --host=0.0.0.0 --port=8000",
                                   summary: "fastapi demo", startup: .enabled, environment: ["DEMO_SERVER_DB_HOST": "10.0.0.1"]),
    ])

    @Test func theTutorialsAddLayerAndReplan() throws {
        let pebble = InMemoryPebble()
        let client = pebble.client
        #expect(client.canConnect())
        try client.addLayer(label: "fastapi_demo", layer: Self.layer, combine: true)
        #expect(try client.services().map(\.current) == [.inactive])
        let id = try client.replan()
        #expect(try client.service("fastapi-service").isRunning)
        #expect(try client.change(id).status == .done)
        #expect(try client.plan() == Plan(services: Self.layer.services))
        #expect(pebble.daemon.serviceStatuses == ["fastapi-service": .active])

        // A second layer with new credentials: replan restarts the service (its config changed).
        var update = Layer()
        update.services["fastapi-service"] = Service(override: .merge, environment: ["DEMO_SERVER_DB_HOST": "10.0.0.2"])
        try client.addLayer(label: "fastapi_demo", layer: update, combine: true)
        let replan = try client.change(try client.replan())
        #expect(replan.tasks.map(\.kind) == ["stop", "start"])
        #expect(try client.plan().services["fastapi-service"]?.environment == ["DEMO_SERVER_DB_HOST": "10.0.0.2"])
        // An unchanged plan: replan only logs "already started".
        let again = try client.change(try client.replan())
        #expect(again.tasks.map(\.kind) == ["start"])
        #expect(again.tasks.first?.log.last?.hasSuffix("Service \"fastapi-service\" already started.") == true)
    }

    @Test func cannotConnectBeforePebbleReady() throws {
        let pebble = InMemoryPebble(canConnect: false)
        #expect(!pebble.client.canConnect())
        do {
            try pebble.client.addLayer(label: "x", layer: Self.layer)
            Issue.record("no error")
        } catch {
            #expect(error.code == .connection)
        }
        #expect(pebble.requestCount == 0)
    }

    @Test func aServiceThatExitsQuicklyFailsItsStartAndBacksOff() throws {
        let pebble = InMemoryPebble()
        let client = pebble.client
        try client.addLayer(label: "l", layer: Self.layer)
        pebble.daemon.failNextStart("fastapi-service", exitCode: 3, output: "ModuleNotFoundError: api_demo_server\n")
        do {
            try client.start(["fastapi-service"])
            Issue.record("no error")
        } catch {
            #expect(error.code == .change)
            #expect(error.message == "cannot perform the following tasks:\n- Start service \"fastapi-service\" (service start attempt: exited quickly with code 3, will restart)")
            let log = error.change?.tasks.first?.log ?? []
            #expect(log.first?.contains("Most recent service output:\n    ModuleNotFoundError: api_demo_server") == true)
        }
        // Pebble keeps restarting it (since #520): the simulated restart succeeds.
        #expect(try client.service("fastapi-service").current == .active)
    }

    @Test func errorsAreApiErrorsWithPebblesMessages() throws {
        let client = InMemoryPebble().client
        func apiError(_ body: () throws(PebbleError) -> Void) -> PebbleError? {
            do { try body() } catch { return error }
            return nil
        }
        let unknown = apiError { () throws(PebbleError) in _ = try client.start(["nope"]) }
        #expect(unknown?.code == .api && unknown?.statusCode == 400)
        #expect(unknown?.message == "cannot start services: service \"nope\" does not exist")
        let bad = apiError { () throws(PebbleError) in try client.addLayer(label: "l", yaml: "services:\n    s:\n        command: x\n") }
        #expect(bad?.message == #"layer "l" must define "override" for service "s""#)
        let parse = apiError { () throws(PebbleError) in try client.addLayer(label: "l", yaml: "services: [") }
        #expect(parse?.message.hasPrefix("cannot parse layer YAML: cannot parse layer \"l\": yaml: line") == true)
        let missing = apiError { () throws(PebbleError) in _ = try client.change("42") }
        #expect(missing?.statusCode == 404 && missing?.message == #"cannot find change with id "42""#)
        let noDefault = apiError { () throws(PebbleError) in _ = try client.autostart() }
        #expect(noDefault?.kind == "no-default-services")
        #expect(throws: PebbleError.self) { _ = try client.service("nope") }
    }

    @Test func stopAndRestart() throws {
        let pebble = InMemoryPebble()
        let client = pebble.client
        try client.addLayer(label: "l", layer: Self.layer)
        try client.start(["fastapi-service"])
        try client.stop(["fastapi-service"])
        #expect(try client.service("fastapi-service").current == .inactive)
        // Restart of a stopped service starts it.
        try client.restart(["fastapi-service"])
        #expect(try client.service("fastapi-service").isRunning)
        pebble.daemon.simulateExit("fastapi-service", code: 0)
        // on-success defaults to restart: backoff, then running again.
        #expect(try client.service("fastapi-service").isRunning)
    }

    @Test func noticesAndChanges() throws {
        let pebble = InMemoryPebble()
        let client = pebble.client
        let id = try client.notify(key: "canonical.com/db/ready", data: ["host": "10.0.0.1"])
        let notice = try client.notice(id)
        #expect(notice.type == .custom && notice.key == "canonical.com/db/ready" && notice.lastData == ["host": "10.0.0.1"])
        _ = try client.notify(key: "canonical.com/db/ready")
        #expect(try client.notice(id).occurrences == 2)
        #expect(try client.notices(types: [.custom]).count == 1)
        do { _ = try client.notify(key: "not a key") } catch { #expect(error.message.contains("must be in \"example.com/path\" format")) }
        try client.addLayer(label: "l", layer: Self.layer)
        _ = try client.replan()
        #expect(try client.changes(select: .all).map(\.kind) == ["replan"])
        #expect(try client.notices(types: [.changeUpdate]).first?.lastData["kind"] == "replan")
    }

    @Test func checksRunInPerformAndRecoverChanges() throws {
        let pebble = InMemoryPebble()
        let client = pebble.client
        var layer = Self.layer
        layer.checks["up"] = Check(override: .replace, level: .ready, threshold: 2, http: HTTPCheck(url: "http://localhost:8000/version"))
        try client.addLayer(label: "l", layer: layer)
        #expect(try client.checks().map(\.status) == [.up])
        pebble.daemon.simulateCheck("up", failing: "Get \"http://localhost:8000/version\": connection refused")
        #expect(try client.checks().first?.failures == 1)
        pebble.daemon.simulateCheck("up", failing: "Get \"http://localhost:8000/version\": connection refused")
        let down = try #require(try client.checks().first)
        #expect(down.status == .down)
        #expect(try client.health(level: .ready) == false)
        #expect(try client.change(down.changeID).kind == "recover-check")
        pebble.daemon.simulateCheck("up", failing: nil)
        #expect(try client.checks().first?.status == .up)
        #expect(try client.health() == true)
        #expect(try client.stopChecks(["up"]) == ["up"])
        #expect(try client.checks().first?.status == .inactive)
    }
}
