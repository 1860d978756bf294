/// A ``UnixHTTPServer`` could not listen.
package struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    package struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, e.g. `"spawn-failed"`.
        package let rawValue: String
        /// A code with this raw value.
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        package var description: String { rawValue }

        /// The path does not fit in `sockaddr_un` (at most 107 bytes).
        package static let socketPathTooLong = Code(rawValue: "socket-path-too-long")
        /// Another server answers at the path.
        package static let addressInUse = Code(rawValue: "address-in-use")
        /// Something that is not a socket is at the path.
        package static let pathOccupied = Code(rawValue: "path-occupied")
        /// `socket`, `bind`, `chmod` or `listen` failed.
        package static let listenFailed = Code(rawValue: "listen-failed")
    }

    /// What kind of failure.
    package let code: Code
    /// What went wrong, and what to do about it.
    package let message: String
    /// The socket path.
    package let socketPath: String
    /// The errno value, when a system call failed.
    package let errno: Int32?

    /// An error with every part given.
    package init(_ code: Code, socketPath: String, message: String, errno: Int32? = nil) {
        self.code = code
        self.socketPath = socketPath
        self.message = message
        self.errno = errno
    }

    /// `message [code]`.
    package var description: String { "\(message) [\(code)]" }
}
