/// A service process could not be started.
///
/// ``message`` is the text Go's `os/exec` gives for the same failure (Pebble reports it as
/// `cannot start service: <message>`), so that clients see what real Pebble says; ``hint`` says
/// what to do about it.
package struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    package struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, e.g. `"spawn-failed"`.
        package let rawValue: String
        /// A code with this raw value.
        package init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        package var description: String { rawValue }

        /// A command name without a slash is not on the daemon's `PATH`.
        package static let executableNotFound = Code(rawValue: "executable-not-found")
        /// A command name was found only through a relative `PATH` entry (Go's `exec.ErrDot`).
        package static let relativeExecutable = Code(rawValue: "relative-executable")
        /// `fork` or `execve` failed (missing file, not executable, bad format, ...).
        package static let spawnFailed = Code(rawValue: "spawn-failed")
        /// Switching user or group failed (the daemon is not root, or the ids are invalid).
        package static let credentials = Code(rawValue: "credentials")
        /// The working directory could not be entered.
        package static let workingDirectory = Code(rawValue: "working-directory")
        /// The command line or environment cannot be passed (empty, or it contains a NUL byte).
        package static let invalidArguments = Code(rawValue: "invalid-arguments")
        /// The daemon is out of descriptors or processes.
        package static let resources = Code(rawValue: "resources")
        /// The daemon could not become the child subreaper.
        package static let subreaper = Code(rawValue: "subreaper")
    }

    /// What kind of failure.
    package let code: Code
    /// Go's text for it, e.g. `exec: "foo": executable file not found in $PATH` or
    /// `fork/exec /x/y: no such file or directory`.
    package let message: String
    /// What to do about it.
    package let hint: String
    /// The errno value, when a system call failed.
    package let errno: Int32?
    /// The step that failed (`execve`, `chdir`, `setuid`, ...), when the child reported one.
    package let failedStep: String?

    /// An error with every part given.
    package init(_ code: Code, message: String, hint: String, errno: Int32? = nil, failedStep: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.errno = errno
        self.failedStep = failedStep
    }

    /// `message (step failed): hint [code]`.
    package var description: String {
        let step = failedStep.map { " (\($0) failed)" } ?? ""
        return "\(message)\(step): \(hint) [\(code)]"
    }
}
