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
        // YAML 1.1 also reads sexagesimal numbers (1:20), binary, octal and hexadecimal ones with
        // `_` separators, and dates: quote text made only of number characters, and dates.
        guard let first = text.utf8.first else { return true }
        let numberStart = (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        if numberStart, text.utf8.allSatisfy({ "0123456789+-._:eExXoObBabcdefABCDEF".utf8.contains($0) }) { return true }
        let bytes = Array(text.utf8)
        func digit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        if bytes.count >= 8, digit(0), digit(1), digit(2), digit(3), bytes[4] == UInt8(ascii: "-"), digit(5) { return true }
        return false
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
