/// Why a JSON text could not be read, or a value could not be converted.
///
/// `code` is stable and extensible; `offset` is the byte offset in the input where the problem
/// was found (when there is one); `reason` is a short human sentence.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not JSON (json-c's reason is in the message).
        public static let syntax = Code(rawValue: "json-syntax")
        /// The input ended in the middle of a value.
        public static let truncated = Code(rawValue: "json-truncated")
        /// The input is empty or only white space.
        public static let empty = Code(rawValue: "json-empty")
        /// A string contains U+0000 (as `\u0000` or a raw byte): databags cannot carry it.
        public static let embeddedNUL = Code(rawValue: "json-embedded-nul")
        /// A raw control character inside a string (JSON requires it escaped).
        public static let controlCharacter = Code(rawValue: "json-control-character")
        /// A `\uD800`-`\uDFFF` escape that is not part of a valid surrogate pair.
        public static let unpairedSurrogate = Code(rawValue: "json-unpaired-surrogate")
        /// The same key twice in one object.
        public static let duplicateKey = Code(rawValue: "json-duplicate-key")
        /// Bytes after the end of the document.
        public static let trailingData = Code(rawValue: "json-trailing-data")
        /// Nesting deeper than the parser allows.
        public static let tooDeep = Code(rawValue: "json-too-deep")
        /// The bytes are not valid UTF-8.
        public static let invalidUTF8 = Code(rawValue: "json-invalid-utf8")
        /// A value does not have the type a decoder expected.
        public static let typeMismatch = Code(rawValue: "json-type-mismatch")
        /// A required key is missing.
        public static let missingKey = Code(rawValue: "json-missing-key")
        /// A value is not acceptable for another reason.
        public static let invalidValue = Code(rawValue: "json-invalid-value")
    }

    public let code: Code
    /// Byte offset in the input, when known.
    public let offset: Int?
    /// What is wrong, in a few words.
    public let reason: String
    /// Coding path (keys and indexes) for conversion errors, e.g. `["status", "0", "code"]`.
    public let path: [String]

    public init(_ code: Code, offset: Int? = nil, reason: String, path: [String] = []) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.path = path
    }

    public var description: String {
        var text = "invalid JSON"
        if let offset { text += " at byte \(offset)" }
        if !path.isEmpty { text += " at \(path.joined(separator: "."))" }
        return text + ": " + reason + " [\(code)]"
    }
}
