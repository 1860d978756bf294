import JujuHookTools
import JujuLogging
import Logging
import PostgreSQLClientTestKit
import Testing

@Suite("JujuLogHandler: swift-log records through juju-log")
struct JujuLogHandlerTests {
    static func logger(_ model: InMemoryJuju, level: Logger.Level = .info) -> Logger {
        let tools = model.tools(for: "demo/0")
        var logger = Logger(label: "demo-api-charm") { JujuLogHandler(label: $0, tools: tools) }
        logger.logLevel = level
        return logger
    }

    @Test("each record at or above the level is one juju-log call with Juju's level name")
    func levels() {
        let model = InMemoryJuju()
        let logger = Self.logger(model, level: .trace)
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(model.logs == [
            "demo/0 TRACE demo-api-charm: t", "demo/0 DEBUG demo-api-charm: d", "demo/0 INFO demo-api-charm: i",
            "demo/0 INFO demo-api-charm: n", "demo/0 WARNING demo-api-charm: w", "demo/0 ERROR demo-api-charm: e",
            "demo/0 CRITICAL demo-api-charm: c",
        ])
        #expect(model.calls.filter { $0.argv.first == "juju-log" }.count == 7)
    }

    @Test("records below the level make no hook-tool call at all (default: info)")
    func belowLevelIsFree() {
        let model = InMemoryJuju()
        let logger = Self.logger(model)
        logger.trace("not sent")
        logger.debug("not sent")
        #expect(model.logs.isEmpty)
        #expect(model.calls.isEmpty)
        logger.info("sent")
        #expect(model.logs == ["demo/0 INFO demo-api-charm: sent"])
    }

    @Test("metadata follows the message sorted by key; credential-like keys are masked")
    func metadataAndMasking() {
        let model = InMemoryJuju()
        var logger = Self.logger(model)
        logger[metadataKey: "relation"] = "database:7"
        logger.warning("provider answered", metadata: [
            "password": "Xq3vN8pL0wZt4Yb2", "secret-user": "secret:abc", "api_token": "t0k", "hook": "relation-changed",
        ])
        #expect(model.logs == [
            "demo/0 WARNING demo-api-charm: provider answered api_token=******** hook=relation-changed "
                + "password=******** relation=database:7 secret-user=********",
        ])
        #expect(!model.logs.joined().contains("Xq3vN8pL0wZt4Yb2"))
    }

    @Test("the metadata provider's values are included, the record's own win")
    func metadataProvider() {
        let model = InMemoryJuju()
        let tools = model.tools(for: "demo/0")
        let provider = Logger.MetadataProvider { ["hook": "relation-created", "unit": "demo/0"] }
        let logger = Logger(label: "x") { JujuLogHandler(label: $0, tools: tools, metadataProvider: provider) }
        logger.info("m", metadata: ["hook": "relation-changed"])
        #expect(model.logs == ["demo/0 INFO x: m hook=relation-changed unit=demo/0"])
    }

    @Test("swift-log levels map onto Juju's six")
    func mapping() {
        #expect(Logger.Level.allCases.map { JujuLogHandler.jujuLevel($0).rawValue }
            == ["TRACE", "DEBUG", "INFO", "INFO", "WARNING", "ERROR", "CRITICAL"])
    }
}
