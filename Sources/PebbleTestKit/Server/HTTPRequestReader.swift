/// Reads HTTP/1.x requests off one connection: request line, header fields, then the body by
/// `Content-Length` or chunked transfer coding (trailers read and dropped), within
/// ``HTTPServerLimits``. What it accepts and refuses follows Go's `net/http` server where that
/// matters to clients (the status codes, `Host` required on HTTP/1.1, `Expect: 100-continue`).
struct HTTPRequestReader {
    /// What reading one request gave.
    enum Outcome {
        /// A complete request; `keepAlive` tells whether the connection may carry another.
        case request(HTTPServerRequest, keepAlive: Bool)
        /// The connection ended (or idled out) cleanly between requests: close without answering.
        case closed
        /// The client stalled or went away mid-request: close without answering.
        case aborted
        /// The request is unacceptable: answer `status` with `message` as a text body, then close.
        case refused(status: Int, message: String)
    }

    /// A line too long for what remains of its budget, or the connection giving out.
    private enum LineError: Error {
        case tooLong
        case aborted
    }

    /// Why a chunked body could not be read: a refusal to answer, or `nil` when the connection
    /// gave out.
    private struct ChunkedBodyError: Error {
        /// The refusal to answer with, or `nil` when the connection gave out.
        let refusal: Outcome?
    }

    /// The connection.
    let socket: HTTPConnectionSocket
    /// The limits.
    let limits: HTTPServerLimits
    /// The peer, put into every request.
    let peer: PeerCredentials?

    /// Reads the next request, waiting at most the idle timeout for its first byte. `sendContinue`
    /// writes the interim `100 Continue` when the client asked for it.
    func next(sendContinue: ([UInt8]) -> Bool) -> Outcome {
        // Idle: wait for the first byte of the next request.
        if socket.available == 0 {
            switch socket.fill(timeoutMilliseconds: HTTPConnectionSocket.milliseconds(limits.idleTimeoutNanoseconds)) {
            case .data: break
            case .endOfFile, .timeout, .failed: return .closed
            }
        }

        var headerBudget = limits.maxHeaderBytes
        var requestLine: [UInt8]
        repeat {  // RFC 9112 2.2: empty lines before a request line are ignored.
            switch readLine(budget: &headerBudget) {
            case .success(let line): requestLine = line
            case .failure(.tooLong): return .refused(status: 431, message: "request line and headers too large (more than \(limits.maxHeaderBytes) bytes)")
            case .failure(.aborted): return .aborted
            }
        } while requestLine.isEmpty

        // METHOD SP request-target SP HTTP-version
        let parts = requestLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].contains(UInt8(ascii: " ")) else {
            return .refused(status: 400, message: "malformed HTTP request \(ExecutableLookup.goQuote(String(decoding: requestLine, as: UTF8.self)))")
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenByte) else {
            return .refused(status: 400, message: "invalid method \(ExecutableLookup.goQuote(method))")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard let minorVersion = Self.parseVersion(version) else {
            return .refused(status: 400, message: "malformed HTTP version \(ExecutableLookup.goQuote(version))")
        }
        guard minorVersion >= 0 else {
            return .refused(status: 505, message: "unsupported protocol version \(ExecutableLookup.goQuote(version))")
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard let (path, rawQuery) = Self.parseTarget(parts[1]) else {
            return .refused(status: 400, message: "invalid request-target \(ExecutableLookup.goQuote(target))")
        }

        // Header fields up to the empty line.
        var headers: [(name: String, value: String)] = []
        while true {
            let line: [UInt8]
            switch readLine(budget: &headerBudget) {
            case .success(let read): line = read
            case .failure(.tooLong): return .refused(status: 431, message: "request line and headers too large (more than \(limits.maxHeaderBytes) bytes)")
            case .failure(.aborted): return .aborted
            }
            if line.isEmpty { break }
            switch Self.parseHeaderLine(line) {
            case .success(let field): headers.append(field)
            case .failure(let message): return .refused(status: 400, message: message.text)
            }
        }

        // Connection management and framing.
        let connectionTokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.split(separator: ",").map { $0.trimmingSpaces.lowercased() } }
        let keepAlive = minorVersion >= 1 && !connectionTokens.contains("close")

        let hosts = headers.filter { $0.name == "host" }
        if hosts.count > 1 { return .refused(status: 400, message: "too many Host headers") }
        if limits.requireHostHeader, minorVersion >= 1, hosts.isEmpty {
            return .refused(status: 400, message: "missing required Host header")
        }

        let transferEncodings = headers.filter { $0.name == "transfer-encoding" }.map(\.value)
        var chunked = false
        if !transferEncodings.isEmpty {
            guard transferEncodings.count == 1, !transferEncodings[0].contains(",") else {
                return .refused(status: 501, message: "too many transfer encodings: \(transferEncodings)")
            }
            guard transferEncodings[0].lowercased() == "chunked" else {
                return .refused(status: 501, message: "unsupported transfer encoding: \(ExecutableLookup.goQuote(transferEncodings[0]))")
            }
            chunked = true
        }
        var contentLength = 0
        let lengths = Set(headers.filter { $0.name == "content-length" }.map(\.value))
        if !chunked, !lengths.isEmpty {
            guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.utf8.allSatisfy(Self.isDigit),
                  let length = Int(text) else {
                return .refused(status: 400, message: "bad Content-Length \(ExecutableLookup.goQuote(lengths.sorted().joined(separator: ", ")))")
            }
            guard length <= limits.maxBodyBytes else {
                return .refused(status: 413, message: "request body too large (\(length) bytes, at most \(limits.maxBodyBytes))")
            }
            contentLength = length
        }

        if let expect = headers.first(where: { $0.name == "expect" })?.value {
            guard expect.lowercased() == "100-continue" else {
                return .refused(status: 417, message: "unsupported Expect \(ExecutableLookup.goQuote(expect))")
            }
            if minorVersion >= 1, chunked || contentLength > 0, socket.available == 0 {
                if !sendContinue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) { return .aborted }
            }
        }

        // The body.
        var body: [UInt8] = []
        if chunked {
            switch readChunkedBody() {
            case .success(let read): body = read
            case .failure(let error):
                return error.refusal ?? .aborted
            }
        } else if contentLength > 0 {
            guard let read = readExactly(contentLength) else { return .aborted }
            body = read
        }

        let request = HTTPServerRequest(
            method: method, target: target, path: path,
            query: rawQuery.map { URLDecoding.parseQuery($0[...]) } ?? [],
            headers: headers, body: body, peer: peer, minorVersion: minorVersion)
        return .request(request, keepAlive: keepAlive)
    }

    /// The next line without its `\n` (and `\r\n`), charging its length to `budget`.
    private func readLine(budget: inout Int) -> Result<[UInt8], LineError> {
        var searched = 0  // unconsumed bytes already searched (fill may move them to the front)
        while true {
            if let newline = socket.newlineIndex(from: socket.offset + searched) {
                let length = newline - socket.offset + 1
                guard length <= budget else { return .failure(.tooLong) }
                budget -= length
                var line = Array(socket.take(length).dropLast())
                if line.last == 13 { line.removeLast() }
                return .success(line)
            }
            guard socket.available <= budget else { return .failure(.tooLong) }
            searched = socket.available
            switch socket.fill() {
            case .data: continue
            case .endOfFile, .timeout, .failed: return .failure(.aborted)
            }
        }
    }

    /// Exactly `count` bytes, or `nil` when the connection gives out first.
    private func readExactly(_ count: Int) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 1 << 20))
        while result.count < count {
            if socket.available == 0 {
                switch socket.fill() {
                case .data: break
                case .endOfFile, .timeout, .failed: return nil
                }
            }
            result.append(contentsOf: socket.take(min(socket.available, count - result.count)))
        }
        return result
    }

    /// A chunked body: chunks until the zero-sized one, then trailers (dropped) up to the empty
    /// line. Fails with a refusal, or `nil` when the connection gives out.
    private func readChunkedBody() -> Result<[UInt8], ChunkedBodyError> {
        var body: [UInt8] = []
        while true {
            var lineBudget = 4096
            let sizeLine: [UInt8]
            switch readLine(budget: &lineBudget) {
            case .success(let line): sizeLine = line
            case .failure(.tooLong): return .failure(ChunkedBodyError(refusal: .refused(status: 400, message: "malformed chunked encoding: chunk size line too long")))
            case .failure(.aborted): return .failure(ChunkedBodyError(refusal: nil))
            }
            let sizeText = sizeLine.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != 9 }
            guard !sizeText.isEmpty, sizeText.count <= 16, sizeText.allSatisfy(Self.isHexDigit),
                  let size = Int(String(decoding: sizeText, as: UTF8.self), radix: 16) else {
                return .failure(ChunkedBodyError(refusal: .refused(status: 400, message: "malformed chunked encoding: bad chunk size \(ExecutableLookup.goQuote(String(decoding: sizeLine, as: UTF8.self)))")))
            }
            if size == 0 { break }
            guard size <= limits.maxBodyBytes - body.count else {
                return .failure(ChunkedBodyError(refusal: .refused(status: 413, message: "request body too large (more than \(limits.maxBodyBytes) bytes)")))
            }
            guard let data = readExactly(size) else { return .failure(ChunkedBodyError(refusal: nil)) }
            body.append(contentsOf: data)
            var endBudget = 2
            switch readLine(budget: &endBudget) {
            case .success(let line) where line.isEmpty: continue
            case .failure(.aborted): return .failure(ChunkedBodyError(refusal: nil))
            default: return .failure(ChunkedBodyError(refusal: .refused(status: 400, message: "malformed chunked encoding: missing CRLF after chunk data")))
            }
        }
        var trailerBudget = limits.maxHeaderBytes
        while true {
            switch readLine(budget: &trailerBudget) {
            case .success(let line) where line.isEmpty: return .success(body)
            case .success: continue
            case .failure(.tooLong): return .failure(ChunkedBodyError(refusal: .refused(status: 431, message: "chunked trailers too large (more than \(limits.maxHeaderBytes) bytes)")))
            case .failure(.aborted): return .failure(ChunkedBodyError(refusal: nil))
            }
        }
    }

    /// The minor version of `HTTP/1.x` (x a single digit); -1 for another major version (2, 3);
    /// `nil` when it is not an HTTP version at all.
    private static func parseVersion(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, text.hasPrefix("HTTP/"), bytes[6] == UInt8(ascii: "."),
              isDigit(bytes[5]), isDigit(bytes[7]) else { return nil }
        guard bytes[5] == UInt8(ascii: "1") else { return -1 }
        return Int(bytes[7] - UInt8(ascii: "0"))
    }

    /// The decoded path and the raw query (after `?`) of a request-target, as Go's
    /// `url.ParseRequestURI` accepts it: origin form (`/p?q`), absolute form
    /// (`http://host/p?q`, the authority dropped) or `*`; `nil` for anything else, a control
    /// character, or a bad `%` escape in the path.
    private static func parseTarget(_ target: ArraySlice<UInt8>) -> (path: String, rawQuery: String?)? {
        guard !target.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        var text = Substring(String(decoding: target, as: UTF8.self))
        if text == "*" { return ("*", nil) }
        if !text.hasPrefix("/") {
            guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://"), colon > text.startIndex,
                  text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
            let afterAuthority = text[text.index(colon, offsetBy: 3)...]
            text = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? ""
        }
        let rawPath: Substring
        var rawQuery: String?
        if let question = text.firstIndex(of: "?") {
            rawPath = text[..<question]
            rawQuery = String(text[text.index(after: question)...])
        } else {
            rawPath = text
        }
        guard let path = URLDecoding.percentDecode(rawPath, plusIsSpace: false) else { return nil }
        return (path, rawQuery)
    }

    /// A refusal's text.
    private struct HeaderError: Error {
        let text: String
    }

    /// `name: value` with the name lower-cased and the value trimmed, or why it is malformed.
    private static func parseHeaderLine(_ line: [UInt8]) -> Result<(name: String, value: String), HeaderError> {
        if line.first == UInt8(ascii: " ") || line.first == 9 {
            return .failure(HeaderError(text: "malformed MIME header: obsolete line folding"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy(isTokenByte) else {
            return .failure(HeaderError(text: "malformed MIME header line: \(ExecutableLookup.goQuote(String(decoding: line, as: UTF8.self)))"))
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == UInt8(ascii: " ") || first == 9 { value = value.dropFirst() }
        while let last = value.last, last == UInt8(ascii: " ") || last == 9 { value = value.dropLast() }
        guard !value.contains(where: { ($0 < 0x20 && $0 != 9) || $0 == 0x7F }) else {
            return .failure(HeaderError(text: "invalid header field value for \(ExecutableLookup.goQuote(String(decoding: line[..<colon], as: UTF8.self)))"))
        }
        return .success((String(decoding: line[..<colon], as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// An ASCII digit.
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// An ASCII hex digit.
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
