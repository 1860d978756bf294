/// Reads an HTTP/1.1 response from bytes as they arrive: status line, headers, then a body
/// framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection.
///
/// Bounded: headers over ``maximumHeaderBytes`` or a body over ``maximumBodyBytes`` are a
/// ``PebbleError/Code/protocolError``, as is anything that is not HTTP. It never traps on any
/// input (a fuzz target feeds it arbitrary bytes).
public struct HTTPResponseParser: Sendable {
    public var maximumHeaderBytes: Int
    public var maximumBodyBytes: Int
    /// `true` for a response to `HEAD` (no body whatever the headers say).
    public var isHeadRequest: Bool

    private enum State: Sendable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head
    private var response = PebbleResponse(statusCode: 0)

    public init(maximumHeaderBytes: Int = 64 << 10, maximumBodyBytes: Int = 64 << 20, isHeadRequest: Bool = false) {
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumBodyBytes = maximumBodyBytes
        self.isHeadRequest = isHeadRequest
    }

    /// `true` once a whole response has been read.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// `true` when the body runs until the connection closes.
    public var readsUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Adds bytes; returns the response once it is complete.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(PebbleError) -> PebbleResponse? {
        buffer.append(contentsOf: bytes)
        return try advance()
    }

    /// Adds bytes; returns the response once it is complete.
    public mutating func feed(_ bytes: [UInt8]) throws(PebbleError) -> PebbleResponse? {
        buffer.append(contentsOf: bytes)
        return try advance()
    }

    /// The connection closed: the response if it is complete now, else a protocol error.
    public mutating func finish() throws(PebbleError) -> PebbleResponse {
        switch state {
        case .done: return response
        case .untilClose:
            state = .done
            return response
        case .head where buffer.count == start && response.statusCode == 0:
            throw PebbleError(.connection, message: "Pebble closed the connection without answering")
        default:
            throw PebbleError(.protocolError, message: "the response ended early (truncated \(stateName))")
        }
    }

    /// Parses a whole response at once (the end of `bytes` is the end of the connection).
    public static func parse(_ bytes: [UInt8], maximumBodyBytes: Int = 64 << 20) throws(PebbleError) -> PebbleResponse {
        var parser = HTTPResponseParser(maximumBodyBytes: maximumBodyBytes)
        if let response = try parser.feed(bytes) { return response }
        return try parser.finish()
    }

    private var stateName: String {
        switch state {
        case .head: return "headers"
        case .fixed, .untilClose: return "body"
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers: return "chunked body"
        case .done: return "response"
        }
    }

    private mutating func advance() throws(PebbleError) -> PebbleResponse? {
        while true {
            switch state {
            case .done:
                return response
            case .head:
                guard let end = find(crlfcrlf, from: start) else {
                    if buffer.count - start > maximumHeaderBytes {
                        throw PebbleError(.protocolError, message: "the response headers are over \(maximumHeaderBytes) bytes")
                    }
                    return nil
                }
                guard end - start <= maximumHeaderBytes else {
                    throw PebbleError(.protocolError, message: "the response headers are over \(maximumHeaderBytes) bytes")
                }
                try parseHead(buffer[start..<end])
                start = end + 4
                if response.statusCode >= 100 && response.statusCode < 200 {
                    // 100 Continue and friends: another head follows.
                    response = PebbleResponse(statusCode: 0)
                    continue
                }
                try chooseFraming()
            case .fixed(let remaining):
                let available = min(remaining, buffer.count - start)
                try appendBody(buffer[start..<start + available])
                start += available
                if remaining - available == 0 { state = .done } else {
                    state = .fixed(remaining: remaining - available)
                    compact()
                    return nil
                }
            case .untilClose:
                try appendBody(buffer[start...])
                start = buffer.count
                compact()
                return nil
            case .chunkSize:
                guard let end = find(crlf, from: start) else {
                    if buffer.count - start > 4096 { throw PebbleError(.protocolError, message: "a chunk size line is too long") }
                    return nil
                }
                let line = buffer[start..<end]
                start = end + 2
                let sizeText = line.prefix { $0 != UInt8(ascii: ";") }
                guard let size = Self.hexNumber(sizeText) else {
                    throw PebbleError(.protocolError, message: "bad chunk size \"\(String(decoding: line.prefix(32), as: UTF8.self))\"")
                }
                guard response.body.count + size <= maximumBodyBytes else {
                    throw PebbleError(.protocolError, message: "the response body is over \(maximumBodyBytes) bytes")
                }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - start)
                try appendBody(buffer[start..<start + available])
                start += available
                if remaining - available == 0 { state = .chunkDataEnd } else {
                    state = .chunkData(remaining: remaining - available)
                    compact()
                    return nil
                }
            case .chunkDataEnd:
                guard buffer.count - start >= 2 else { return nil }
                guard buffer[start] == 13, buffer[start + 1] == 10 else {
                    throw PebbleError(.protocolError, message: "a chunk does not end with CRLF")
                }
                start += 2
                state = .chunkSize
            case .trailers:
                guard let end = find(crlf, from: start) else {
                    if buffer.count - start > maximumHeaderBytes { throw PebbleError(.protocolError, message: "the trailers are too long") }
                    return nil
                }
                let empty = end == start
                start = end + 2
                if empty { state = .done }
            }
        }
    }

    private mutating func compact() {
        if start > 65536 || start == buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private mutating func appendBody(_ bytes: ArraySlice<UInt8>) throws(PebbleError) {
        guard response.body.count + bytes.count <= maximumBodyBytes else {
            throw PebbleError(.protocolError, message: "the response body is over \(maximumBodyBytes) bytes")
        }
        response.body.append(contentsOf: bytes)
    }

    private mutating func parseHead(_ head: ArraySlice<UInt8>) throws(PebbleError) {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 13 ? line.dropLast() : line
        }
        guard !lines.isEmpty else { throw PebbleError(.protocolError, message: "an empty response head") }
        let statusLine = lines.removeFirst()
        // HTTP/1.x SP 3DIGIT [SP reason]
        let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)), parts[0].count == 8,
              parts[1].count == 3, parts[1].allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let code = Int(String(decoding: parts[1], as: UTF8.self)) else {
            throw PebbleError(.protocolError, message: "not an HTTP response: \"\(String(decoding: statusLine.prefix(40), as: UTF8.self))\"")
        }
        response.statusCode = code
        response.reason = parts.count > 2 ? String(decoding: parts[2], as: UTF8.self) : ""
        response.headers = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw PebbleError(.protocolError, message: "a malformed response header \"\(String(decoding: line.prefix(40), as: UTF8.self))\"")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            response.headers.append(.init(name, value))
        }
    }

    private mutating func chooseFraming() throws(PebbleError) {
        if isHeadRequest || response.statusCode == 204 || response.statusCode == 304 {
            state = .done
            return
        }
        if let encoding = response.header("transfer-encoding") {
            guard encoding.lowercased().split(separator: ",").last.map({ $0.trimmingSpaces() == "chunked" }) == true else {
                throw PebbleError(.protocolError, message: "unsupported Transfer-Encoding \"\(encoding)\"")
            }
            state = .chunkSize
            return
        }
        let lengths = response.headers.filter { $0.name == "content-length" }.map(\.value)
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  first.utf8.count <= 18, let length = Int(first) else {
                throw PebbleError(.protocolError, message: "a bad Content-Length \"\(first.prefix(40))\"")
            }
            guard length <= maximumBodyBytes else {
                throw PebbleError(.protocolError, message: "the response body of \(length) bytes is over \(maximumBodyBytes) bytes")
            }
            state = length == 0 ? .done : .fixed(remaining: length)
            return
        }
        state = .untilClose
    }

    private func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard buffer.count - from >= pattern.count else { return nil }
        var i = from
        let last = buffer.count - pattern.count
        while i <= last {
            if buffer[i] == pattern[0] {
                var match = true
                for j in 1..<pattern.count where buffer[i + j] != pattern[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    private static func hexNumber(_ bytes: ArraySlice<UInt8>) -> Int? {
        let digits = trimmed(bytes)
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for b in digits {
            let d: Int
            switch b {
            case 48...57: d = Int(b) - 48
            case 97...102: d = Int(b) - 87
            case 65...70: d = Int(b) - 55
            default: return nil
            }
            value = value * 16 + d
        }
        return value
    }
}

private let crlf: [UInt8] = [13, 10]
private let crlfcrlf: [UInt8] = [13, 10, 13, 10]

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
