#if canImport(Glibc)
import Glibc
#endif
import JujuJSON
import Pebble
import PebbleTestKit
import Testing

/// `Fixtures/pebble/layer-cases.json`: Pebble's layer rules over the API, case by case, through
/// the Swift client and the fake daemon (Specs/pebble.md §3.4, §4).
@Suite("Fixtures/pebble/layer-cases.json")
struct LayerCasesFixtureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [(label: String, combine: Bool, layer: String)]
        var plan: String?
        var status: Int?
        var message: String?
        var testDescription: String { name }
    }

    static func load() throws -> [Case] {
        let here = String(#filePath)
        let root = here.split(separator: "/").dropLast(3).joined(separator: "/")
        let path = "/" + root + "/Fixtures/pebble/layer-cases.json"
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw PebbleError(.path, message: "cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        let document = try JSONParser().parse(bytes: bytes)
        guard document["format"]?.stringValue == "pebble-layer-cases/0", let cases = document["cases"]?.arrayValue else {
            throw PebbleError(.protocolError, message: "\(path): not a pebble-layer-cases/0 document")
        }
        return cases.map { c in
            Case(name: c["name"]?.stringValue ?? "?",
                 steps: (c["steps"]?.arrayValue ?? []).map { s in
                     (s["label"]?.stringValue ?? "", s["combine"]?.boolValue ?? false, s["layer"]?.stringValue ?? "")
                 },
                 plan: c["expect"]?["plan"]?.stringValue,
                 status: c["expect"]?["error"]?["status"]?.numberValue?.intValue,
                 message: c["expect"]?["error"]?["message"]?.stringValue)
        }
    }

    @Test func theFixtureHasCases() throws {
        #expect(try Self.load().count >= 25)
    }

    @Test(arguments: try LayerCasesFixtureTests.load())
    func eachCase(_ c: Case) throws {
        let client = InMemoryPebble().client
        for (index, step) in c.steps.enumerated() {
            let last = index == c.steps.count - 1
            do throws(PebbleError) {
                try client.addLayer(label: step.label, yaml: step.layer, combine: step.combine)
                if last, c.message != nil { Issue.record("step \(index) was accepted") }
            } catch {
                guard last, let message = c.message else {
                    Issue.record("step \(index): \(error)")
                    return
                }
                #expect(error.code == .api)
                #expect(error.statusCode == c.status)
                #expect(error.message == message)
            }
        }
        if let plan = c.plan {
            #expect(try client.plan().yaml == plan)
        }
    }
}
