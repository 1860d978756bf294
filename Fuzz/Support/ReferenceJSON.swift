// An independent, deliberately simple strict JSON reader used as the oracle of the fuzz targets:
// RFC 8259 plus the project's own restrictions (no U+0000, no unpaired surrogate escapes, no
// duplicate keys: two keys that are the same Swift `String`, i.e. canonically equivalent, count
// as one key, as in `JSONParser`). It shares no code with JujuJSON's parser or json-c, so a
// disagreement between the two is a finding in one of them.
import JujuJSON

/// A recursive-descent strict JSON reader over bytes (the fuzz oracle).
struct ReferenceJSON {
    /// What the reader concluded.
    enum Outcome {
        /// The document and the deepest nesting of arrays/objects met (0 for a scalar).
        case value(JSONValue, depth: Int)
        /// Not JSON (or breaks one of the restrictions); `depth` is how deep the reader got.
        case rejected(String, depth: Int)
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    private var deepest = 0

    private struct Reject: Error { let reason: String }

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads a whole document.
    static func read(_ input: some Collection<UInt8>) -> Outcome {
        var reader = ReferenceJSON(Array(input))
        do {
            reader.skipSpace()
            let value = try reader.value()
            reader.skipSpace()
            guard reader.i == reader.bytes.count else { throw Reject(reason: "trailing data") }
            return .value(value, depth: reader.deepest)
        } catch let error as Reject {
            return .rejected(error.reason, depth: reader.deepest)
        } catch {
            return .rejected("\(error)", depth: reader.deepest)
        }
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    private func peek() throws -> UInt8 {
        guard i < bytes.count else { throw Reject(reason: "unexpected end") }
        return bytes[i]
    }

    private mutating func expect(_ word: String) throws {
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw Reject(reason: "bad literal") }
            i += 1
        }
    }

    private mutating func value() throws -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Reject(reason: "unexpected byte")
        }
    }

    private mutating func enter() {
        depth += 1
        deepest = max(deepest, depth)
    }

    private mutating func object() throws -> JSONValue {
        i += 1
        enter()
        defer { depth -= 1 }
        var members: [String: JSONValue] = [:]
        skipSpace()
        if try peek() == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard try peek() == UInt8(ascii: "\"") else { throw Reject(reason: "key is not a string") }
            let key = try string()
            skipSpace()
            guard try peek() == UInt8(ascii: ":") else { throw Reject(reason: "no colon") }
            i += 1
            skipSpace()
            let item = try value()
            guard members.updateValue(item, forKey: key) == nil else { throw Reject(reason: "duplicate key") }
            skipSpace()
            let c = try peek()
            i += 1
            if c == UInt8(ascii: "}") { return .object(members) }
            guard c == UInt8(ascii: ",") else { throw Reject(reason: "no comma in object") }
        }
    }

    private mutating func array() throws -> JSONValue {
        i += 1
        enter()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        skipSpace()
        if try peek() == UInt8(ascii: "]") {
            i += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            elements.append(try value())
            skipSpace()
            let c = try peek()
            i += 1
            if c == UInt8(ascii: "]") { return .array(elements) }
            guard c == UInt8(ascii: ",") else { throw Reject(reason: "no comma in array") }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = try peek()
            i += 1
            switch b {
            case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(b - 0x41 + 10)
            case 0x61...0x66: v = v << 4 | UInt32(b - 0x61 + 10)
            default: throw Reject(reason: "bad hex digit")
            }
        }
        return v
    }

    private mutating func string() throws -> String {
        i += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() throws {
            guard !raw.isEmpty else { return }
            guard let text = String(validating: raw, as: UTF8.self) else { throw Reject(reason: "invalid UTF-8") }
            scalars.append(contentsOf: text.unicodeScalars)
            raw.removeAll()
        }
        while true {
            let b = try peek()
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                let e = try peek()
                i += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let unit = try hex4()
                    if unit == 0 { throw Reject(reason: "\\u0000") }
                    if (0xDC00...0xDFFF).contains(unit) { throw Reject(reason: "lone low surrogate") }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard try peek() == UInt8(ascii: "\\") else { throw Reject(reason: "lone high surrogate") }
                        i += 1
                        guard try peek() == UInt8(ascii: "u") else { throw Reject(reason: "lone high surrogate") }
                        i += 1
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Reject(reason: "lone high surrogate") }
                        scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                    } else {
                        scalars.append(Unicode.Scalar(unit)!)
                    }
                default: throw Reject(reason: "bad escape")
                }
            case 0x00..<0x20:
                throw Reject(reason: "control character in a string")
            default:
                raw.append(b)
            }
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - from
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { throw Reject(reason: "bad number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw Reject(reason: "bad number")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw Reject(reason: "bad fraction") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw Reject(reason: "bad exponent") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let number = JSONNumber(text: text) else { throw Reject(reason: "bad number") }
        return .number(number)
    }
}

/// Byte-exact equality of two values (`==` on `JSONValue` compares strings by canonical
/// equivalence; the wire does not).
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    a.serialized(style: .compact).utf8.elementsEqual(b.serialized(style: .compact).utf8)
}

/// Byte-exact equality of two string dictionaries.
func sameStrings(_ a: [String: String]?, _ b: [String: String]?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let a?, let b?):
        return sameJSON(.object(a.mapValues { .string($0) }), .object(b.mapValues { .string($0) }))
    default: return false
    }
}
