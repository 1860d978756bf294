/// How ``JSONValue/serialized(style:)`` writes JSON.
public enum JSONStyle: Sendable, Hashable {
    /// No spaces, keys sorted by UTF-8 bytes, non-ASCII written as UTF-8. Deterministic.
    case compact
    /// Byte-for-byte what Python's `json.dumps(value)` writes for a dict that iterates in
    /// UTF-8-sorted key order (as Juju hands relation data to ops): `", "` and `": "` separators,
    /// everything outside printable ASCII escaped as lower-case `\uXXXX` (surrogate pairs above
    /// U+FFFF, U+007F included), `/` not escaped.
    case python
}

extension JSONValue {
    /// Serialises the value. Keys are always sorted by their UTF-8 bytes.
    public func serialized(style: JSONStyle = .compact) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out, style: style)
        return String(decoding: out, as: UTF8.self)
    }

    /// Orders keys as Go's `encoding/json` and Python's `sort_keys` do: by UTF-8 bytes
    /// (equivalently, by code point), not by Swift's `String` ordering.
    public static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    func write(into out: inout [UInt8], style: JSONStyle) {
        switch self {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            out.append(contentsOf: n.text.utf8)
        case .string(let s):
            JSONValue.writeString(s, into: &out, style: style)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { JSONValue.separator(into: &out, style: style) }
                element.write(into: &out, style: style)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted(by: JSONValue.utf8Precedes).enumerated() {
                if index > 0 { JSONValue.separator(into: &out, style: style) }
                JSONValue.writeString(key, into: &out, style: style)
                out.append(UInt8(ascii: ":"))
                if style == .python { out.append(0x20) }
                members[key]!.write(into: &out, style: style)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    static func separator(into out: inout [UInt8], style: JSONStyle) {
        out.append(UInt8(ascii: ","))
        if style == .python { out.append(0x20) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeEscapedUnit(_ unit: UInt16, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(hexDigits[Int(unit >> 12) & 0xF])
        out.append(hexDigits[Int(unit >> 8) & 0xF])
        out.append(hexDigits[Int(unit >> 4) & 0xF])
        out.append(hexDigits[Int(unit) & 0xF])
    }

    /// Writes a JSON string literal.
    public static func writeString(_ string: String, into out: inout [UInt8], style: JSONStyle) {
        out.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                writeEscapedUnit(UInt16(v), into: &out)
            case 0x20..<0x7F:
                out.append(UInt8(v))
            default:
                if style == .python {
                    for unit in String(scalar).utf16 { writeEscapedUnit(unit, into: &out) }
                } else {
                    out.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
