/// The most recent output of a service: a byte ring of fixed capacity that drops its oldest bytes
/// to make room (Pebble keeps ``pebbleServiceCapacity``, 100 KiB, per service: `maxLogBytes`).
///
/// Positions count every byte ever appended, from 0, so a reader (e.g. `GET /v1/logs` in follow
/// mode) can ask for "what came after position p" and learn when it fell behind. Thread-safe.
package final class OutputRingBuffer: OutputSink, @unchecked Sendable {
    /// Pebble's per-service log buffer size (`maxLogBytes` in servstate): 100 KiB.
    package static let pebbleServiceCapacity = 100 * 1024
    /// Pebble's number of lines in a task's "Most recent service output" (`lastLogLines`).
    package static let pebbleLastLogLines = 20

    /// The most bytes kept.
    package let capacity: Int

    /// Guards the ring; broadcast on every append.
    private let condition = Condition()
    /// The ring's storage, `capacity` bytes. Guarded by `condition`.
    private var storage: [UInt8]
    /// The position of the oldest byte kept. Guarded by `condition`.
    private var start: UInt64 = 0
    /// The position after the newest byte. Guarded by `condition`.
    private var end: UInt64 = 0

    /// An empty buffer keeping at most `capacity` bytes (at least 1).
    package init(capacity: Int = OutputRingBuffer.pebbleServiceCapacity) {
        self.capacity = max(1, capacity)
        storage = [UInt8](repeating: 0, count: self.capacity)
    }

    /// Appends `bytes`, dropping the oldest bytes beyond the capacity. (When `bytes` alone is
    /// longer than the capacity, its last `capacity` bytes are kept.)
    package func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard !bytes.isEmpty else { return }
        condition.withLock {
            let total = UInt64(bytes.count)
            var source = bytes[...]
            if bytes.count > capacity {
                source = source.dropFirst(bytes.count - capacity)
            }
            var position = end + total - UInt64(source.count)
            for byte in source {
                storage[Int(position % UInt64(capacity))] = byte
                position += 1
            }
            end += total
            if end - start > UInt64(capacity) { start = end - UInt64(capacity) }
            condition.broadcast()
        }
    }

    /// ``OutputSink`` conformance: ``append(_:)``.
    package func write(_ bytes: ArraySlice<UInt8>) {
        append(bytes)
    }

    /// A writer that prefixes each line with a timestamp and `[serviceName] `, as Pebble's
    /// `servicelog.NewFormatWriter` does, then appends to this buffer (see ``ServiceLogWriter``).
    package func formatWriter(serviceName: String) -> ServiceLogWriter {
        ServiceLogWriter(serviceName: serviceName, destination: self)
    }

    /// Every byte kept, oldest first.
    package func contents() -> [UInt8] {
        condition.withLock { bytesLocked(from: start) }
    }

    /// The positions of the oldest byte kept and after the newest.
    package func positions() -> (start: UInt64, end: UInt64) {
        condition.withLock { (start, end) }
    }

    /// The bytes from `position` on (at most `maxBytes`), the position after them, and whether
    /// bytes between `position` and the oldest byte kept were already dropped (then reading
    /// starts at the oldest byte kept).
    package func read(from position: UInt64, maxBytes: Int = .max) -> (bytes: [UInt8], next: UInt64, truncated: Bool) {
        condition.withLock {
            let truncated = position < start
            let from = min(max(position, start), end)
            var bytes = bytesLocked(from: from)
            if bytes.count > maxBytes { bytes.removeLast(bytes.count - maxBytes) }
            return (bytes, from + UInt64(bytes.count), truncated)
        }
    }

    /// Waits until there are bytes after `position`, or the monotonic `deadline` passes; returns
    /// whether there are.
    package func waitForData(after position: UInt64, untilNanoseconds deadline: UInt64) -> Bool {
        condition.withLock {
            while end <= position {
                if !condition.wait(untilNanoseconds: deadline) { return end > position }
            }
            return true
        }
    }

    /// The last `n` lines, oldest first, without their newlines: a last line without a newline
    /// yet counts as a line; a newline at the very end does not start an empty one. The first
    /// line may be partial when older bytes were dropped. Bytes that are not UTF-8 become U+FFFD.
    package func lastLines(_ n: Int) -> [String] {
        guard n > 0 else { return [] }
        var bytes = contents()[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        if bytes.isEmpty { return [] }
        var lines: [String] = []
        var lineEnd = bytes.endIndex
        var index = bytes.endIndex
        while index > bytes.startIndex, lines.count < n {
            index -= 1
            if bytes[index] == UInt8(ascii: "\n") {
                lines.append(String(decoding: bytes[(index + 1)..<lineEnd], as: UTF8.self))
                lineEnd = index
            }
        }
        if lines.count < n, index == bytes.startIndex {
            lines.append(String(decoding: bytes[bytes.startIndex..<lineEnd], as: UTF8.self))
        }
        return lines.reversed()
    }

    /// Exactly Pebble's `servicelog.LastLines(buffer, n, indent, stripPrefix)`, the text of a
    /// task's "Most recent service output:\n…" log entry (Pebble uses n 20, indent four spaces,
    /// stripPrefix true): from the start of the (n+1)-th line before the end, the text with
    /// surrounding white space trimmed, split into lines; when that gives more than `n` lines,
    /// the first becomes `(...)`; with `stripPrefix`, a leading `2006-01-02T15:04:05.000Z [name] `
    /// is removed from each line; each line is prefixed with `indent`; joined with newlines.
    /// As in Go, an empty buffer gives just `indent` (the empty string only when `indent` is).
    package func pebbleLastLines(_ n: Int, indent: String, stripPrefix: Bool) -> String {
        let bytes = contents()
        let from = Self.reverseLinePosition(bytes, n + 1)
        let text = Self.trimmingGoSpace(String(decoding: bytes[from...], as: UTF8.self))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.count > n { lines[0] = "(...)" }
        return lines.map { line in
            indent + (stripPrefix ? ServiceLogWriter.strippingPrefix(line) : line)
        }.joined(separator: "\n")
    }

    /// The bytes from `position` to the end. With the lock held.
    private func bytesLocked(from position: UInt64) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(Int(end - position))
        var index = position
        while index < end {
            result.append(storage[Int(index % UInt64(capacity))])
            index += 1
        }
        return result
    }

    /// servicelog's `RingBuffer.reverseLinePosition`: walking back from the end, the index where
    /// the `n`-th newline (not counting the one ending the last line) was met, just after it; or
    /// the start when there are fewer.
    private static func reverseLinePosition(_ bytes: [UInt8], _ n: Int) -> Int {
        if n <= 0 { return bytes.count }
        var lines = -1
        var first = bytes.count
        var last: UInt8 = 0
        var index = bytes.count
        while index > 0 {
            index -= 1
            first -= 1
            last = bytes[index]
            if last == UInt8(ascii: "\n") { lines += 1 }
            if lines == n { break }
        }
        if last == UInt8(ascii: "\n") { first += 1 }
        return first
    }

    /// Go's `strings.TrimSpace`: white space (Unicode White_Space, as `unicode.IsSpace`) removed
    /// from both ends.
    private static func trimmingGoSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
