import Foundation
import Testing
@testable import JujuJSON

/// Differential tests against CPython's `json` module, run as a real `python3` process.
///
/// `JSONStyle.python` promises byte-for-byte `json.dumps(value, sort_keys=True)` output, and the
/// compact style must be read back by `json.loads` as the same value. Values come from a
/// fixed-seed generator, so a failure names a reproducible value index.
@Suite("Python json compatibility (differential, runs python3)")
struct PythonCompatibilityTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Generates JSON values whose numbers Python writes back unchanged.
    struct Generator {
        var rng: SplitMix64

        static let specialScalars: [UInt32] = [
            0x00, 0x01, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x20, 0x22, 0x27, 0x2F, 0x5C, 0x7E, 0x7F,
            0x80, 0x85, 0x9F, 0xA0, 0xAD, 0xE9, 0xFF, 0x301, 0x3A9, 0x5D0, 0x627, 0x2028, 0x2029, 0x200B, 0x200D, 0x202E,
            0xFE0F, 0xFEFF, 0xD7FF, 0xE000, 0xF8FF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1D11E, 0x1F600, 0x1F4A9, 0x1F469,
            0x1F3FD, 0x20BB7, 0x2A6D6, 0x2FFFF, 0x30000, 0x3134A, 0x4FFFE, 0x9ABCD, 0xE0001, 0xE0041, 0xE01EF, 0xF0000,
            0xFFFFD, 0x100000, 0x10FFFD, 0x10FFFF,
        ]

        static let specialDoubles: [Double] = [
            0.0, -0.0, 0.1, 0.5, 1.0, -1.5, 100.0, 1e15, 1e16, 1.5e16, 9007199254740993.0, 123456789012345678.0,
            0.0001, 0.00001, 1e-7, 1e22, 1e23, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 3.141592653589793,
            -2.718281828459045, 1.0 / 3.0, 4.35, 0.3,
        ]

        mutating func int(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }

        mutating func scalar() -> Unicode.Scalar {
            while true {
                let value: UInt32
                switch int(10) {
                case 0, 1, 2: value = 0x20 + UInt32(int(0x5F))  // printable ASCII
                case 3: value = int(4) == 0 ? 0x7F : UInt32(int(0x20))  // control characters
                case 4, 5: value = Self.specialScalars[int(Self.specialScalars.count)]
                case 6: value = 0x80 + UInt32(int(0x780))  // two-byte UTF-8
                default:
                    // Any plane, 0 to 16, any position in it.
                    value = UInt32(int(17)) << 16 | UInt32(truncatingIfNeeded: rng.next() & 0xFFFF)
                }
                if let scalar = Unicode.Scalar(value) { return scalar }  // nil only for surrogates
            }
        }

        mutating func string(maxLength: Int = 12) -> String {
            var scalars = String.UnicodeScalarView()
            if int(12) == 0 {
                // A ZWJ emoji sequence with a skin tone and a variation selector.
                return "👩\u{1F3FD}\u{200D}💻\u{FE0F}" + (int(2) == 0 ? "\"\\" : "")
            }
            for _ in 0..<int(maxLength + 1) { scalars.append(scalar()) }
            return String(scalars)
        }

        mutating func number() -> JSONNumber {
            switch int(6) {
            case 0: return JSONNumber(int(2001) - 1000)
            case 1: return JSONNumber(Int64(bitPattern: rng.next()))
            case 2: return JSONNumber([Int64.max, Int64.min, 0, -1, 4001, 65535][int(6)])
            case 3: return JSONNumber(text: String(rng.next()) + String(rng.next() % 1_000_000_000))!  // beyond 64 bits
            case 4: return JSONNumber(Self.specialDoubles[int(Self.specialDoubles.count)])
            default:
                // Any finite double, from its bit pattern.
                while true {
                    let d = Double(bitPattern: rng.next())
                    if d.isFinite { return JSONNumber(d) }
                }
            }
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            switch int(depth >= 3 ? 5 : 8) {
            case 0: return .null
            case 1: return .bool(int(2) == 0)
            case 2: return .number(number())
            case 3, 4: return .string(string())
            case 5: return .array((0..<int(6)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<int(6) { members[string(maxLength: 6)] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    /// Hand-picked values first (wire examples from the spec), then generated ones.
    static let values: [JSONValue] = {
        var values: [JSONValue] = [
            .array(SecretGroup_defaultRequestedSecrets.map { .string($0) }),
            [["code": 4001, "message": "Database is being resized", "resolution": "Wait"]],
            ["database": "names_db", "provided-secrets": #"["mtls-cert"]"#, "requested-secrets": #"["username", "password"]"#],
            .string("é\u{7F}😀"), .string(""), .string("\u{2028}\u{2029}"), .string("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}"),
            .array([]), .object([:]), .null, .bool(true), .number(JSONNumber(0)), .array([.null, .array([.object([:])])]),
            ["Z": "1", "a": "2", "é": "3", "\u{FF21}": "4", "_": "5", "😀": "6", "\u{E000}": "7", "\u{10FFFF}": "8"],
        ]
        var generator = Generator(rng: SplitMix64(state: 0x5EED_2024_0C0F_FEE5))
        while values.count < 320 { values.append(generator.value()) }
        return values
    }()

    // Kept here so the JujuJSON tests do not depend on PostgreSQLClient.
    static let SecretGroup_defaultRequestedSecrets = [
        "username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password",
    ]

    /// A JSON description of `value` that uses only ASCII and integers, so that Python rebuilds
    /// the value independently of our string escaping.
    static func descriptor(_ value: JSONValue) -> JSONValue {
        func codePoints(_ s: String) -> JSONValue { .array(s.unicodeScalars.map { .number(JSONNumber(Int($0.value))) }) }
        switch value {
        case .null: return ["z"]
        case .bool(let b): return [b ? "t" : "f"]
        case .number(let n): return ["n", .string(n.text)]
        case .string(let s): return ["s", codePoints(s)]
        case .array(let a): return ["a", .array(a.map(descriptor))]
        case .object(let o): return ["o", .array(o.map { .array([codePoints($0.key), descriptor($0.value)]) })]
        }
    }

    static let script = #"""
        import json, sys

        def build(d):
            t = d[0]
            if t == "z": return None
            if t == "t": return True
            if t == "f": return False
            if t == "n": return json.loads(d[1])
            if t == "s": return "".join(map(chr, d[1]))
            if t == "a": return [build(x) for x in d[1]]
            if t == "o": return {"".join(map(chr, k)): build(v) for k, v in d[1]}
            raise ValueError(t)

        def same(a, b):
            if type(a) is not type(b): return False
            if isinstance(a, list): return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
            if isinstance(a, dict): return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
            if isinstance(a, float): return repr(a) == repr(b)
            return a == b

        descriptors_path, compact_path, out_path = sys.argv[1:4]
        with open(descriptors_path, "rb") as f:
            descriptors = json.loads(f.read().decode("ascii"))
        with open(compact_path, "rb") as f:
            compact = f.read().split(b"\n")
        assert len(compact) == len(descriptors), (len(compact), len(descriptors))
        lines = []
        for d, text in zip(descriptors, compact):
            value = build(d)
            loaded = json.loads(text.decode("utf-8"))
            lines.append(("1" if same(loaded, value) else "0") + "\t" + json.dumps(value, sort_keys=True))
        with open(out_path, "wb") as f:
            f.write("\n".join(lines).encode("ascii"))
        """#

    struct PythonResult {
        var loadsEqual: Bool
        var dumps: String
    }

    /// Runs python3 on `values` (through temporary files) and returns one result per value.
    static func runPython(_ values: [JSONValue]) throws -> [PythonResult] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jujujson-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let scriptURL = folder.appendingPathComponent("check.py")
        let descriptorsURL = folder.appendingPathComponent("descriptors.json")
        let compactURL = folder.appendingPathComponent("compact.jsonl")
        let outURL = folder.appendingPathComponent("out.txt")
        try Data(script.utf8).write(to: scriptURL)
        try Data(JSONValue.array(values.map(descriptor)).serialized(style: .compact).utf8).write(to: descriptorsURL)
        try Data(values.map { $0.serialized(style: .compact) }.joined(separator: "\n").utf8).write(to: compactURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, descriptorsURL.path, compactURL.path, outURL.path]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "python3 failed (status \(process.terminationStatus); 127 means python3 is not on PATH): \(errorText)")

        let output = try Data(contentsOf: outURL)
        return String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let tab = line.firstIndex(of: "\t")!
            return PythonResult(loadsEqual: line[..<tab] == "1", dumps: String(line[line.index(after: tab)...]))
        }
    }

    @Test("the generated batch is large, fixed and covers every plane")
    func batchCoverage() {
        #expect(Self.values.count == 320)
        var planes = Set<UInt32>()
        var sawU2028 = false, sawDEL = false, sawControl = false, sawAstral = false, sawQuote = false, sawBackslash = false
        func visit(_ s: String) {
            for scalar in s.unicodeScalars {
                planes.insert(scalar.value >> 16)
                sawU2028 = sawU2028 || scalar.value == 0x2028
                sawDEL = sawDEL || scalar.value == 0x7F
                sawControl = sawControl || scalar.value < 0x20
                sawAstral = sawAstral || scalar.value > 0xFFFF
                sawQuote = sawQuote || scalar == "\""
                sawBackslash = sawBackslash || scalar == "\\"
            }
        }
        func walk(_ v: JSONValue) {
            switch v {
            case .string(let s): visit(s)
            case .array(let a): a.forEach(walk)
            case .object(let o): o.forEach { visit($0.key); walk($0.value) }
            default: break
            }
        }
        Self.values.dropFirst(14).forEach(walk)
        #expect(planes == Set(0...16))
        #expect(sawU2028 && sawDEL && sawControl && sawAstral && sawQuote && sawBackslash)
        // The generator is deterministic.
        var a = Generator(rng: SplitMix64(state: 42))
        var b = Generator(rng: SplitMix64(state: 42))
        #expect((0..<20).map { _ in a.value() } == (0..<20).map { _ in b.value() })
    }

    @Test("serialized(style: .python) == json.dumps(value, sort_keys=True), and json.loads(compact) == value")
    func matchesPython() throws {
        let results = try Self.runPython(Self.values)
        try #require(results.count == Self.values.count)
        var dumpsMismatches = 0
        var loadsMismatches = 0
        for (index, (value, result)) in zip(Self.values, results).enumerated() {
            let ours = value.serialized(style: .python)
            if ours != result.dumps {
                dumpsMismatches += 1
                if dumpsMismatches <= 5 {
                    Issue.record("value \(index): ours \(ours) python \(result.dumps)")
                }
            }
            if !result.loadsEqual {
                loadsMismatches += 1
                if loadsMismatches <= 5 {
                    Issue.record("value \(index): json.loads of our compact output \(value.serialized()) is not the value")
                }
            }
        }
        #expect(dumpsMismatches == 0)
        #expect(loadsMismatches == 0)
    }

    @Test("JSONParser reads back what Python wrote (values without U+0000)")
    func parsesPythonOutput() throws {
        func hasNUL(_ v: JSONValue) -> Bool {
            switch v {
            case .string(let s): return s.unicodeScalars.contains("\u{0}")
            case .array(let a): return a.contains(where: hasNUL)
            case .object(let o): return o.contains { $0.key.unicodeScalars.contains("\u{0}") || hasNUL($0.value) }
            default: return false
            }
        }
        let results = try Self.runPython(Self.values)
        try #require(results.count == Self.values.count)
        var failures = 0
        for (index, (value, result)) in zip(Self.values, results).enumerated() where !hasNUL(value) {
            do {
                let parsed = try JSONParser().parse(result.dumps)
                if parsed.serialized(style: .python) != value.serialized(style: .python) {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("value \(index): parsing Python's \(result.dumps) gives \(parsed.serialized(style: .python))")
                    }
                }
            } catch {
                failures += 1
                if failures <= 5 { Issue.record("value \(index): cannot parse Python's \(result.dumps): \(error)") }
            }
        }
        #expect(failures == 0)
    }

    @Test("JSONParser decodes Python's surrogate-pair escapes in every astral plane")
    func surrogatePairsFromPython() throws {
        // Code points whose low 16 bits fall in D800-DFFF are ordinary characters (for example
        // CJK Extension F at U+2D800...), written by Python as a surrogate pair.
        var scalars: [Unicode.Scalar] = []
        for plane in UInt32(1)...16 {
            for low in [0x0000, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD] as [UInt32] {
                scalars.append(Unicode.Scalar(plane << 16 | low)!)
            }
        }
        let values = scalars.map { JSONValue.string(String($0)) }
        let results = try Self.runPython(values)
        try #require(results.count == values.count)
        var wrong: [String] = []
        for (scalar, result) in zip(scalars, results) {
            let parsed = try JSONParser().parse(result.dumps)
            if parsed.stringValue.map({ Array($0.unicodeScalars) }) != [scalar] {
                wrong.append("U+\(String(scalar.value, radix: 16, uppercase: true)) \(result.dumps)")
            }
        }
        #expect(wrong == [], "decoded to something else: \(wrong.prefix(8).joined(separator: ", ")) (\(wrong.count) in all)")
        // The same through the databag fast path.
        let bag = try JSONParser().parseStringDictionary(#"{"k": "\ud876\udc00"}"#)
        #expect(bag["k"].map { Array($0.unicodeScalars) } == [Unicode.Scalar(0x2D800)!])
    }

    @Test("JSONParser reads every top-level document Python writes, null included")
    func topLevelScalarsFromPython() throws {
        let values: [JSONValue] = [.null, .bool(true), .bool(false), .number(JSONNumber(0)), .string("x"), .array([]), .object([:])]
        let results = try Self.runPython(values)
        try #require(results.map(\.dumps) == ["null", "true", "false", "0", "\"x\"", "[]", "{}"])
        for (value, result) in zip(values, results) {
            #expect(throws: Never.self, "parsing \(result.dumps)") { try JSONParser().parse(result.dumps) }
            #expect((try? JSONParser().parse(result.dumps)) == value, "\(result.dumps)")
        }
    }
}
