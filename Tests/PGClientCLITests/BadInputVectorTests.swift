import Foundation
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

/// The vector half of the bad-input matrix (issue 6): `Fixtures/vectors/bad-input/`. The
/// vectors pin events, errors and the bags after each hook; the format has no place for log
/// lines, so this table pins the WARNING and ERROR lines (by rule id) each one's hook writes.
/// A failed hook writes none: its error code is the outcome.
@Suite("Bad-input matrix: Fixtures/vectors/bad-input")
struct BadInputVectorTests {
    static let folder = "bad-input/"

    static let files: [String] = VectorFiles.all.filter { $0.hasPrefix(folder) }

    /// Every vector of the folder, with the log lines of its (single) step: `LEVEL RULE-ID`.
    static let expectedLogs: [String: [String]] = [
        "requirer-remote-data-not-json-juju3.json": [],
        "requirer-remote-data-json-array.json": [],
        "requirer-remote-data-json-string.json": [],
        "requirer-remote-data-json-number.json": [],
        "requirer-remote-data-lone-surrogate.json": [],
        "requirer-remote-data-non-string-values.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "requirer-remote-data-nested-data-key.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "requirer-remote-data-null-values.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "requirer-own-data-not-json-juju3.json": ["WARNING REQU-DATA-SNAPSHOT"],
        "requirer-own-data-json-array.json": ["WARNING REQU-DATA-SNAPSHOT"],
        "requirer-own-data-non-string-values.json": ["WARNING REQU-DATA-SNAPSHOT"],
        "requirer-own-data-nested-data-key.json": ["WARNING REQU-DATA-SNAPSHOT"],
        "requirer-own-data-corrupt-and-remote-blocking.json": [],
        "requirer-own-data-status-not-a-list.json": [],
        "requirer-endpoints-empty.json": [],
        "requirer-endpoints-only-commas.json": [],
        "requirer-endpoints-without-port.json": [],
        "requirer-endpoints-port-0.json": [],
        "requirer-endpoints-port-65536.json": [],
        "requirer-endpoints-ipv6-without-brackets.json": [],
        "requirer-endpoints-20-hosts-last-bad.json": [],
        "requirer-endpoints-20-hosts.json": [],
        "requirer-endpoints-ipv6-in-brackets.json": [],
        "requirer-read-only-endpoints-ipv6-without-brackets.json": [],
        "requirer-read-only-endpoints-port-65536.json": [],
        "requirer-read-only-endpoints-20-hosts.json": [],
        "requirer-endpoints-without-port-non-leader.json": [],
        "requirer-secret-user-label.json": [],
        "requirer-secret-user-upper-case.json": [],
        "requirer-secret-user-no-scheme.json": [],
        "requirer-secret-user-unknown-secret.json": [],
        "requirer-secret-tls-unknown-secret.json": [],
        "requirer-secret-user-under-juju29.json": [],
        "requirer-tls-yes.json": [],
        "requirer-tls-one.json": [],
        "requirer-tls-enabled.json": [],
        "requirer-tls-upper-case-true.json": [],
        "requirer-tls-in-secret-maybe.json": [],
        "requirer-tls-ca-in-secret-not-pem.json": [],
        "requirer-uris-in-secret-bad-port.json": [],
        "requirer-tls-in-secret-false.json": [],
        "requirer-keys-upper-case-and-space.json": ["WARNING BAG-KEY-FORMAT", "WARNING BAG-KEY-FORMAT"],
        "requirer-keys-upper-case-credentials.json": ["WARNING BAG-KEY-FORMAT", "WARNING BAG-KEY-FORMAT"],
        "provider-requested-secrets-json-object.json": ["WARNING REQ-REQUESTED-SECRETS-FORMAT"],
        "provider-requested-secrets-non-string-item.json": ["WARNING REQ-REQUESTED-SECRETS-FORMAT"],
        "provider-requested-secrets-json-string.json": ["WARNING REQ-REQUESTED-SECRETS-FORMAT"],
        "provider-requested-secrets-not-json-juju29.json": ["WARNING REQ-REQUESTED-SECRETS-FORMAT"],
        "provider-requested-secrets-empty-list.json": ["WARNING REQ-REQUESTED-SECRETS-CREDENTIALS"],
        "provider-keys-upper-case-and-space.json": ["WARNING BAG-KEY-FORMAT", "WARNING BAG-KEY-FORMAT"],
        "provider-keys-upper-case-database-only.json": ["WARNING BAG-KEY-FORMAT", "WARNING REQ-DATABASE-REQUIRED"],
        "provider-remote-data-not-json.json": [],
        "provider-request-with-endpoints.json": ["WARNING REQ-PROVIDER-FIELD"],
        "provider-request-with-tls-flag.json": ["WARNING REQ-PROVIDER-FIELD"],
        "provider-own-data-not-json.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "provider-own-data-json-array.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "provider-own-data-non-string-values.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "provider-own-data-nested-data-key.json": ["WARNING PROV-DATA-SNAPSHOT"],
        "provider-own-secret-user-not-a-uri.json": [],
        "provider-own-secret-user-unknown-secret.json": [],
        "provider-non-leader-bad-request.json": [],
    ]

    @Test("at least 40 cases, both sides, Juju 2.9 and 3, leader and non-leader, each with an exact outcome")
    func breadth() throws {
        let vectors = try Self.files.map(VectorFiles.load)
        #expect(vectors.count >= 40)
        #expect(Set(vectors.map(\.side)) == [.provider, .requirer])
        #expect(Set(vectors.map(\.jujuVersion.hasSecrets)) == [true, false])
        #expect(Set(vectors.map(\.leader)) == [true, false])
        for vector in vectors {
            for step in vector.steps {
                // The outcome is exact: the bags after the hook are stated (the app bag can be
                // left out only where the unit may not read it), and a failure names its rule.
                #expect(step.expect.localUnitData != nil, "\(vector.name)")
                #expect(step.expect.localAppData != nil || !vector.leader, "\(vector.name)")
                if let error = step.expect.error { #expect(Rule.named(error) != nil, "\(vector.name): \(error)") }
            }
        }
    }

    @Test("the table lists exactly the folder's files")
    func tableIsComplete() {
        #expect(Set(Self.files.map { String($0.dropFirst(Self.folder.count)) }) == Set(Self.expectedLogs.keys))
    }

    @Test("each vector passes and writes exactly the expected WARNING/ERROR lines", arguments: BadInputVectorTests.files)
    func logs(file: String) throws {
        let result = ConformanceRunner().run(try VectorFiles.load(file), file: file)
        #expect(result.passed, "\(file): \(result.failure ?? "")")
        let lines = result.logs.flatMap { $0 }.filter { $0.hasPrefix("WARNING ") || $0.hasPrefix("ERROR ") }
        let ids = lines.map { line -> String in
            let level = line.prefix { $0 != " " }
            let id = line.firstMatch(of: /(BAG|REQU|REQ|PROV|JUJU)-[A-Z0-9-]*[A-Z0-9]/).map { String($0.output.0) } ?? "(no rule id)"
            return "\(level) \(id)"
        }
        #expect(ids == Self.expectedLogs[String(file.dropFirst(Self.folder.count))], "\(file): \(lines)")
    }

    @Test("the folder's README has a row for every file")
    func readme() throws {
        let text = try Repository.text("Fixtures/vectors/bad-input/README.md")
        for file in Self.files {
            #expect(text.contains("`\(file.dropFirst(Self.folder.count))`"), "README.md has no row for \(file)")
        }
    }
}
