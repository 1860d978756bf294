#if canImport(Glibc)
import Glibc
#endif
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
    /// `"err": ""` read as an empty error, which `jsonValue` (omitempty, as Pebble) leaves out,
    /// so the change read back differed. Pebble never writes an empty `err`: it is none.
    @Test func emptyChangeErrIsNone() throws {
        let change = try client(#"{"id":"1","kind":"start","summary":"s","status":"Done","ready":true,"err":""}"#).change("1")
        #expect(change.err == nil)
        #expect(try client(json(change.jsonValue)).change("1") == change)
    }

    /// `"permissions": "7777"` read as 0o7777 but was written back as "777"; `"-1"` and `"+7"`
    /// were taken as octal numbers with a sign.
    @Test(arguments: ["7777", "4755", "0644", "644", "0"])
    func permissionsRoundTrip(_ mode: String) throws {
        let entry = #"[{"path":"/a","name":"a","type":"file","permissions":"\#(mode)","last-modified":"","user-id":0,"user":"","group-id":0,"group":""}]"#
        let files = try client(entry).listFiles("/")
        #expect(files.first?.permissions == Int(mode, radix: 8))
        #expect(try client(json(.array(files.map(\.jsonValue)))).listFiles("/") == files)
    }

    @Test(arguments: ["-1", "+7", "", "8", "0x1ff", "77777", " 644"])
    func permissionsThatAreNotModeBits(_ mode: String) {
        let entry = #"[{"path":"/a","name":"a","type":"file","permissions":"\#(mode)"}]"#
        do {
            _ = try client(entry).listFiles("/")
            Issue.record("\(mode.debugDescription) was accepted")
        } catch {
            #expect(error.code == .protocolError)
        }
    }

    /// A NaN or infinite `backoff-factor` was written as yaml.v3 writes it (`.nan`, `.inf`, also
    /// how Pebble's plan shows a NaN, which passes its range check), but not read back: a layer's
    /// `yaml()` failed to read, and so would `plan()` on such a plan.
    @Test(arguments: ["nan", "NaN", "inf", "-Inf", ".nan", ".inf", "-.inf"])
    func specialFloatsReadBack(_ text: String) throws {
        let layer = try Layer(yaml: "services:\n    a:\n        backoff-factor: \(text)\n")
        let factor = try #require(layer.services["a"]?.backoffFactor)
        #expect(factor.isNaN || factor.isInfinite)
        let again = try Layer(yaml: layer.yaml())
        let back = try #require(again.services["a"]?.backoffFactor)
        #expect(back.isNaN == factor.isNaN && (factor.isNaN || back == factor))
        #expect(again.yaml() == layer.yaml())
        let plan = try client(json(.string(layer.yaml()))).plan()
        #expect(plan.services["a"]?.backoffFactor.map { $0.isNaN || $0.isInfinite } == true)
    }

    /// Pebble itself reads `backoff-factor` with Go's `strconv.ParseFloat`, which refuses YAML's
    /// `.inf`: the strict decoder (the fake Pebble's) still does.
    @Test func strictDecoderRefusesYAMLSpecialFloats() {
        do {
            _ = try LayerDecoder.layer(yaml: "services:\n    a:\n        backoff-factor: .inf\n", label: "l", strict: true)
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains(#"invalid floating-point number ".inf""#), "\(error.message)")
        }
    }

    /// A whole-number `backoff-factor` is still written as Pebble writes it (`2`, no tag), and
    /// reads back as the same value.
    @Test func wholeFloatIsWrittenAsGoWritesIt() throws {
        let layer = Layer(services: ["a": Service(override: .replace, command: "x", backoffFactor: 2)])
        #expect(layer.yaml().contains("backoff-factor: 2\n"), "\(layer.yaml())")
        #expect(try Layer(yaml: layer.yaml()) == layer)
    }
}

@Suite("Pebble: fuzz finding yaml-layer-key-order")
struct LayerKeyOrderFindingTests {
    /// yaml.v3's natural key order is not transitive for every set of keys, so sorting a
    /// dictionary's keys with it gave an order that depended on the dictionary's iteration
    /// order, and `layer.yaml()` written twice could differ (Fuzz/findings/yaml-layer-key-order:
    /// environment keys mixing U+FFFD, digits and letters).
    @Test func theSameKeysAlwaysComeOutInTheSameOrder() throws {
        let here = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let path = "/" + here + "/Fuzz/findings/yaml-layer-key-order/original-crash-artifact"
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0, "\(path)")
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = read(fd, &bytes, bytes.count)
        let text = String(decoding: bytes.prefix(max(n, 0)), as: UTF8.self)
        let layer = try Layer(yaml: text)
        let once = layer.yaml()
        #expect(try Layer(yaml: once).yaml() == once)
        // The same keys inserted in other orders iterate differently; the text must not change.
        for (name, service) in layer.services {
            for _ in 0..<20 {
                var shuffled: [String: String] = [:]
                for key in service.environment.keys.shuffled() { shuffled[key] = service.environment[key] }
                var copy = layer
                copy.services[name]!.environment = shuffled
                #expect(copy.yaml() == once)
            }
        }
    }
}
