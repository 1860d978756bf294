import Foundation
import JujuHookTools
import PostgreSQLClient
import Testing

/// The bad-input matrix (issue 6) for what cannot be a conformance vector: bytes that come out
/// of Juju's hook tools, 1 MiB values through real processes, and secret reads that fail. Each
/// case names the exact error code and checks that nothing was written (no relation-set).
/// The vector half of the matrix is `Fixtures/vectors/bad-input/` (its README lists both).
@Suite("Bad-input matrix: hook tools as processes")
struct BadInputMatrixTests {
    static let mebibyte = 1 << 20

    /// Reads a bag through a stub relation-get printing `script`'s output; the error it throws.
    func relationGetError(_ script: String) throws -> HookToolError? {
        let stub = try StubTools(["relation-get": script])
        do {
            _ = try stub.tools.relationGet(relationID: 7, member: "postgresql-k8s", app: true)
            return nil
        } catch {
            return error
        }
    }

    @Test("relation-get printing invalid UTF-8 is invalid-output naming relation-get and the byte offset", arguments: [
        (#"printf '{"database": "\377"}\n'"#, "at byte 14: invalid UTF-8"),
        (#"printf '{"database": "\300\257"}\n'"#, "at byte 14: invalid UTF-8"),  // overlong "/"
        (#"printf '{"database": "\355\240\200"}\n'"#, "at byte 14: invalid UTF-8"),  // a UTF-16 surrogate encoded as UTF-8
        (#"printf '{"data\377": "x"}\n'"#, "at byte 6: invalid UTF-8"),  // in a key
    ])
    func invalidUTF8FromRelationGet(script: String, fragment: String) throws {
        let error = try #require(try relationGetError(script))
        #expect(error.code == .invalidOutput)
        #expect(error.tool == "relation-get")
        #expect(error.message.contains(fragment), "\(error.message)")
        #expect(error.message.contains("json-invalid-utf8"), "\(error.message)")
    }

    @Test("relation-get printing an unpaired surrogate escape or a non-string value is invalid-output, with the reason")
    func unusableBagFromRelationGet() throws {
        let surrogate = try #require(try relationGetError(#"echo '{"database": "\udc80"}'"#))
        #expect(surrogate.code == .invalidOutput)
        #expect(surrogate.message.contains("surrogate"), "\(surrogate.message)")
        let number = try #require(try relationGetError(#"echo '{"endpoints": "db:5432", "port": 5432}'"#))
        #expect(number.code == .invalidOutput)
        #expect(number.message.contains("port"), "\(number.message)")
        #expect(number.message.contains("BAG-VALUE-STRING"), "\(number.message)")
    }

    @Test("a requirer hook whose relation-get prints invalid UTF-8 fails with HOOK-TOOL-FAILED and calls no relation-set")
    func requirerHookWithInvalidUTF8() throws {
        let stub = try StubTools([
            "relation-get": #"case "$*" in *--app*) printf '{"database": "names_db", "endpoints": "db\377:5432"}\n';; *) echo '{}';; esac"#,
            "relation-set": "cat > /dev/null",
            "juju-log": "true",
        ])
        let runner = RelationHookRunner(tools: stub.tools)
        let scope = RelationHookRunner.Scope(relationID: 7, relationName: "database", localUnit: "demo/0", remoteApp: "postgresql-k8s", jujuVersion: try JujuVersion(parsing: "3.6.4"))
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db"))
        do {
            _ = try runner.runRequirer(requirer, hook: .changed(remoteUnit: "postgresql-k8s/0"), scope: scope)
            Issue.record("the hook succeeded")
        } catch {
            #expect(error.code == "HOOK-TOOL-FAILED")
            #expect(error.message.contains("relation-get"), "\(error.message)")
            #expect(error.message.contains("invalid UTF-8"), "\(error.message)")
        }
        #expect(!stub.calls.contains { $0.hasPrefix("relation-set") }, "\(stub.calls)")
    }

    @Test("secret-get printing invalid UTF-8, non-string values or failing becomes JUJU-SECRET-ACCESS naming the secret", arguments: [
        (#"printf '{"password": "\377"}\n'"#, "invalid UTF-8"),
        (#"echo '{"username": "u", "password": 7}'"#, "expected a JSON object of strings"),
        (#"echo 'ERROR secret "d2fjn1fmp25004or68b9" not found' >&2; exit 1"#, "not found"),
        (#"echo 'ERROR permission denied' >&2; exit 1"#, "permission denied"),
    ])
    func secretGetFailures(script: String, fragment: String) throws {
        let stub = try StubTools(["secret-get": script])
        let reader = RelationHookRunner(tools: stub.tools).secretReader
        do {
            _ = try reader.secretContent(uri: "secret:d2fjn1fmp25004or68b9", label: "database.7.user.secret", refresh: true)
            Issue.record("the read succeeded")
        } catch {
            #expect(error.code == Rule.jujuSecretAccess.id)
            #expect(error.message.hasPrefix("cannot read secret secret:d2fjn1fmp25004or68b9: "), "\(error.message)")
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("a secret-get that fails makes the requirer's hook fail with JUJU-SECRET-ACCESS, and nothing is written")
    func requirerHookWithFailingSecretGet() throws {
        let stub = try StubTools([
            "relation-get": #"case "$*" in *--app*) echo '{"data": "{}", "database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": "secret:d2fjn1fmp25004or68b0"}';; *) echo '{}';; esac"#,
            "secret-get": #"echo 'ERROR secret "d2fjn1fmp25004or68b0" not found' >&2; exit 1"#,
            "relation-set": "cat > /dev/null",
            "juju-log": "true",
        ])
        let runner = RelationHookRunner(tools: stub.tools)
        let scope = RelationHookRunner.Scope(relationID: 7, relationName: "database", localUnit: "demo/0", remoteApp: "postgresql-k8s", jujuVersion: try JujuVersion(parsing: "3.6.4"))
        let requirer = try DatabaseRequirer(.init(relationName: "database", databaseName: "names_db"))
        do {
            _ = try runner.runRequirer(requirer, hook: .changed(remoteUnit: "postgresql-k8s/0"), scope: scope)
            Issue.record("the hook succeeded")
        } catch {
            #expect(error.code == "JUJU-SECRET-ACCESS")
        }
        #expect(stub.calls.contains { $0.hasPrefix("secret-get secret:d2fjn1fmp25004or68b0 --label database.7.user.secret --refresh") }, "\(stub.calls)")
        #expect(!stub.calls.contains { $0.hasPrefix("relation-set") }, "\(stub.calls)")
    }

    @Test("a 1 MiB value read through relation-get arrives whole")
    func mebibyteRead() throws {
        let stub = try StubTools(["relation-get": #"python3 -c 'import json; print(json.dumps({"tls-ca": "A" * (1 << 20), "database": "names_db"}))'"#])
        let bag = try stub.tools.relationGet(relationID: 7, member: "postgresql-k8s", app: true)
        #expect(bag["tls-ca"]?.utf8.count == Self.mebibyte)
        #expect(bag["database"] == "names_db")
    }

    @Test("a 1 MiB value written through relation-set reaches the tool whole, as JSON on standard input")
    func mebibyteWrite() throws {
        let stub = try StubTools(["relation-set": "cat > \"$(dirname \"$0\")/stdin.json\""])
        let big = String(repeating: "é", count: Self.mebibyte / 2)  // 1 MiB of UTF-8
        try stub.tools.relationSet(relationID: 7, app: false, changes: ["data": big])
        let sent = try Data(contentsOf: stub.folder.appendingPathComponent("stdin.json"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: sent) as? [String: String])
        #expect(parsed["data"]?.utf8.count == Self.mebibyte)
        #expect(parsed["data"] == big)
    }

    @Test("a relation-set that refuses without reading its 1 MiB of standard input is a typed error, not a crash (SIGPIPE)")
    func mebibyteWriteRefused() throws {
        let stub = try StubTools(["relation-set": "echo 'ERROR permission denied' >&2; exit 1"])
        let big = String(repeating: "x", count: 4 * Self.mebibyte)
        do {
            try stub.tools.relationSet(relationID: 7, app: true, changes: ["data": big])
            Issue.record("the write succeeded")
        } catch {
            #expect(error.code == .permissionDenied, "\(error)")
            #expect(error.tool == "relation-set")
        }
        // The process is still here, and the next tool call works.
        let again = try StubTools(["relation-set": "cat > /dev/null"])
        try again.tools.relationSet(relationID: 7, app: false, changes: ["data": big])
    }

    @Test("1 MiB secret values travel in files, and the secret-add tool reads them whole")
    func mebibyteSecret() throws {
        let stub = try StubTools([
            "secret-add": #"for a in "$@"; do case "$a" in *'#file='*) wc -c < "${a#*#file=}" > "$(dirname "$0")/size";; esac; done; echo secret:d2fjn1fmp25004or68b0"#,
        ])
        let password = String(repeating: "p", count: Self.mebibyte)
        let uri = try stub.tools.secretAdd(content: ["password": password], label: "database.7.user.secret")
        #expect(uri == "secret:d2fjn1fmp25004or68b0")
        let size = try String(contentsOf: stub.folder.appendingPathComponent("size"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(size == String(Self.mebibyte))
        #expect(!(stub.calls.first ?? "").contains("pppppppp"))
    }
}
