import JujuJSON
import JujuYAML
import Pebble
import Testing

// Regressions for what the `pebble` and `yaml` fuzz targets' invariants caught (Fuzz/findings/).

/// Answers every request with one sync envelope holding `result`.
private struct SyncTransport: PebbleTransport {
    var result: String
    var endpointDescription: String { "canned" }
    func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse {
        PebbleResponse(statusCode: 200, reason: "OK", headers: [.init("content-type", "application/json")],
                       body: Array(#"{"type":"sync","status-code":200,"status":"OK","result":\#(result)}"#.utf8))
    }
}

private func client(_ result: String) -> PebbleClient { PebbleClient(transport: SyncTransport(result: result)) }

private func json(_ value: JSONValue) -> String { value.serialized() }

@Suite("Pebble: fuzz findings")
struct PebbleFuzzFindingTests {
    /// A whole-number `backoff-factor` is still written as Pebble writes it (`2`, no tag), and
    /// reads back as the same value.
    @Test func wholeFloatIsWrittenAsGoWritesIt() throws {
        let layer = Layer(services: ["a": Service(override: .replace, command: "x", backoffFactor: 2)])
        #expect(layer.yaml().contains("backoff-factor: 2\n"), "\(layer.yaml())")
        #expect(try Layer(yaml: layer.yaml()) == layer)
    }
}
