import Foundation
import JujuHookTools
import PostgreSQLClient
import Testing

/// Stand-in hook tools written as shell scripts in a temporary folder.
final class StubTools {
    let folder: URL
    let log: URL

    init(_ scripts: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stub-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("calls.log")
        for (name, body) in scripts {
            let path = folder.appendingPathComponent(name)
            try "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> '\(log.path)'\n\(body)\n".write(to: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        }
    }

    var tools: ProcessHookTools { ProcessHookTools(unit: "demo/0", searchPath: folder.path) }
    var calls: [String] { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

@Suite("Hook tools as processes")
struct ProcessHookToolsTests {
    @Test("relation-get runs once per bag and hook: the second read comes from the cache, a write updates it")
    func cachedReads() throws {
        let stub = try StubTools([
            "relation-get": #"echo '{"database": "names_db"}'"#,
            "relation-set": "cat > \"$(dirname \"$0\")/stdin.json\"",
        ])
        let tools = stub.tools
        #expect(try tools.relationGet(relationID: 7, member: "demo/0", app: false) == ["database": "names_db"])
        #expect(try tools.relationGet(relationID: 7, member: "demo/0", app: false) == ["database": "names_db"])
        try tools.relationSet(relationID: 7, app: false, changes: ["data": "{}", "database": ""])
        #expect(try tools.relationGet(relationID: 7, member: "demo/0", app: false) == ["data": "{}"])
        #expect(stub.calls == ["relation-get --format=json -r 7 - demo/0", "relation-set -r 7 --file -"])
        let sent = try String(contentsOf: stub.folder.appendingPathComponent("stdin.json"), encoding: .utf8)
        #expect(sent == #"{"data":"{}","database":""}"#)
    }

    @Test("Juju's errors become typed errors", arguments: [
        ("echo 'ERROR permission denied' >&2; exit 1", HookToolError.Code.permissionDenied),
        ("echo 'ERROR invalid value \"database:99\" for option -r: relation not found' >&2; exit 2", .relationNotFound),
        ("echo 'not json'", .invalidOutput),
        ("echo 'ERROR something else' >&2; exit 1", .toolFailed),
    ])
    func errors(script: String, code: HookToolError.Code) throws {
        let stub = try StubTools(["relation-get": script])
        do {
            _ = try stub.tools.relationGet(relationID: 7, member: "pg", app: true)
            Issue.record("no error")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.tool == "relation-get")
        }
    }

    @Test("a tool missing from PATH is named")
    func missingTool() throws {
        let stub = try StubTools([:])
        do {
            _ = try stub.tools.isLeader()
            Issue.record("no error")
        } catch {
            #expect(error.code == .toolMissing)
            #expect(error.message.hasPrefix("is-leader is not on PATH"))
        }
    }

    @Test("secret values travel in files, never on the command line")
    func secretFiles() throws {
        let stub = try StubTools([
            "secret-add": #"for a in "$@"; do case "$a" in *'#file='*) cat "${a#*#file=}" >> "$(dirname "$0")/values"; echo >> "$(dirname "$0")/values";; esac; done; echo secret:d2fjn1fmp25004or68b0"#,
        ])
        let uri = try stub.tools.secretAdd(content: ["password": "Vq9Pw0rdNotOnArgv", "username": "u1"], label: "database.7.user.secret")
        #expect(uri == "secret:d2fjn1fmp25004or68b0")
        let call = try #require(stub.calls.first)
        #expect(call.hasPrefix("secret-add --owner application --label database.7.user.secret password#file="))
        #expect(!call.contains("Vq9Pw0rdNotOnArgv"))
        let values = try String(contentsOf: stub.folder.appendingPathComponent("values"), encoding: .utf8)
        #expect(values.contains("Vq9Pw0rdNotOnArgv"))
    }

    @Test("a large answer on stdout and stderr at once does not block")
    func largeOutput() throws {
        let stub = try StubTools(["relation-get": #"python3 -c 'import json,sys; sys.stderr.write("x"*200000); print(json.dumps({"k%d" % i: "v"*100 for i in range(2000)}))'"#])
        #expect(try stub.tools.relationGet(relationID: 1, member: "pg", app: true).count == 2000)
    }
}
