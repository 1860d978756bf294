import Synchronization

/// Pebble's service log format (servicelog's `NewFormatWriter`): every line a service writes is
/// stored prefixed with the time its first byte arrived, in Pebble's log timestamp format
/// (UTC, milliseconds, ``Timestamp/logTimestamp``), and the service name in brackets:
///
///     2021-05-13T03:16:51.001Z [svc] first line
///     2021-05-13T03:16:52.002Z [svc] second line
///
/// A line split across several writes gets one prefix; the prefix for the next line is written
/// only when its first byte arrives. Thread-safe: each write is appended to the destination in
/// one piece.
package final class ServiceLogWriter: OutputSink {
    /// The name between the brackets.
    package let serviceName: String
    /// Where the formatted bytes go.
    package let destination: any OutputSink
    /// Gives each line's time.
    private let clock: @Sendable () -> Timestamp
    /// Whether the next byte starts a line.
    private let atLineStart = Mutex(true)

    /// A writer for `serviceName` into `destination`; `clock` gives each line's time (the wall
    /// clock by default; tests pass a fixed one).
    package init(serviceName: String, destination: any OutputSink, clock: @escaping @Sendable () -> Timestamp = { WallClock.now() }) {
        self.serviceName = serviceName
        self.destination = destination
        self.clock = clock
    }

    /// Formats `bytes` and writes the result to the destination.
    package func write(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        atLineStart.withLock { atLineStart in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 40)
            var prefix: [UInt8]?
            for byte in bytes {
                if atLineStart {
                    if prefix == nil { prefix = Array("\(clock().logTimestamp) [\(serviceName)] ".utf8) }
                    output.append(contentsOf: prefix!)
                    atLineStart = false
                }
                output.append(byte)
                if byte == UInt8(ascii: "\n") { atLineStart = true }
            }
            destination.write(output[...])
        }
    }

    /// `line` without a leading `2006-01-02T15:04:05.000Z [name] ` (the prefix this writer adds,
    /// as servicelog's `LastLines` strips it: four-digit year, exactly three fraction digits,
    /// `Z`, a non-empty name without `]`).
    package static func strippingPrefix(_ line: String) -> String {
        let bytes = Array(line.utf8)
        // "YYYY-MM-DDTHH:MM:SS.mmmZ [" is 26 bytes.
        let pattern = Array("dddd-dd-ddTdd:dd:dd.dddZ [".utf8)
        guard bytes.count > pattern.count else { return line }
        for (byte, expected) in zip(bytes, pattern) {
            if expected == UInt8(ascii: "d") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return line }
            } else if byte != expected {
                return line
            }
        }
        var index = pattern.count
        let nameStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") { index += 1 }
        guard index > nameStart, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: " ") else { return line }
        return String(decoding: bytes[(index + 2)...], as: UTF8.self)
    }
}
