// Shared by every fuzz target (compiled into each target's binary).
//
// A broken invariant calls `invariantFailed`, which prints the reason and traps: libFuzzer then
// records the input as a crash artifact like any other crash. Thrown Swift errors are expected
// outcomes for bad input and are never findings.

/// Stops the run: an invariant the code under test promises did not hold.
func invariantFailed(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    // fatalError prints the message to standard error, then traps.
    fatalError("FUZZ INVARIANT FAILED: \(message())", file: file, line: line)
}

/// The fuzzer's input as bytes.
@inline(__always)
func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: data, count: size)
}

/// The fuzzer's input as text; invalid UTF-8 is repaired with U+FFFD the way `String(decoding:)`
/// does when a hook tool's output is read.
@inline(__always)
func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

