import PebbleTestKit
import Testing

@Suite("OutputRingBuffer and ServiceLogWriter")
struct OutputRingBufferTests {
    /// `text` as bytes.
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("Keeps the last capacity bytes")
    func capacity() {
        let buffer = OutputRingBuffer(capacity: 10)
        buffer.append(bytes("0123456789abc"))
        #expect(buffer.contents() == bytes("3456789abc"))
        buffer.append(bytes("XY"))
        #expect(buffer.contents() == bytes("56789abcXY"))
        #expect(buffer.positions() == (5, 15))
        #expect(OutputRingBuffer().capacity == 100 * 1024)
    }

    @Test("Reading from a position, and noticing what was dropped")
    func readFromPosition() {
        let buffer = OutputRingBuffer(capacity: 8)
        buffer.append(bytes("abcdef"))
        let first = buffer.read(from: 2)
        #expect(first.bytes == bytes("cdef") && first.next == 6 && !first.truncated)
        buffer.append(bytes("ghijkl"))  // positions 4..<12 are kept
        let second = buffer.read(from: first.next, maxBytes: 3)
        #expect(second.bytes == bytes("ghi") && second.next == 9 && !second.truncated)
        let behind = buffer.read(from: 1)
        #expect(behind.bytes == bytes("efghijkl") && behind.truncated)
        #expect(buffer.waitForData(after: 11, untilNanoseconds: 0))
        #expect(!buffer.waitForData(after: 12, untilNanoseconds: MonotonicClock.deadline(afterNanoseconds: 1_000_000)))
    }

    @Test("Last lines: partial last line counts, a final newline does not add an empty line")
    func lastLines() {
        let buffer = OutputRingBuffer()
        #expect(buffer.lastLines(3).isEmpty)
        buffer.append(bytes("one\ntwo\nthree\n"))
        #expect(buffer.lastLines(2) == ["two", "three"])
        #expect(buffer.lastLines(10) == ["one", "two", "three"])
        buffer.append(bytes("four"))
        #expect(buffer.lastLines(2) == ["three", "four"])
        #expect(buffer.lastLines(0).isEmpty)
        let wrapped = OutputRingBuffer(capacity: 8)
        wrapped.append(bytes("line1\nline2\n"))
        #expect(wrapped.lastLines(5) == ["1", "line2"])  // 12 bytes, the last 8 kept
    }

    @Test("Pebble's LastLines: the truncation marker (servicelog's own test cases)")
    func pebbleLastLinesTruncate() {
        let buffer = OutputRingBuffer(capacity: 1024)
        for i in 1...9 { buffer.append(bytes("line \(i)\n")) }
        buffer.append(bytes("2000-01-01T00:00:00Z [foo] line 10\n"))
        #expect(buffer.pebbleLastLines(5, indent: "=> ", stripPrefix: false)
            == "=> (...)\n=> line 6\n=> line 7\n=> line 8\n=> line 9\n=> 2000-01-01T00:00:00Z [foo] line 10")
    }

    @Test("Pebble's LastLines: no indent, prefix stripping")
    func pebbleLastLinesVariants() {
        let plain = OutputRingBuffer(capacity: 1024)
        plain.append(bytes("foo\n"))
        plain.append(bytes("2000-01-01T00:00:00Z [foo] bar\n"))
        #expect(plain.pebbleLastLines(10, indent: "", stripPrefix: false) == "foo\n2000-01-01T00:00:00Z [foo] bar")

        let prefixed = OutputRingBuffer(capacity: 1024)
        prefixed.append(bytes("foo\n"))
        prefixed.append(bytes("2000-01-01T00:00:00.000Z [svc1] bar\n"))
        prefixed.append(bytes("2022-12-25T23:59:59.999Z [service2] log msg\n"))
        #expect(prefixed.pebbleLastLines(10, indent: "", stripPrefix: true) == "foo\nbar\nlog msg")
        #expect(prefixed.pebbleLastLines(20, indent: "    ", stripPrefix: true) == "    foo\n    bar\n    log msg")

        // As in Go, an empty buffer still gives the indent.
        #expect(OutputRingBuffer().pebbleLastLines(20, indent: "    ", stripPrefix: true) == "    ")
        #expect(OutputRingBuffer().pebbleLastLines(20, indent: "", stripPrefix: true) == "")
    }

    @Test("The format writer prefixes each line once, however the writes are split")
    func formatWriter() {
        let buffer = OutputRingBuffer()
        let writer = ServiceLogWriter(serviceName: "svc", destination: buffer) {
            Timestamp(seconds: 1_620_875_811, nanoseconds: 1_000_000)
        }
        writer.write(bytes("first\nsec"))
        writer.write(bytes("ond\n"))
        writer.write(bytes("third\n"))
        #expect(String(decoding: buffer.contents(), as: UTF8.self) == """
            2021-05-13T03:16:51.001Z [svc] first
            2021-05-13T03:16:51.001Z [svc] second
            2021-05-13T03:16:51.001Z [svc] third

            """)
        // As in Go: the marker stands for the lines before the last n.
        #expect(buffer.pebbleLastLines(2, indent: "", stripPrefix: true) == "(...)\nsecond\nthird")
        #expect(ServiceLogWriter.strippingPrefix("2021-05-13T03:16:51.001Z [svc] x") == "x")
        #expect(ServiceLogWriter.strippingPrefix("2021-05-13T03:16:51Z [svc] x") == "2021-05-13T03:16:51Z [svc] x")
        #expect(ServiceLogWriter.strippingPrefix("2021-05-13T03:16:51.001Z [] x") == "2021-05-13T03:16:51.001Z [] x")
        let viaBuffer = buffer.formatWriter(serviceName: "other")
        #expect(viaBuffer.serviceName == "other")
    }
}
