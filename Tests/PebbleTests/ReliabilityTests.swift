#if canImport(Glibc)
import Glibc
#endif
import JujuJSON
import Pebble
import Testing

// The client against a Pebble that misbehaves: missing or dead sockets, silence, trickles, lies
// about lengths, bodies that never end, error pages that are not Pebble's. Every case asserts
// the error's code and that the call came back within its deadline: the client's timeout is
// 500 ms, and 3 s is the bound asserted, so a loaded 2-core machine has 2.5 s of slack and no
// case waits for anything but the client's own deadline.

/// The client's timeout in these tests.
private let clientTimeout: Duration = .milliseconds(500)
/// Every call must be back within this.
private let deadline: Duration = .seconds(3)

private func client(_ path: String, maximumHeaderBytes: Int = 64 << 10, maximumBodyBytes: Int = 64 << 20) -> PebbleClient {
    PebbleClient(transport: UnixSocketTransport(socketPath: path, maximumHeaderBytes: maximumHeaderBytes,
                                                maximumBodyBytes: maximumBodyBytes),
                 timeout: clientTimeout)
}

/// Runs `call`, expects it to throw a ``PebbleError`` with `code` within `limit`, returns the
/// error (or `nil`, the issue recorded, when it succeeded) and how long it took.
@discardableResult
private func expectFailure<T>(_ code: PebbleError.Code, within limit: Duration = deadline,
                              sourceLocation: SourceLocation = #_sourceLocation,
                              _ call: () throws -> T) -> (error: PebbleError?, elapsed: Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let outcome: Result<T, PebbleError>
    do {
        outcome = .success(try call())
    } catch let error as PebbleError {
        outcome = .failure(error)
    } catch {
        Issue.record("expected a PebbleError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return (nil, clock.now - start)
    }
    let elapsed = clock.now - start
    #expect(elapsed < limit, "the call took \(elapsed), over its bound of \(limit)", sourceLocation: sourceLocation)
    switch outcome {
    case .success(let value):
        Issue.record("expected a \(code) error, got \(value)", sourceLocation: sourceLocation)
        return (nil, elapsed)
    case .failure(let error):
        #expect(error.code == code, "expected \(code), got \(error)", sourceLocation: sourceLocation)
        return (error, elapsed)
    }
}

private let servicesEnvelope = #"{"type":"sync","status-code":200,"status":"OK","result":[{"name":"web","startup":"enabled","current":"active","current-since":"2025-03-01T10:20:30.5Z"}]}"#

@Suite("Pebble client reliability against a misbehaving server", .serialized, .timeLimit(.minutes(2)))
struct ReliabilityTests {
    // MARK: - No server

    @Test("A missing socket file is a connection error naming the path")
    func socketMissing() throws {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("pebble.socket")
        let (error, _) = expectFailure(.connection) { try client(path).systemInfo() }
        #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
        #expect(client(path).canConnect() == false)
    }

    @Test("A socket file nobody listens on is a connection error", arguments: ["bound, never listened", "listened, then closed"])
    func socketWithoutListener(variant: String) throws {
        let directory = ScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("pebble.socket")
        let fd = try #require(bindUnixSocket(path), "cannot bind \(path): errno \(errno)")
        if variant.hasPrefix("listened") { #expect(listen(fd, 4) == 0) }
        close(fd)
        let (error, _) = expectFailure(.connection) { try client(path).services() }
        #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
    }

    // MARK: - Silence and slowness

    @Test("A server that accepts and never answers: timeout at the client's deadline")
    func neverAnswers() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.drainUntilPeerCloses()
        }) { path, _ in
            let (_, elapsed) = expectFailure(.timeout) { try client(path).services() }
            #expect(elapsed >= clientTimeout)
        }
    }

    @Test("Headers sent byte by byte, slower than the deadline: timeout")
    func slowHeaders() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.trickle(Array(jsonResponse("200 OK", servicesEnvelope).utf8), every: .milliseconds(100))
        }) { path, _ in
            let (_, elapsed) = expectFailure(.timeout) { try client(path).services() }
            #expect(elapsed >= clientTimeout)
        }
    }

    @Test("A server that reads the request and closes without answering: connection error")
    func closesWithoutAnswer() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
        }) { path, _ in
            let (error, _) = expectFailure(.connection) { try client(path).services() }
            #expect(error?.message.contains("without answering") == true, "\(error?.message ?? "")")
        }
    }

    // MARK: - Error answers

    @Test("A 500 with Pebble's error envelope: API error with its status, message and kind")
    func apiErrorEnvelope() throws {
        let body = #"{"type":"error","status-code":500,"status":"Internal Server Error","result":{"message":"cannot send signal to \"web\": service is not running","kind":"generic-file-error"}}"#
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("500 Internal Server Error", body))
        }) { path, _ in
            let (error, _) = expectFailure(.api) { try client(path).sendSignal("SIGHUP", services: ["web"]) }
            #expect(error?.statusCode == 500)
            #expect(error?.status == "Internal Server Error")
            #expect(error?.message == #"cannot send signal to "web": service is not running"#)
            #expect(error?.kind == "generic-file-error")
        }
    }

    @Test("A 500 with an HTML body: API error saying the body had no error message")
    func apiErrorHTML() throws {
        let page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(httpResponse("500 Internal Server Error", headers: [("Content-Type", "text/html")], body: page))
        }) { path, _ in
            let (error, _) = expectFailure(.api) { try client(path).services() }
            #expect(error?.statusCode == 500)
            #expect(error?.kind == nil)
            #expect(error?.message.contains("without an error message") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("<html>") == true, "the message quotes the start of the body")
        }
    }

    // MARK: - Answers that are not what Pebble sends

    @Test("A 200 whose body is cut short (Content-Length 100, 10 bytes, close): protocol error")
    func truncatedBody() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":\"s")
        }) { path, _ in
            let (error, _) = expectFailure(.protocolError) { try client(path).services() }
            #expect(error?.message.contains("truncated") == true, "\(error?.message ?? "")")
        }
    }

    @Test("A 200 whose body is not JSON: protocol error")
    func notJSON() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("200 OK", "this is { not JSON"))
        }) { path, _ in
            expectFailure(.protocolError) { try client(path).services() }
        }
    }

    @Test("A JSON envelope under the wrong Content-Type: protocol error")
    func wrongContentType() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(httpResponse("200 OK", headers: [("Content-Type", "text/plain; charset=utf-8")], body: servicesEnvelope))
        }) { path, _ in
            let (error, _) = expectFailure(.protocolError) { try client(path).services() }
            #expect(error?.message.contains("text/plain") == true, "\(error?.message ?? "")")
        }
    }

    @Test("JSON that is not an object: protocol error", arguments: ["[1,2,3]", #""sync""#, "null", "42"])
    func jsonNotObject(body: String) throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("200 OK", body))
        }) { path, _ in
            expectFailure(.protocolError) { try client(path).services() }
        }
    }

    @Test("A sync answer whose result has the wrong type for services(): protocol error",
          arguments: [#""web""#, #"{"name":"web"}"#, "[1]", #"[{"name":"web"}]"#, #"[{"name":7,"startup":"enabled","current":"active"}]"#])
    func servicesWrongResultType(result: String) throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("200 OK", #"{"type":"sync","status-code":200,"status":"OK","result":\#(result)}"#))
        }) { path, _ in
            expectFailure(.protocolError) { try client(path).services() }
        }
    }

    @Test("Something that is not HTTP at all: protocol error")
    func notHTTP() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send("SSH-2.0-OpenSSH_9.6\r\n\r\n")
        }) { path, _ in
            expectFailure(.protocolError) { try client(path).services() }
        }
    }

    // MARK: - Sizes

    @Test("A body over maximumBodyBytes: protocol error, quickly, without reading it all",
          arguments: ["content-length", "until-close", "chunked"])
    func hugeBody(framing: String) throws {
        let total = 64 << 20
        let sent = Locked(0)
        try withScriptedServer({ connection in
            connection.readRequest()
            switch framing {
            case "content-length":
                connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(total)\r\n\r\n")
            case "chunked":
                connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            default:
                connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
            }
            let block = [UInt8](repeating: UInt8(ascii: " "), count: 64 << 10)
            let chunkHead = Array("\(String(block.count, radix: 16))\r\n".utf8)
            while sent.current < total {
                let ok = framing == "chunked" ? connection.send(chunkHead + block + [13, 10]) : connection.send(block)
                guard ok else { return }
                sent.withLock { $0 += block.count }
            }
        }) { path, _ in
            let (error, _) = expectFailure(.protocolError) {
                try client(path, maximumBodyBytes: 1 << 20).services()
            }
            #expect(error?.message.contains("over \(1 << 20) bytes") == true, "\(error?.message ?? "")")
        }
        // The client hung up after about 1 MiB (plus what the socket buffers held): the server
        // could not push anywhere near the 64 MiB.
        #expect(sent.current < 16 << 20, "the server sent \(sent.current) bytes before the client hung up")
    }

    @Test("A header block over maximumHeaderBytes: protocol error, without waiting for its end",
          arguments: [true, false])
    func oversizedHeaders(terminated: Bool) throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            for i in 0..<2000 { head += "X-Filler-\(i): \(String(repeating: "a", count: 50))\r\n" }
            if terminated { head += "Content-Length: 2\r\n\r\n{}" }
            connection.send(head)
            connection.drainUntilPeerCloses()
        }) { path, _ in
            let (error, _) = expectFailure(.protocolError) { try client(path, maximumHeaderBytes: 64 << 10).services() }
            #expect(error?.message.contains("headers are over") == true, "\(error?.message ?? "")")
        }
    }

    // MARK: - Chunked answers

    @Test("A valid chunked answer (extensions, trailers) is read up to its last chunk, not to the close")
    func chunkedValid() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            var text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            var rest = Substring(servicesEnvelope)
            var first = true
            while !rest.isEmpty {
                let piece = rest.prefix(17)
                rest = rest.dropFirst(piece.count)
                text += String(piece.utf8.count, radix: 16, uppercase: first) + (first ? ";name=value" : "") + "\r\n" + piece + "\r\n"
                first = false
            }
            text += "0\r\nX-Trailer: ignored\r\n\r\n"
            connection.send(text)
            // Keep the connection open: the client must not wait for the close.
            connection.drainUntilPeerCloses()
        }) { path, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let services = try client(path).services()
            #expect(clock.now - start < clientTimeout, "the client waited for the close instead of the last chunk")
            #expect(services == [ServiceInfo(name: "web", startup: .enabled, current: .active, currentSince: "2025-03-01T10:20:30.5Z")])
        }
    }

    @Test("Malformed chunked answers: protocol error",
          arguments: ["zz\r\n", "-1\r\n", "ffffffffffffffffff\r\n", "\r\n", "5\r\nhelloXY", "200000\r\n", "5\r\nhel"] as [Wire])
    func chunkedMalformed(chunks: Wire) throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks.text)
            // Then close (the truncated cases) — the others must fail before that.
        }) { path, _ in
            expectFailure(.protocolError) { try client(path, maximumBodyBytes: 1 << 20).services() }
        }
    }

    // MARK: - Waiting for changes

    @Test("waitChange against a server answering 504 forever: timeout after the given timeout")
    func waitChangeGatewayTimeoutForever() throws {
        let gatewayTimeout = #"{"type":"error","status-code":504,"status":"Gateway Timeout","result":{"message":"timed out waiting for change after 1s"}}"#
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("504 Gateway Timeout", gatewayTimeout))
        }) { path, server in
            let wait: Duration = .milliseconds(600)
            let (error, elapsed) = expectFailure(.timeout) { try client(path).waitChange("7", timeout: wait) }
            #expect(elapsed >= wait)
            #expect(error?.message.contains("change 7") == true, "\(error?.message ?? "")")
            let requests = server.requests.current
            #expect(!requests.isEmpty)
            #expect(requests.allSatisfy { $0.hasPrefix("GET /v1/changes/7/wait?timeout=") }, "\(requests)")
        }
    }

    @Test("A 404 on the wait endpoint falls back to polling GET /v1/changes/<id>, as ops does")
    func waitChangeFallsBackToPolling() throws {
        let polls = Locked(0)
        try withScriptedServer({ connection in
            guard let line = connection.readRequest() else { return }
            if line.contains("/wait") {
                connection.send(jsonResponse("404 Not Found", #"{"type":"error","status-code":404,"status":"Not Found","result":{"message":"invalid API endpoint requested"}}"#))
                return
            }
            let n = polls.withLock { $0 += 1; return $0 }
            let status = n < 3 ? "Doing" : "Done"
            let ready = n < 3 ? "false" : "true"
            connection.send(jsonResponse("200 OK", #"{"type":"sync","status-code":200,"status":"OK","result":{"id":"7","kind":"replan","summary":"Replan service \"web\"","status":"\#(status)","ready":\#(ready),"spawn-time":"2025-03-01T10:20:30.5Z"}}"#))
        }) { path, server in
            let clock = ContinuousClock()
            let start = clock.now
            let change = try client(path).waitChange("7", timeout: .seconds(5), delay: .milliseconds(10))
            #expect(clock.now - start < deadline)
            #expect(change.ready)
            #expect(change.status == .done)
            #expect(server.requests.current == [
                "GET /v1/changes/7/wait?timeout=1.000s HTTP/1.1",
                "GET /v1/changes/7 HTTP/1.1", "GET /v1/changes/7 HTTP/1.1", "GET /v1/changes/7 HTTP/1.1",
            ])
        }
    }

    @Test("A 404 that says the change does not exist is an API error, not a reason to poll")
    func waitChangeUnknownChange() throws {
        try withScriptedServer({ connection in
            connection.readRequest()
            connection.send(jsonResponse("404 Not Found", #"{"type":"error","status-code":404,"status":"Not Found","result":{"message":"cannot find change with id \"7\""}}"#))
        }) { path, server in
            let (error, _) = expectFailure(.api) { try client(path).waitChange("7", timeout: .seconds(5)) }
            #expect(error?.statusCode == 404)
            #expect(server.requests.current.count == 1)
        }
    }
}
