#if canImport(Glibc)
import Glibc
#endif
import PebbleTestKit
import Testing

@Suite("UnixHTTPServer")
struct UnixHTTPServerTests {
    /// Echoes the request: method, path, body, and a few headers back as text.
    static let echo: @Sendable (HTTPServerRequest) -> HTTPServerResponse = { request in
        let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var text = "\(request.method) \(request.path) [\(query)] \(String(decoding: request.body, as: UTF8.self))"
        if let peer = request.peer { text += " peer=\(peer.pid):\(peer.uid)" }
        return HTTPServerResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }

    /// Runs `body` against a started server at a fresh socket path; stops it and removes the
    /// directory afterwards, whatever happens.
    func withServer(limits: HTTPServerLimits = HTTPServerLimits(),
                    handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse = UnixHTTPServerTests.echo,
                    _ body: (UnixHTTPServer, String) throws -> Void) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("pebble.socket")
        let server = try UnixHTTPServer(socketPath: path, limits: limits, handler: handler)
        server.start()
        defer {
            server.stop()
            #expect(server.waitForConnectionThreads(timeoutNanoseconds: 60_000_000_000))
        }
        try body(server, path)
    }

    /// A connected client, or a recorded issue.
    func connect(_ path: String) throws -> RawHTTPClient {
        try #require(RawHTTPClient(path: path), "cannot connect to \(path): errno \(errno)")
    }

    @Test("Keep-alive: two requests on one connection")
    func keepAlive() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("GET /v1/system-info HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let first = try #require(client.readResponse())
            #expect(first.status == 200)
            #expect(first.text.hasPrefix("GET /v1/system-info [] "))
            #expect(first.header("connection") == nil)
            #expect(first.header("content-length") == "\(first.body.count)")
            #expect(first.header("date")?.hasSuffix(" GMT") == true)
            client.send("POST /v1/services HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello")
            let second = try #require(client.readResponse())
            #expect(second.text.hasPrefix("POST /v1/services [] hello"))
        }
    }

    @Test("Pipelined requests in one write are answered in order")
    func pipelining() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.text.hasPrefix("GET /a ") == true)
            #expect(client.readResponse()?.text.hasPrefix("GET /b ") == true)
        }
    }

    @Test("Chunked request bodies (as Python's urllib sends file pushes), trailers ignored")
    func chunkedBody() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("POST /v1/files HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
            client.send("5\r\nhello\r\n6;name=value\r\n world\r\n")
            client.send("0\r\nX-Trailer: ignored\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.text.hasPrefix("POST /v1/files [] hello world"))
            // The connection is still usable afterwards.
            client.send("GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(client.readResponse()?.text.hasPrefix("GET /again") == true)
        }
    }

    @Test("Expect: 100-continue gets the interim response first")
    func expectContinue() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("PUT /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(client.readResponse())
            #expect(interim.status == 100)
            client.send("abc")
            #expect(client.readResponse()?.text.hasPrefix("PUT /x [] abc") == true)
        }
    }

    @Test("Connection: close is honoured; HTTP/1.0 closes")
    func connectionClose() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("GET /one HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            #expect(client.readsEndOfFile())

            let old = try connect(path)
            old.send("GET /old HTTP/1.0\r\n\r\n")
            let oldResponse = try #require(old.readResponse())
            #expect(oldResponse.text.hasPrefix("GET /old"))
            #expect(old.readsEndOfFile())
        }
    }

    @Test("A handler's Connection: close closes after its response")
    func handlerCloses() throws {
        try withServer(handler: { _ in HTTPServerResponse(status: 200, headers: [("Connection", "close")], body: Array("bye".utf8)) }) { _, path in
            let client = try connect(path)
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.text == "bye")
            #expect(client.readsEndOfFile())
        }
    }

    @Test("A blocking handler does not stall another connection")
    func blockingHandler() throws {
        let gate = Gate()
        defer { gate.release() }
        try withServer(handler: { request in
            if request.path == "/block" { gate.wait() }
            return UnixHTTPServerTests.echo(request)
        }) { _, path in
            let blocked = try connect(path)
            blocked.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(gate.waitForWaiter())
            let other = try connect(path)
            other.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(other.readResponse()?.text.hasPrefix("GET /fast") == true)
            gate.release()
            #expect(blocked.readResponse()?.text.hasPrefix("GET /block") == true)
        }
    }

    @Test("Oversized headers get 431 and the connection closes")
    func oversizedHeaders() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 70 * 1024) + "\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 431)
            #expect(response.header("content-type") == "text/plain; charset=utf-8")
            #expect(response.header("connection") == "close")
            #expect(client.readsEndOfFile())
        }
    }

    @Test("Bodies over the limit get 413 without being read")
    func oversizedBody() throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(300 * 1024 * 1024)\r\n\r\n")
            #expect(client.readResponse()?.status == 413)
            #expect(client.readsEndOfFile())
        }
        try withServer(limits: HTTPServerLimits(maxBodyBytes: 10)) { _, path in
            let client = try connect(path)
            client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
            #expect(client.readResponse()?.status == 413)
        }
    }

    @Test("Malformed requests get a 4xx/5xx text naming the problem", arguments: [
        ("GARBAGE\r\n\r\n", 400, "malformed HTTP request"),
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing required Host header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "too many Host headers"),
        ("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400, "malformed MIME header line"),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "obsolete line folding"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, "bad Content-Length"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "bad Content-Length"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported transfer encoding"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "bad chunk size"),
        ("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid request-target"),
        ("GET relative HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid request-target"),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "unsupported protocol version"),
        ("GET / FTP/1.0\r\n\r\n", 400, "malformed HTTP version"),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid method"),
        ("GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417, "unsupported Expect"),
    ])
    func malformed(request: String, status: Int, message: String) throws {
        try withServer { _, path in
            let client = try connect(path)
            client.send(request)
            let response = try #require(client.readResponse())
            #expect(response.status == status)
            #expect(response.text.hasPrefix("\(status) "))
            #expect(response.text.contains(message), "\(response.text)")
            #expect(response.header("content-type") == "text/plain; charset=utf-8")
            #expect(client.readsEndOfFile())
        }
    }

    @Test("Targets: the path percent-decoded, the query decoded in order; absolute form")
    func queryDecoding() throws {
        let seen = Recorder<HTTPServerRequest>()
        try withServer(handler: { request in
            seen.record(request)
            return HTTPServerResponse(status: 204)
        }) { _, path in
            let client = try connect(path)
            client.send("GET /v1/files%20x?names=a%2Cb&names=c+d&path=%2Fetc%2Fhosts&flag HTTP/1.1\r\nHost: x\r\nX-Mixed-Case:  v  \r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 204)
            #expect(response.header("content-length") == nil)
            client.send("GET http://localhost/v1/changes?select=all HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.status == 204)
        }
        let requests = seen.recorded
        try #require(requests.count == 2)
        let request = requests[0]
        #expect(request.target == "/v1/files%20x?names=a%2Cb&names=c+d&path=%2Fetc%2Fhosts&flag")
        #expect(request.path == "/v1/files x")
        #expect(request.queryValues("names") == ["a,b", "c d"])
        #expect(request.queryValue("path") == "/etc/hosts")
        #expect(request.queryValue("flag") == "")
        #expect(request.queryValue("missing") == nil)
        #expect(request.header("X-MIXED-CASE") == "v")
        #expect(request.headers.map(\.name) == ["host", "x-mixed-case"])
        #expect(request.peer == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
        #expect(requests[1].path == "/v1/changes")
        #expect(requests[1].queryValue("select") == "all")
    }

    @Test("HEAD gets the length but no body")
    func head() throws {
        try withServer(handler: { _ in .text("twelve bytes") }) { _, path in
            let client = try connect(path)
            client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            // Read the head only: there is no body to read.
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            var responses: [RawHTTPResponse] = []
            // The HEAD response announces 12 bytes it does not send; parse it by hand.
            if let first = client.readHeadOnly() { responses.append(first) }
            if let second = client.readResponse() { responses.append(second) }
            #expect(responses.map(\.status) == [200, 200])
            #expect(responses.first?.header("content-length") == "12")
            #expect(responses.last?.text == "twelve bytes")
        }
    }

    @Test("Streaming responses go out chunked")
    func streaming() throws {
        try withServer(handler: { _ in
            .streaming(status: 200, headers: [("Content-Type", "application/json")]) { stream in
                for index in 0..<3 { stream.write("{\"n\":\(index)}\n") }
            }
        }) { _, path in
            let client = try connect(path)
            client.send("GET /v1/logs?follow=true HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.text == "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n")
            client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
    }

    @Test("stop() removes the socket file; connecting afterwards fails")
    func stopUnlinks() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("s.socket")
        let server = try UnixHTTPServer(socketPath: path, handler: Self.echo)
        server.start()
        defer { server.stop() }
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o666)
        let idle = try connect(path)
        idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        server.stop()
        server.stop()
        #expect(stat(path, &status) != 0)
        #expect(RawHTTPClient(path: path) == nil)
        #expect(idle.readsEndOfFile())
        #expect(server.waitForConnectionThreads(timeoutNanoseconds: 60_000_000_000))
    }

    @Test("stop() returns while a handler blocks; that handler's response is not sent")
    func stopWithBlockedHandler() throws {
        let gate = Gate()
        defer { gate.release() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let calls = Recorder<String>()
        let server = try UnixHTTPServer(socketPath: directory.file("s"), handler: { request in
            calls.record(request.path)
            if request.path == "/block" { gate.wait() }
            return .text("late")
        })
        server.start()
        defer { server.stop() }
        let client = try connect(directory.file("s"))
        client.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(gate.waitForWaiter())
        server.stop()
        gate.release()
        #expect(client.readsEndOfFile())
        #expect(server.waitForConnectionThreads(timeoutNanoseconds: 60_000_000_000))
        #expect(calls.recorded == ["/block"])
    }

    @Test("A live server is refused; a stale socket file is replaced; other files are left alone")
    func socketFileRules() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("s")
        let live = try UnixHTTPServer(socketPath: path, handler: Self.echo)
        live.start()
        defer { live.stop() }
        #expect(throws: HTTPServerError.self) { _ = try UnixHTTPServer(socketPath: path, handler: Self.echo) }
        do {
            _ = try UnixHTTPServer(socketPath: path, handler: Self.echo)
        } catch {
            #expect(error.code == .addressInUse)
            #expect(error.message.hasPrefix("socket \"\(path)\" already in use"))
        }
        live.stop()

        // A socket file nobody listens at (a server that died without cleaning up).
        let stalePath = directory.file("stale")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(stalePath.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(bound == 0)
        let replacing = try UnixHTTPServer(socketPath: stalePath, handler: Self.echo)
        replacing.start()
        defer { replacing.stop() }
        let client = try connect(stalePath)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.status == 200)

        let regular = directory.write("regular", "keep me")
        #expect(throws: HTTPServerError.self) { _ = try UnixHTTPServer(socketPath: regular, handler: Self.echo) }
        var status = stat()
        #expect(stat(regular, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
        #expect(throws: HTTPServerError.self) {
            _ = try UnixHTTPServer(socketPath: "/tmp/" + String(repeating: "x", count: 200), handler: Self.echo)
        }
    }

    @Test("Clients that vanish mid-request, and idle keep-alive connections, are closed")
    func vanishingClients() throws {
        let limits = HTTPServerLimits(idleTimeoutNanoseconds: 300_000_000, stallTimeoutNanoseconds: 300_000_000)
        try withServer(limits: limits) { server, path in
            do {
                let partialHead = try connect(path)
                partialHead.send("GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ")
            }
            do {
                let partialBody = try connect(path)
                partialBody.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some")
            }
            let stalled = try connect(path)
            stalled.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nstalls")
            #expect(stalled.readsEndOfFile())  // the stall timeout
            let idle = try connect(path)
            idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(idle.readResponse()?.status == 200)
            #expect(idle.readsEndOfFile())  // the idle timeout
            let deadline = MonotonicClock.deadline(afterNanoseconds: 60_000_000_000)
            while server.connectionCount > 0, MonotonicClock.nanoseconds() < deadline { usleep(10_000) }
            #expect(server.connectionCount == 0)
            // Still serving.
            let after = try connect(path)
            after.send("GET /still HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(after.readResponse()?.text.hasPrefix("GET /still") == true)
        }
    }

    @Test("A large body by Content-Length")
    func largeBody() throws {
        try withServer(handler: { request in .text("\(request.body.count) \(request.body.last ?? 0)") }) { _, path in
            let client = try connect(path)
            var body = [UInt8](repeating: 7, count: 3 * 1024 * 1024)
            body[body.count - 1] = 9
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
            client.send(body)
            #expect(client.readResponse()?.text == "\(3 * 1024 * 1024) 9")
        }
    }
}
