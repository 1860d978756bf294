/// Why an engine failed a hook. The hook is then reported to Juju as failed and nothing it
/// computed is written, so Juju's retry runs it again from the same state.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A rule id from `Specs/postgresql_client-v0.md` (e.g. `PROV-ENDPOINTS-FORMAT`,
    /// `PROV-SET-PREMATURE`, `JUJU-SECRET-ACCESS`).
    public let code: String
    /// What went wrong and what to do; never contains a password.
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
