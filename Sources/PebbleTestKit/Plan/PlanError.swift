/// Why the fake Pebble refused a layer or an order of services, in Pebble's words.
///
/// ``code`` decides the HTTP answer as the real daemon's does: ``Code/labelExists`` and
/// ``Code/format`` are 400 Bad Request, ``Code/other`` 500.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `layer "x" already exists` (add without combine) (planstate `LabelExists`).
        public static let labelExists = Code(rawValue: "plan-label-exists")
        /// The layer or the combined plan breaks a rule (plan `FormatError`).
        public static let format = Code(rawValue: "plan-format")
        /// The layer itself does not parse or breaks a single-layer rule (`ParseLayer`, which
        /// runs `Layer.Validate`): the API answers 400 `cannot parse layer YAML: <message>`.
        public static let parse = Code(rawValue: "plan-parse")
        /// Any other failure (Pebble answers 500).
        public static let other = Code(rawValue: "plan-other")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
