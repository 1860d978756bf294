/// A JSON number, kept exactly as it was written.
///
/// json-c turns integers beyond 64 bits into saturated values and `-0` into `0`; this type keeps
/// the literal so that a document read and written again says the same thing.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, for example `1.50`, `-0` or `12345678901234567890123`.
    public let text: String

    /// Wraps a literal that is already valid JSON number syntax. Returns `nil` otherwise.
    public init?(text: String) {
        guard JSONNumber.isValidLiteral(text.utf8) else { return nil }
        self.text = text
    }

    init(uncheckedText text: String) {
        self.text = text
    }

    /// An integer number.
    public init<I: BinaryInteger>(_ value: I) {
        self.text = String(value)
    }

    /// A floating-point number, written with Swift's shortest round-trip representation.
    /// Infinity and NaN are not JSON numbers; they are written as `null`.
    public init(_ value: Double) {
        self.text = value.isFinite ? "\(value)" : "null"
    }

    /// The value as an `Int`, when the literal is an integer that fits.
    public var intValue: Int? { Int(text) }

    /// The value as an `Int64`, when the literal is an integer that fits.
    public var int64Value: Int64? { Int64(text) }

    /// The value as a `Double` (possibly rounded).
    public var doubleValue: Double? { Double(text) }

    /// `true` when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    }

    public var description: String { text }

    /// Checks `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isValidLiteral<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if i < end, bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        guard i < end else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i = bytes.index(after: i)
        } else if digit(bytes[i]) {
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        } else {
            return false
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            guard i < end, digit(bytes[i]) else { return false }
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
            guard i < end, digit(bytes[i]) else { return false }
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        }
        return i == end
    }
}
