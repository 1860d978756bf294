/// Why the fake Pebble could not start.
public struct FakePebbleError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The socket cannot be created (path too long, directory missing, in use).
        public static let socket = Code(rawValue: "fake-pebble-socket")
        /// A command-line argument is wrong.
        public static let usage = Code(rawValue: "fake-pebble-usage")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
