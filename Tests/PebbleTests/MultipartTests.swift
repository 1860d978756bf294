import Pebble
import Testing

/// Answers every request with one fixed response.
private struct CannedTransport: PebbleTransport {
    var response: PebbleResponse
    var endpointDescription: String { "canned" }
    func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse { response }
}

/// A pull answer as Go's `mime/multipart` writer lays it out (Pebble's `readFilesResponse`): no
/// CRLF before the first delimiter, part headers sorted, the `response` part last.
private func goPullBody(boundary: String, path: String, content: String, result: String? = nil) -> [UInt8] {
    let escaped = path.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
    let envelope = #"{"type":"sync","status-code":200,"status":"OK","result":\#(result ?? #"[{"path":"\#(path)"}]"#)}"# + "\n"
    let text = "--\(boundary)\r\n"
        + "Content-Disposition: form-data; name=\"files\"; filename=\"\(escaped)\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n"
        + content
        + "\r\n--\(boundary)\r\n"
        + "Content-Disposition: form-data; name=\"response\"\r\n"
        + "Content-Type: application/json\r\n\r\n"
        + envelope
        + "\r\n--\(boundary)--\r\n"
    return Array(text.utf8)
}

private let goBoundary = "4b1c0f9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var out = ""
        for c in self { out += String(c) == target ? replacement : String(c) }
        return out
    }
}

@Suite("Multipart")
struct MultipartTests {
    @Test("A Go-style pull answer: the file part and the response part")
    func goPull() throws {
        let body = goPullBody(boundary: goBoundary, path: "/etc/demo.conf", content: "line 1\r\nline 2\n")
        let parts = try #require(Multipart.parse(body, boundary: goBoundary))
        #expect(parts.count == 2)
        #expect(parts[0].formName == "files")
        #expect(parts[0].fileName == "/etc/demo.conf")
        #expect(parts[0].header("Content-Type") == "application/octet-stream")
        #expect(parts[0].body == Array("line 1\r\nline 2\n".utf8))
        #expect(parts[1].formName == "response")
        #expect(parts[1].fileName == nil)
        #expect(String(decoding: parts[1].body, as: UTF8.self).hasSuffix("}\n"))
    }

    @Test("A part without headers: empty headers, the body intact")
    func partWithoutHeaders() throws {
        let parts = try #require(Multipart.parse(Array("--B\r\n\r\nbare body\r\n--B\r\nX-A: b\r\n\r\n\r\n--B--".utf8), boundary: "B"))
        #expect(parts.count == 2)
        #expect(parts[0].headers.isEmpty)
        #expect(parts[0].body == Array("bare body".utf8))
        #expect(parts[1].header("x-a") == "b")
        #expect(parts[1].body.isEmpty)
    }

    @Test("Escaped quotes and backslashes in a filename (as Go's mime.ParseMediaType reads them)")
    func escapedFilename() throws {
        let path = #"/tmp/a "quoted" \ name"#
        let body = goPullBody(boundary: goBoundary, path: path, content: "x")
        let parts = try #require(Multipart.parse(body, boundary: goBoundary))
        #expect(parts.first?.fileName == path)
        #expect(Multipart.parameters(#"form-data; name="files"; filename="a\"b;c""#)["filename"] == #"a"b;c"#)
        #expect(Multipart.boundary(contentType: #"multipart/form-data; boundary="q\"x""#) == #"q"x"#)
        #expect(Multipart.boundary(contentType: "application/json; boundary=x") == nil)
    }

    @Test("Garbage is nil, not a crash",
          arguments: ["", "garbage", "--B", "--Bxx\r\n", "--B\r\nno header end", "--B\r\nA: b\r\n\r\nunterminated",
                      "--B\r\nno colon\r\n\r\nx\r\n--B--", "--B \t"] as [Wire])
    func garbage(input: Wire) {
        #expect(Multipart.parse(Array(input.text.utf8), boundary: "B") == nil)
    }

    @Test("An empty boundary is refused")
    func emptyBoundary() {
        #expect(Multipart.parse(Array("----\r\n\r\nx\r\n----".utf8), boundary: "") == nil)
    }

    @Test("Build then parse gives the parts back")
    func roundTrip() throws {
        let boundary = Multipart.makeBoundary()
        #expect(boundary.count == 32)
        let body = Multipart.build(boundary: boundary, parts: [
            ("request", nil, "application/json", Array(#"{"action":"write"}"#.utf8)),
            ("files", #"/a "b".txt"#, "application/octet-stream", [0, 13, 10, 45, 45, 255]),
        ])
        let parts = try #require(Multipart.parse(body, boundary: boundary))
        #expect(parts.map(\.formName) == ["request", "files"])
        #expect(parts[1].fileName == #"/a "b".txt"#)
        #expect(parts[1].body == [0, 13, 10, 45, 45, 255])
    }

    // MARK: - pull() over those answers

    private func pullClient(_ body: [UInt8], contentType: String = "multipart/form-data; boundary=\(goBoundary)") -> PebbleClient {
        PebbleClient(transport: CannedTransport(response: PebbleResponse(
            statusCode: 200, reason: "OK", headers: [.init("content-type", contentType)], body: body)))
    }

    @Test("pull() reads a Go-style answer")
    func pullGoStyle() throws {
        let client = pullClient(goPullBody(boundary: goBoundary, path: "/etc/demo.conf", content: "hello"))
        #expect(try client.pull("/etc/demo.conf") == Array("hello".utf8))
    }

    @Test("pull(): a per-path error is a path error with Pebble's kind")
    func pullPathError() throws {
        let body = goPullBody(boundary: goBoundary, path: "/nope", content: "",
                              result: #"[{"path":"/nope","error":{"message":"stat /nope: no such file or directory","kind":"not-found"}}]"#)
        do {
            _ = try pullClient(body).pull("/nope")
            Issue.record("no error")
        } catch {
            #expect(error.code == .path)
            #expect(error.kind == "not-found")
            #expect(error.path == "/nope")
        }
    }

    @Test("pull(): malformed answers are protocol errors",
          arguments: ["garbage", "wrong name", "no response part", "bad boundary", "not multipart"])
    func pullMalformed(variant: String) {
        var body = goPullBody(boundary: goBoundary, path: "/x", content: "data")
        var contentType = "multipart/form-data; boundary=\(goBoundary)"
        switch variant {
        case "garbage": body = Array("garbage".utf8)
        case "wrong name": body = goPullBody(boundary: goBoundary, path: "/y", content: "data", result: #"[{"path":"/x"}]"#)
        case "no response part": body = Array("--\(goBoundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"/x\"\r\n\r\ndata\r\n--\(goBoundary)--\r\n".utf8)
        case "bad boundary": contentType = "multipart/form-data; boundary="
        default: contentType = "application/json"
        }
        do {
            _ = try pullClient(body, contentType: contentType).pull("/x")
            Issue.record("no error")
        } catch {
            #expect(error.code == .protocolError, "\(error)")
        }
    }
}
