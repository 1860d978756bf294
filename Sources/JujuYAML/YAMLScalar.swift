/// A YAML scalar: its text, how it was written, and its tag.
///
/// ``resolvedTag`` is the type a reader gives it: an explicit tag wins; quoted and block
/// scalars are strings; a plain scalar is resolved as Go's yaml.v3 does (YAML 1.2 core schema:
/// `null`/`~`/empty, `true`/`false` in three spellings, integers in decimal, `0x`, `0o` and `0b`,
/// floats with `.inf`/`.nan`), which is how Pebble reads layers.
public struct YAMLScalar: Sendable, Hashable {
    /// How a scalar is (or was) written.
    public enum Style: Sendable, Hashable {
        /// Emit: let the emitter choose (plain when that reads back as the same type).
        case any
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public static let nullTag = "tag:yaml.org,2002:null"
    public static let boolTag = "tag:yaml.org,2002:bool"
    public static let intTag = "tag:yaml.org,2002:int"
    public static let floatTag = "tag:yaml.org,2002:float"
    public static let stringTag = "tag:yaml.org,2002:str"
    public static let mergeTag = "tag:yaml.org,2002:merge"

    /// The scalar's text, after YAML's escapes and folding.
    public var text: String
    public var style: Style
    /// The explicit tag (`!!str` is `tag:yaml.org,2002:str`), or `nil` when none was written.
    public var tag: String?

    public init(text: String, style: Style = .any, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
    }

    /// A string scalar: the emitter quotes it when plain text would read back as another type.
    public init(string: String) {
        self.init(text: string, style: .any, tag: YAMLScalar.stringTag)
    }

    /// The tag a reader resolves: the explicit one, `str` for quoted and block scalars, or the
    /// plain scalar's resolution.
    public var resolvedTag: String {
        if let tag, tag != "!" { return tag }
        switch style {
        case .plain, .any: return tag == "!" ? YAMLScalar.stringTag : YAMLScalar.resolvePlain(text)
        default: return YAMLScalar.stringTag
        }
    }

    /// The integer value when the scalar resolves to an integer (decimal, `0x`, `0o`, `0b`, with
    /// `_` separators and a sign), as yaml.v3 decodes into an `int`.
    public var intValue: Int? {
        guard resolvedTag == YAMLScalar.intTag else { return nil }
        return YAMLScalar.parseInt(text)
    }

    /// The Boolean value when the scalar resolves to a Boolean.
    public var boolValue: Bool? {
        guard resolvedTag == YAMLScalar.boolTag else { return nil }
        return text.lowercased() == "true"
    }

    /// The number when the scalar resolves to an integer or a float.
    public var doubleValue: Double? {
        let tag = resolvedTag
        if tag == YAMLScalar.intTag { return YAMLScalar.parseInt(text).map(Double.init) }
        guard tag == YAMLScalar.floatTag else { return nil }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return Double(text.replacingAll("_", with: ""))
        }
    }

    /// "string", "integer", "float", "boolean", "null", or the tag, for error messages.
    public var kindName: String {
        switch resolvedTag {
        case YAMLScalar.stringTag: return "string"
        case YAMLScalar.intTag: return "integer"
        case YAMLScalar.floatTag: return "float"
        case YAMLScalar.boolTag: return "boolean"
        case YAMLScalar.nullTag: return "null"
        case let other: return other
        }
    }

    /// The short form of the resolved tag as Go's yaml.v3 prints it in errors (`!!str`, `!!int`).
    public var shortTag: String {
        let tag = resolvedTag
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    // MARK: - Resolution

    /// Resolves a plain scalar the way yaml.v3 does (YAML 1.2 core schema, plus `<<`).
    public static func resolvePlain(_ text: String) -> String {
        switch text {
        case "", "~", "null", "Null", "NULL": return nullTag
        case "true", "True", "TRUE", "false", "False", "FALSE": return boolTag
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return floatTag
        case "<<": return mergeTag
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return stringTag
        }
        if parseInt(text) != nil { return intTag }
        if isFloat(text) { return floatTag }
        return stringTag
    }

    /// `true` when a reader of YAML 1.1 (PyYAML, which ops uses) or 1.2 would take plain `text`
    /// for something other than a string: the emitter then quotes it.
    public static func needsQuotesAsString(_ text: String) -> Bool {
        if resolvePlain(text) != stringTag { return true }
        switch text.lowercased() {
        case "y", "n", "yes", "no", "on", "off", "=": return true
        default: break
        }
        return readsAsNonStringInYAML11(text)
    }

    /// PyYAML's implicit resolvers (YAML 1.1) for ints, floats and timestamps: `0b1`, `017`,
    /// `0x1F`, `1_000`, `1:20` (sexagesimal), `1.5`, `.5`, `1:20.5`, `2024-01-01`. An address
    /// like `10.1.2.3` matches none of them and stays plain, as yaml.v3 writes it.
    static func readsAsNonStringInYAML11(_ text: String) -> Bool {
        var s = Array(text.utf8)[...]
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        // Timestamps: a date at the start (conservative: anything after it).
        let whole = Array(text.utf8)
        if whole.count >= 8, whole[0...3].allSatisfy(isDigit), whole[4] == 45, isDigit(whole[5]) { return true }
        if let sign = s.first, sign == 43 || sign == 45 { s = s.dropFirst() }
        guard let first = s.first else { return false }
        let body = Array(s)
        func all(_ from: Int, _ ok: (UInt8) -> Bool) -> Bool { from <= body.count && body[from...].allSatisfy(ok) }
        // 0b..., 0x..., 0[0-7_]+
        if body.count > 2, first == 48, body[1] == 98 { return all(2) { $0 == 48 || $0 == 49 || $0 == 95 } }
        if body.count > 2, first == 48, body[1] == 120 { return all(2) { isDigit($0) || (97...102).contains($0) || (65...70).contains($0) || $0 == 95 } }
        if body.count > 1, first == 48, all(1, { (48...55).contains($0) || $0 == 95 }) { return true }
        // Decimal ints, sexagesimal ints and floats: digits and `_`, then `:[0-5]?[0-9]` groups,
        // then an optional fraction and exponent.
        var i = 0
        if isDigit(first) {
            while i < body.count, isDigit(body[i]) || body[i] == 95 { i += 1 }
            var sexagesimal = false
            while i < body.count, body[i] == 58 {
                var j = i + 1
                let start = j
                while j < body.count, isDigit(body[j]), j - start < 2 { j += 1 }
                guard j > start, j - start == 1 || body[start] <= 53 else { return false }
                sexagesimal = true
                i = j
            }
            if i == body.count { return sexagesimal ? first != 48 : true }
            guard body[i] == 46 else { return false }
            i += 1
            while i < body.count, isDigit(body[i]) || body[i] == 95 { i += 1 }
            if i == body.count { return true }
            if sexagesimal { return false }
        } else if first == 46 {
            i = 1
            let start = i
            while i < body.count, isDigit(body[i]) || body[i] == 95 { i += 1 }
            guard i > start else { return false }
            if i == body.count { return true }
        } else {
            return false
        }
        // [eE][-+][0-9]+
        guard i < body.count, body[i] == 101 || body[i] == 69 else { return false }
        i += 1
        guard i < body.count, body[i] == 43 || body[i] == 45 else { return false }
        i += 1
        return i < body.count && all(i, isDigit)
    }

    static func parseInt(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var radix = 10
        if digits.count > 2, digits.first == "0", let marker = digits.dropFirst().first {
            switch marker {
            case "x": radix = 16
            case "o": radix = 8
            case "b": radix = 2
            default: break
            }
            if radix != 10 { digits = digits.dropFirst(2) }
        }
        let cleaned = digits.replacingAll("_", with: "")
        guard !cleaned.isEmpty, cleaned.first != "_", let magnitude = UInt(cleaned, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt(Int.max) + 1 else { return nil }
            return magnitude == UInt(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt(Int.max) else { return nil }
        return Int(magnitude)
    }

    static func isFloat(_ text: String) -> Bool {
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        var bytes = Array(text.utf8)[...]
        if let s = bytes.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let intDigits = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(intDigits)
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fractionDigits)
        }
        guard intDigits > 0 || fractionDigits > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let s = bytes.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit).count
            guard exponent > 0 else { return false }
            bytes = bytes.dropFirst(exponent)
        }
        return bytes.isEmpty
    }
}

extension StringProtocol {
    /// The text with every `target` replaced (no Foundation on the hook path).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
