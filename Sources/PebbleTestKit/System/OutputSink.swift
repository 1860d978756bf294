/// Where a service's output goes: an ``OutputRingBuffer``, or a ``ServiceLogWriter`` in front of
/// one. Called from the process's output reader thread; implementations must be thread-safe.
package protocol OutputSink: Sendable {
    /// Takes `bytes` as read from the service's stdout/stderr pipe (any chunking).
    func write(_ bytes: ArraySlice<UInt8>)
}

extension OutputSink {
    /// Takes all of `bytes`.
    package func write(_ bytes: [UInt8]) {
        write(bytes[...])
    }
}
