/// One pass over a document json-c has accepted, enforcing what json-c's strict mode lets through
/// and recording number literals and per-object key counts in document order.
struct JSONScanner {
    struct ObjectRecord {
        var offset: Int
        var keyCount: Int
    }

    let input: UnsafeRawBufferPointer
    private(set) var numbers: [Range<Int>] = []
    private(set) var objects: [ObjectRecord] = []
    /// Set when a string holds a surrogate pair for a code point whose low 16 bits are
    /// D800-DFFF (U+1D800, U+2D800, ...): json-c 0.16 turns those into U+FFFD, so strings are
    /// then decoded from the source instead.
    private(set) var needsOwnStringDecoding = false

    init(_ input: UnsafeRawBufferPointer) {
        self.input = input
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Returns the first problem, or `nil` when the document is strictly valid.
    mutating func scan() -> JSONError? {
        var openObjects: [Int] = []
        var depth = 0
        var finished = false
        var i = 0
        let n = input.count
        while i < n {
            let c = input[i]
            if finished, !Self.isSpace(c) {
                return JSONError(.trailingData, offset: i, reason: "unexpected data after the end of the document")
            }
            switch c {
            case UInt8(ascii: "\""):
                if let error = skipString(&i) { return error }
                if depth == 0 { finished = true }
                continue
            case UInt8(ascii: "{"):
                objects.append(ObjectRecord(offset: i, keyCount: 0))
                openObjects.append(objects.count - 1)
                depth += 1
            case UInt8(ascii: "["):
                openObjects.append(-1)
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = openObjects.popLast()
                depth -= 1
                if depth == 0 { finished = true }
            case UInt8(ascii: ":"):
                if let top = openObjects.last, top >= 0 { objects[top].keyCount += 1 }
            case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09:
                break
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < n, Self.isNumberByte(input[i]) { i += 1 }
                let literal = UnsafeRawBufferPointer(rebasing: input[start..<i])
                guard JSONNumber.isValidLiteral(literal) else {
                    return JSONError(.syntax, offset: start, reason: "invalid number")
                }
                numbers.append(start..<i)
                if depth == 0 { finished = true }
                continue
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let start = i
                while i < n, (input[i] >= 0x61 && input[i] <= 0x7A) { i += 1 }
                let word = UnsafeRawBufferPointer(rebasing: input[start..<i])
                guard word.elementsEqual("true".utf8) || word.elementsEqual("false".utf8) || word.elementsEqual("null".utf8)
                else {
                    return JSONError(.syntax, offset: start, reason: "unknown literal (only true, false and null)")
                }
                if depth == 0 { finished = true }
                continue
            case 0:
                return JSONError(.embeddedNUL, offset: i, reason: "NUL byte in input")
            default:
                return JSONError(.syntax, offset: i, reason: "unexpected character")
            }
            i += 1
        }
        return nil
    }

    @inline(__always)
    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }

    /// Moves `i` past a string starting at the opening quote.
    private mutating func skipString(_ i: inout Int) -> JSONError? {
        let n = input.count
        i += 1
        while i < n {
            // Eight plain bytes at a time: no quote, backslash, control character or non-ASCII.
            while i + 8 <= n {
                let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if Self.isPlainASCII(word) { i += 8 } else { break }
            }
            guard i < n else { break }
            let c = input[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return nil
            }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < n else { break }
                if input[i + 1] == UInt8(ascii: "u") {
                    guard let unit = hex4(at: i + 2) else {
                        return JSONError(.syntax, offset: i, reason: "bad \\u escape")
                    }
                    if unit == 0 {
                        return JSONError(.embeddedNUL, offset: i, reason: "\\u0000 in a string")
                    }
                    if unit >= 0xD800, unit <= 0xDBFF {
                        guard i + 11 < n, input[i + 6] == UInt8(ascii: "\\"), input[i + 7] == UInt8(ascii: "u"),
                            let low = hex4(at: i + 8), low >= 0xDC00, low <= 0xDFFF
                        else {
                            return JSONError(.unpairedSurrogate, offset: i, reason: "high surrogate without a low surrogate")
                        }
                        let scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        if scalar & 0xF800 == 0xD800 { needsOwnStringDecoding = true }
                        i += 12
                        continue
                    }
                    if unit >= 0xDC00, unit <= 0xDFFF {
                        return JSONError(.unpairedSurrogate, offset: i, reason: "low surrogate without a high surrogate")
                    }
                    i += 6
                    continue
                }
                i += 2
                continue
            }
            if c >= 0x80 {
                guard let length = utf8SequenceLength(at: i) else {
                    return JSONError(.invalidUTF8, offset: i, reason: "invalid UTF-8")
                }
                i += length
                continue
            }
            if c == 0 {
                return JSONError(.embeddedNUL, offset: i, reason: "NUL byte in a string")
            }
            if c < 0x20 {
                return JSONError(.controlCharacter, offset: i, reason: "unescaped control character in a string")
            }
            i += 1
        }
        return JSONError(.truncated, offset: n, reason: "unterminated string")
    }

    /// True when none of the eight bytes is `"`, `\`, below 0x20 or above 0x7F.
    @inline(__always)
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        if word & highs != 0 { return false }
        if hasZeroByte(word ^ (ones &* 0x22)) { return false }
        if hasZeroByte(word ^ (ones &* 0x5C)) { return false }
        // A byte below 0x20 (all bytes are below 0x80 here).
        if (word &- ones &* 0x20) & ~word & highs != 0 { return false }
        return true
    }

    /// The length of the valid UTF-8 sequence starting at `i`, or `nil` (overlong forms,
    /// surrogates and values above U+10FFFF are invalid).
    private func utf8SequenceLength(at i: Int) -> Int? {
        let n = input.count
        let b0 = input[i]
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            k < n && input[k] >= low && input[k] <= high
        }
        switch b0 {
        case 0xC2...0xDF:
            return continuation(i + 1) ? 2 : nil
        case 0xE0:
            return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(i + 1) && continuation(i + 2) ? 3 : nil
        case 0xED:
            return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : nil
        case 0xF0:
            return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF4:
            return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        default:
            return nil
        }
    }

    /// The byte ranges of every string literal (keys and values, quotes included), in document
    /// order. Only called on a document that has passed ``scan()``.
    func stringLiteralRanges() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        let n = input.count
        while i < n {
            if input[i] == UInt8(ascii: "\"") {
                let start = i
                i += 1
                while i < n, input[i] != UInt8(ascii: "\"") {
                    i += input[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
                ranges.append(start..<i)
            } else {
                i += 1
            }
        }
        return ranges
    }

    /// Decodes a validated string literal (with its quotes).
    static func decodeStringLiteral(_ literal: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        func flushBytes() {
            if !bytes.isEmpty {
                scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let b = literal[k]
                value = value << 4 | UInt32(b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10)
            }
            return value
        }
        var i = 1
        let end = literal.count - 1
        while i < end {
            let c = literal[i]
            guard c == UInt8(ascii: "\\") else {
                bytes.append(c)
                i += 1
                continue
            }
            flushBytes()
            let e = literal[i + 1]
            switch e {
            case UInt8(ascii: "u"):
                var unit = hex(i + 2)
                i += 6
                if unit >= 0xD800, unit <= 0xDBFF {
                    let low = hex(i + 2)
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                continue
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            default: scalars.append(Unicode.Scalar(e))
            }
            i += 2
        }
        flushBytes()
        return String(scalars)
    }

    private func hex4(at index: Int) -> UInt32? {
        guard index + 4 <= input.count else { return nil }
        var value: UInt32 = 0
        for k in index..<(index + 4) {
            let b = input[k]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
