// Fuzz target `pebble`: the response side of the Pebble client (Sources/Pebble) on arbitrary
// bytes, through the public API only. The input is what Pebble "sent": it goes through
// `HTTPResponseParser.parse` once, and a transport answers every request of the client with that
// outcome (the response, or the parse error). Then `plan()`, `services()`, `change("1")`,
// `checks()`, `health()`, `pull("/x")`, `listFiles("/")`, `notices()` and `systemInfo()` run on
// it. Invariants:
// - HTTP framing: feeding the same bytes to an `HTTPResponseParser` in random-size pieces (sizes
//   drawn from a generator seeded by the input) gives the same outcome as the whole buffer: the
//   same response (status, reason, headers, body), or an error with the same code;
// - errors: every call throws only `PebbleError` (typed throws) with a code of the known set; when
//   the parse failed, every call throws that parse error's code; when it succeeded, the only codes
//   are `.api` and `.protocolError`, plus `.path` for `pull` and `listFiles` (a transport that
//   answers at once never times out, never loses the connection, runs no change); a response with
//   status 400 or more never decodes to a value, and is `.api` (or `.path` for `listFiles`)
//   except for `health()`, which reads 502 as "unhealthy";
// - decoded values survive re-encoding: for `services`, `change`, `checks`, `listFiles`,
//   `notices` and `systemInfo`, the values' `jsonValue`, serialised in a sync envelope and
//   answered to the same client call, decode to equal values; for `plan`, its `yamlText()`
//   answered as the plan reads back as an equal plan (when no float in it is NaN) that writes the
//   same YAML text again.
import JujuJSON
import Pebble

/// Answers every request with one fixed outcome.
struct FixedTransport: PebbleTransport {
    let outcome: Result<PebbleResponse, PebbleError>
    var endpointDescription: String { "fuzz input" }
    func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse {
        try outcome.get()
    }
}

let knownCodes: Set<PebbleError.Code> = [.connection, .api, .change, .timeout, .protocolError, .path, .notFound, .invalidLayer]

/// A client whose every request is answered by a sync envelope with `result`.
func reserving(_ result: JSONValue) -> PebbleClient {
    let envelope: JSONValue = .object(["type": "sync", "status-code": 200, "status": "OK", "result": result])
    let response = PebbleResponse(statusCode: 200, reason: "OK", headers: [.init("content-type", "application/json")],
                                  body: Array(envelope.serialized().utf8))
    return PebbleClient(transport: FixedTransport(outcome: .success(response)))
}

/// A client whose every request is answered with `yaml` as the plan.
func reservingPlan(_ yaml: String) -> PebbleClient { reserving(.string(yaml)) }

/// Deterministic piece sizes for the incremental parse (xorshift64*, seeded by the input).
struct PieceSizes {
    var state: UInt64
    init(seed bytes: UnsafeBufferPointer<UInt8>) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        state = h == 0 ? 1 : h
    }
    mutating func next() -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        let r = state &* 0x2545_f491_4f6c_dd1d
        // Mostly small pieces (1...16), sometimes up to 512 bytes.
        return r & 3 == 0 ? Int((r >> 8) % 512) + 1 : Int((r >> 8) % 16) + 1
    }
}

func describe(_ outcome: Result<PebbleResponse, PebbleError>) -> String {
    switch outcome {
    case .success(let r): return "\(r.statusCode) \(r.reason.debugDescription) headers \(r.headers.map { "\($0.name): \($0.value)" }) body \(r.body.count) bytes"
    case .failure(let e): return "error \(e.code): \(e.message)"
    }
}

/// Runs a client call and checks the error invariants; returns the value, if any.
func run<T>(_ name: String, _ parsed: Result<PebbleResponse, PebbleError>, extra: Set<PebbleError.Code> = [],
            okAtOrOver400: Bool = false, over400: Set<PebbleError.Code> = [.api],
            _ call: () throws(PebbleError) -> T) -> T? {
    do throws(PebbleError) {
        let value = try call()
        if case .failure(let e) = parsed { invariantFailed("\(name) succeeded although the response did not parse (\(e))") }
        if case .success(let r) = parsed, r.statusCode >= 400, !okAtOrOver400 {
            invariantFailed("\(name) decoded a value from a \(r.statusCode) answer")
        }
        return value
    } catch {
        if !knownCodes.contains(error.code) { invariantFailed("\(name) threw an unknown code \(error.code): \(error)") }
        switch parsed {
        case .failure(let parseError):
            if error.code != parseError.code {
                invariantFailed("\(name) threw \(error.code), not the transport's \(parseError.code): \(error)")
            }
        case .success(let r):
            let allowed = Set<PebbleError.Code>([.api, .protocolError]).union(extra)
            if !allowed.contains(error.code) { invariantFailed("\(name) threw \(error.code) on an answer: \(error)") }
            if r.statusCode >= 400, !over400.contains(error.code) {
                invariantFailed("\(name) threw \(error.code) on a \(r.statusCode) answer: \(error)")
            }
        }
        return nil
    }
}

/// Re-serves `encoded` and checks the same call decodes `original` again.
func roundTrip<T: Equatable>(_ name: String, _ original: T, encoded: JSONValue,
                             _ call: (PebbleClient) throws(PebbleError) -> T) {
    let again: T
    do throws(PebbleError) { again = try call(reserving(encoded)) } catch {
        invariantFailed("\(name): the re-encoded value does not decode: \(error)\nencoded: \(encoded.serialized())")
    }
    if again != original {
        invariantFailed("\(name): decode(encode(value)) differs\nfirst:  \(original)\nsecond: \(again)\nencoded: \(encoded.serialized())")
    }
}

func hasNaN(_ plan: Plan) -> Bool {
    plan.services.values.contains { $0.backoffFactor?.isNaN == true }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let whole: Result<PebbleResponse, PebbleError>
    do throws(PebbleError) { whole = .success(try HTTPResponseParser.parse(Array(bytes))) } catch { whole = .failure(error) }

    // The same bytes in pieces.
    var parser = HTTPResponseParser()
    var pieces = PieceSizes(seed: bytes)
    var incremental: Result<PebbleResponse, PebbleError>?
    do throws(PebbleError) {
        var offset = 0
        while offset < bytes.count, incremental == nil {
            let end = min(bytes.count, offset + pieces.next())
            if let response = try parser.feed(UnsafeBufferPointer(rebasing: bytes[offset..<end])) { incremental = .success(response) }
            offset = end
        }
        if incremental == nil { incremental = .success(try parser.finish()) }
    } catch {
        incremental = .failure(error)
    }
    switch (whole, incremental!) {
    case (.success(let a), .success(let b)) where a == b: break
    case (.failure(let a), .failure(let b)) where a.code == b.code: break
    case (let a, let b): invariantFailed("incremental parsing differs from whole-buffer parsing\nwhole:       \(describe(a))\nincremental: \(describe(b))")
    }

    let client = PebbleClient(transport: FixedTransport(outcome: whole))
    let status: Int? = if case .success(let r) = whole { r.statusCode } else { nil }

    if let plan = run("plan()", whole, { () throws(PebbleError) in try client.plan() }) {
        let text = plan.yamlText()
        let again: Plan
        do throws(PebbleError) { again = try reservingPlan(text).plan() } catch {
            invariantFailed("plan(): the plan's yamlText() does not read back: \(error)\nyaml:\n\(text)")
        }
        if !hasNaN(plan) && again != plan {
            invariantFailed("plan(): reading yamlText() back gives another plan\nfirst:  \(plan)\nsecond: \(again)\nyaml:\n\(text)")
        }
        if again.yamlText() != text {
            invariantFailed("plan(): yamlText() is not a fixed point\nfirst:\n\(text)\nsecond:\n\(again.yamlText())")
        }
    }
    if let services = run("services()", whole, { () throws(PebbleError) in try client.services() }) {
        roundTrip("services()", services, encoded: .array(services.map(\.jsonValue))) { c throws(PebbleError) in try c.services() }
    }
    if let change = run("change(\"1\")", whole, { () throws(PebbleError) in try client.change("1") }) {
        roundTrip("change(\"1\")", change, encoded: change.jsonValue) { c throws(PebbleError) in try c.change("1") }
    }
    if let checks = run("checks()", whole, { () throws(PebbleError) in try client.checks() }) {
        roundTrip("checks()", checks, encoded: .array(checks.map(\.jsonValue))) { c throws(PebbleError) in try c.checks() }
    }
    if let healthy = run("health()", whole, okAtOrOver400: true, { () throws(PebbleError) in try client.health() }) {
        if healthy, let status, status >= 400 { invariantFailed("health() is true on a \(status) answer") }
    }
    _ = run("pull(\"/x\")", whole, extra: [.path], { () throws(PebbleError) in try client.pull("/x") })
    if let files = run("listFiles(\"/\")", whole, extra: [.path], over400: [.api, .path],
                       { () throws(PebbleError) in try client.listFiles("/") }) {
        roundTrip("listFiles(\"/\")", files, encoded: .array(files.map(\.jsonValue))) { c throws(PebbleError) in try c.listFiles("/") }
    }
    if let notices = run("notices()", whole, { () throws(PebbleError) in try client.notices() }) {
        roundTrip("notices()", notices, encoded: .array(notices.map(\.jsonValue))) { c throws(PebbleError) in try c.notices() }
    }
    if let info = run("systemInfo()", whole, { () throws(PebbleError) in try client.systemInfo() }) {
        roundTrip("systemInfo()", info, encoded: info.jsonValue) { c throws(PebbleError) in try c.systemInfo() }
    }
    return 0
}
