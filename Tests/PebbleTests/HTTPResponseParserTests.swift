import Pebble
import Testing

/// What a parser made of some bytes: the response, or the error's code.
private enum Outcome: Equatable, CustomStringConvertible {
    case response(PebbleResponse)
    case failure(PebbleError.Code)

    var description: String {
        switch self {
        case .response(let r): return "\(r.statusCode) \(r.reason) \(r.headers.map { "\($0.name)=\($0.value)" }) body \(r.body.count) bytes"
        case .failure(let code): return "error \(code)"
        }
    }
}

private func whole(_ text: String) -> Outcome {
    do throws(PebbleError) { return .response(try HTTPResponseParser.parse(Array(text.utf8))) } catch { return .failure(error.code) }
}

/// Feeds `text` in pieces of `pieceSize` bytes, then reports the end of the connection.
private func incremental(_ text: String, pieceSize: Int = 1) -> Outcome {
    var parser = HTTPResponseParser()
    let bytes = Array(text.utf8)
    do throws(PebbleError) {
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + pieceSize, bytes.count)
            if let response = try parser.feed(Array(bytes[offset..<end])) { return .response(response) }
            offset = end
        }
        return .response(try parser.finish())
    } catch {
        return .failure(error.code)
    }
}

private let samples: [String] = [
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"type\":\"ok\"}",
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n\r\nbody until the close",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
    "HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\nX-Empty:\r\n\r\nnah",
    // Errors.
    "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
    "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    "HTTP/2 200\r\n\r\n",
    "HTTP/1.1 2000 OK\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Len",
    "",
]

@Suite("HTTPResponseParser")
struct HTTPResponseParserTests {
    @Test("Feeding byte by byte (and in odd pieces) gives what parsing the whole buffer gives", arguments: samples.map { Wire($0) })
    func incrementalEqualsWhole(sample: Wire) {
        let text = sample.text
        let expected = whole(text)
        for size in [1, 2, 3, 7, 64] {
            #expect(incremental(text, pieceSize: size) == expected, "pieces of \(size) bytes")
        }
    }

    @Test("Known outcomes of the samples")
    func outcomes() {
        guard case .response(let ok) = whole(samples[0]) else { Issue.record("\(whole(samples[0]))"); return }
        #expect(ok.statusCode == 200 && ok.reason == "OK")
        #expect(ok.header("Content-Type") == "application/json")
        #expect(String(decoding: ok.body, as: UTF8.self) == #"{"type":"ok"}"#)

        guard case .response(let chunked) = whole(samples[3]) else { Issue.record("\(whole(samples[3]))"); return }
        #expect(String(decoding: chunked.body, as: UTF8.self) == "hello 0123456789")

        guard case .response(let untilClose) = whole(samples[2]) else { Issue.record("\(whole(samples[2]))"); return }
        #expect(String(decoding: untilClose.body, as: UTF8.self) == "body until the close")

        #expect(whole("") == .failure(.connection))
        for index in 7..<samples.count - 1 {
            #expect(whole(samples[index]) == .failure(.protocolError), "sample \(index): \(samples[index].debugDescription)")
        }
    }

    @Test("100 Continue is skipped: the final response is the one after it")
    func continueSkipped() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.feed(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) == nil)
        #expect(try parser.feed(Array("HTTP/1.1 102 Processing\r\nX: y\r\n\r\n".utf8)) == nil)
        let response = try #require(try parser.feed(Array("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi".utf8)))
        #expect(response.statusCode == 201)
        #expect(response.headers.map(\.name) == ["content-length"])
        #expect(response.body == Array("hi".utf8))
    }

    @Test("A response to HEAD, and a 204, have no body whatever the headers say, and end at the blank line")
    func noBody() throws {
        var head = HTTPResponseParser(isHeadRequest: true)
        let headResponse = try #require(try head.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".utf8)))
        #expect(headResponse.body.isEmpty)
        #expect(head.isComplete)

        var noContent = HTTPResponseParser()
        let response = try #require(try noContent.feed(Array("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)))
        #expect(response.statusCode == 204 && response.body.isEmpty)

        var plain = HTTPResponseParser()
        #expect(try plain.feed(Array("HTTP/1.1 200 OK\r\n\r\nsome".utf8)) == nil)
        #expect(plain.readsUntilClose)
        #expect(try plain.finish().body == Array("some".utf8))
    }

    @Test("Limits: a body or a header block over the maximum is a protocol error")
    func limits() {
        var small = HTTPResponseParser(maximumHeaderBytes: 32, maximumBodyBytes: 4)
        #expect(throws: PebbleError.self) { try small.feed(Array("HTTP/1.1 200 OK\r\nX-Long-Header: 0123456789abcdef\r\n\r\n".utf8)) }
        var body = HTTPResponseParser(maximumBodyBytes: 4)
        do {
            _ = try body.feed(Array("HTTP/1.1 200 OK\r\n\r\n12345".utf8))
            Issue.record("a 5-byte body passed a 4-byte limit")
        } catch {
            #expect(error.code == .protocolError)
        }
    }
}
