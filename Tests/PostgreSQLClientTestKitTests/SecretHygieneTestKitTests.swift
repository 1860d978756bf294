import Foundation
import JujuHookTools
import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

/// The test kit's records (model state, secrets, recorded calls and logs, harness results, the
/// fake provider and its allocator, conformance vectors and the runner's failure messages) never
/// print a password or a secret's content.
@Suite("Secret hygiene of the test kit")
struct SecretHygieneTestKitTests {
    static let password = "Hyg1eneKitPw9Zq3"
    static let certificate = "Hyg1eneKitMtlsCert"

    static func expectNoLeak<T>(_ value: T, _ what: String, secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let leaks = SecretHygiene.leaks(of: value, secrets: secrets)
        #expect(leaks.isEmpty, "\(what): \(leaks)", sourceLocation: sourceLocation)
    }

    /// The first passwords a fake provider seeded with `seed` hands out.
    static func seededPasswords(_ seed: UInt64, count: Int = 4) -> [String] {
        var generator = PasswordGenerator(seed: seed)
        return (0..<count).map { _ in generator.next() }
    }

    @Test("a whole relation life (request, answer, rotation, removal): every record of it masks the passwords", arguments: ["3.6.4", "2.9.49"])
    func relationLife(version: String) async throws {
        let d = try Deployment(version: version, extraUserRoles: "createdb", seed: 4242)
        var results: [HookResult] = []
        let integrated = await d.driver.integrate()
        #expect(integrated.allSatisfy { $0.error == nil }, "\(integrated)")
        results.append(d.requirer.run(.changed(remoteUnit: "postgresql-k8s/0")))
        let rotated = try await d.fake.rotatePassword(relationID: 7)
        let settled = await d.driver.settle()
        results.append(await d.fake.run(.changed(remoteUnit: "demo-api-charm/0"), relationID: 7, unit: "postgresql-k8s/0"))
        let credentials = try #require(try d.credentials())
        // The passwords really are the seeded ones, and the rotated one is in use.
        let secrets = Self.seededPasswords(4242)
        #expect(secrets.contains(rotated))
        #expect(credentials.password == rotated)

        Self.expectNoLeak(credentials, "DatabaseCredentials", secrets: secrets)
        Self.expectNoLeak(integrated + settled, "RelationLifeDriver.Fired", secrets: secrets)
        for (index, result) in results.enumerated() {
            Self.expectNoLeak(result, "HookResult #\(index + 1)", secrets: secrets)
        }
        Self.expectNoLeak(d.model.calls, "InMemoryJuju.calls", secrets: secrets)
        Self.expectNoLeak(d.model.logs, "InMemoryJuju.logs", secrets: secrets)
        Self.expectNoLeak(try #require(d.model.relation(7)), "InMemoryJuju.Relation", secrets: secrets)
        Self.expectNoLeak(d.model.secrets, "InMemoryJuju.Secret", secrets: secrets)
        let snapshot = d.model.snapshot()
        Self.expectNoLeak(snapshot, "InMemoryJuju.Snapshot", secrets: secrets)
        Self.expectNoLeak(snapshot.relations, "Snapshot.RelationRecord", secrets: secrets)
        Self.expectNoLeak(snapshot.secrets, "Snapshot.SecretRecord", secrets: secrets)
        Self.expectNoLeak(d.model, "InMemoryJuju", secrets: secrets)
        Self.expectNoLeak(d.allocator.users, "InMemoryAllocator.User", secrets: secrets)
        Self.expectNoLeak(d.allocator, "InMemoryAllocator", secrets: secrets)
        Self.expectNoLeak(d.fake, "FakeProvider", secrets: secrets)
        Self.expectNoLeak(d.requirer, "RequirerHarness", secrets: secrets)
        // The JSON model file is the wire: it does hold the password (so the check above means something).
        #expect(try snapshot.json().contains(rotated))

        d.model.clearCalls()
        let removed = await d.driver.remove()
        Self.expectNoLeak(removed, "RelationLifeDriver.Fired (remove)", secrets: secrets)
        Self.expectNoLeak(d.model.calls, "InMemoryJuju.calls (remove)", secrets: secrets)
    }

    @Test("AllocationRequest and AllocationError")
    func allocation() async {
        let request = AllocationRequest(relationID: 7, user: "relation_id_7", password: Self.password, database: "names_db", extraRoles: ["createdb"])
        Self.expectNoLeak(request, "AllocationRequest", secrets: [Self.password])
        let allocator = InMemoryAllocator()
        var bad = request
        bad.database = ""
        await #expect(throws: AllocationError.self) { try await allocator.allocate(bad) }
        do { try await allocator.allocate(bad) } catch { Self.expectNoLeak(error, "AllocationError", secrets: [Self.password]) }
        bad = request
        bad.extraRoles = [Self.password]
        do { try await allocator.allocate(bad) } catch { Self.expectNoLeak(error, "AllocationError (role)", secrets: [Self.password]) }
    }

    @Test("in-memory hook tools: secret-add and secret-set record keys only, refusals never show a value")
    func hookTools() throws {
        let model = InMemoryJuju()
        model.setLeader(app: "postgresql-k8s", unit: "postgresql-k8s/0")
        let tools = model.tools(for: "postgresql-k8s/0")
        let id = try tools.secretAdd(content: ["password": Self.password, "mtls-cert": Self.certificate], label: "database.7.user.secret")
        try tools.secretSet(id: id, content: ["password": Self.password + "2", "mtls-cert": Self.certificate])
        let error = #expect(throws: HookToolError.self) { try tools.secretAdd(content: ["bad key!": Self.password, "empty": ""], label: nil) }
        Self.expectNoLeak(error, "HookToolError", secrets: [Self.password, Self.certificate])
        let other = model.tools(for: "demo-api-charm/0")
        let denied = #expect(throws: HookToolError.self) { try other.secretGet(id: id, label: nil, refresh: false, peek: false) }
        Self.expectNoLeak(denied, "HookToolError (denied)", secrets: [Self.password, Self.certificate])
        Self.expectNoLeak(model.calls, "calls", secrets: [Self.password, Self.certificate])
        Self.expectNoLeak(model.secrets, "InMemoryJuju.Secret", secrets: [Self.password, Self.certificate])
        Self.expectNoLeak(model.snapshot().secrets, "SecretRecord", secrets: [Self.password, Self.certificate])
        // The secret does hold them.
        #expect(model.secret(id)?.revisions.last?["password"] == Self.password + "2")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func vectorText(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("conformance vectors: loaded vectors print their passwords masked")
    func vectors() throws {
        let files = [
            "Fixtures/vectors/requirer/juju3-plain-credentials-from-provider-without-secrets.json",
            "Fixtures/vectors/provider/tls-on-goes-into-tls-secret.json",
        ]
        let suite = try ConformanceSuite(files: try files.map { ($0, try Self.vectorText($0), false) })
        let secret = "bAAViPsKECBjg1hPw0rd0HpJFei9sX8Z"
        for entry in suite.entries {
            Self.expectNoLeak(entry.vector, "ConformanceVector \(entry.file)", secrets: [secret])
            Self.expectNoLeak(entry.vector.steps, "ConformanceVector.Step \(entry.file)", secrets: [secret])
        }
        #expect(suite.run().allSatisfy { $0.passed })
    }

    @Test("conformance failures name the key but mask passwords, in the data snapshot and in secrets")
    func failureMessages() throws {
        let secret = "bAAViPsKECBjg1hPw0rd0HpJFei9sX8Z"
        // The expected requirer snapshot (`data`) differs in its version: the failure is on
        // `data`, whose JSON holds the provider's password.
        let requirerPath = "Fixtures/vectors/requirer/juju3-plain-credentials-from-provider-without-secrets.json"
        var requirer = try Self.vectorText(requirerPath)
        let snapshotTail = #"\"username\": \"relation_id_7\", \"version\": \"14.15\"}""#
        #expect(requirer.contains(snapshotTail))
        requirer = requirer.replacingOccurrences(of: snapshotTail, with: #"\"username\": \"relation_id_7\", \"version\": \"14.16\"}""#)
        // The expected secret differs in its password, then in a field that is not a known one.
        let providerPath = "Fixtures/vectors/provider/tls-on-goes-into-tls-secret.json"
        let provider = try Self.vectorText(providerPath)
        let wrongPassword = provider.replacingOccurrences(of: "\"password\": \"\(secret)\"\n            }\n          },\n          {\n            \"field\": \"secret-tls\"", with: "\"password\": \"\(secret)X\"\n            }\n          },\n          {\n            \"field\": \"secret-tls\"")
        #expect(wrongPassword != provider)
        // A wrong expectation for an event's password.
        let wrongEvent = try Self.vectorText(requirerPath).replacingOccurrences(of: "\"password\": \"\(secret)\",\n              \"tls\"", with: "\"password\": \"\(secret)Y\",\n              \"tls\"")
        #expect(wrongEvent != (try Self.vectorText(requirerPath)))

        let suite = try ConformanceSuite(files: [("a.json", requirer, false), ("b.json", wrongPassword, false), ("c.json", wrongEvent, false)])
        let results = suite.run()
        #expect(results.map(\.passed) == [false, false, false], "\(results.map(\.failure))")
        for result in results {
            let failure = result.failure ?? ""
            #expect(!failure.contains(secret), "\(result.file): the failure message shows the password")
        }
        #expect(results[0].failure?.contains("local_unit_data key data") == true, "\(results[0].failure ?? "")")
        #expect(results[0].failure?.contains("14.16") == true, "the difference itself is shown: \(results[0].failure ?? "")")
        #expect(results[1].failure?.contains("secret secret-user key password") == true, "\(results[1].failure ?? "")")
        #expect(results[2].failure?.contains("field password") == true, "\(results[2].failure ?? "")")
    }

    @Test("every conformance vector: the juju-log lines and hook-tool calls of its run, and its results, hold no known secret")
    func vectorRunRecords() throws {
        let folder = Self.root.appendingPathComponent("Fixtures/vectors")
        let paths = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.sorted()
        #expect(paths.count >= 50)
        var secrets: Set<String> = []
        var files: [(path: String, text: String, fromFolder: Bool)] = []
        for path in paths {
            let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
            secrets.formUnion(SecretHygiene.knownSecrets(in: try JSONParser().parse(text)))
            files.append((path, text, true))
        }
        #expect(secrets.contains("bAAViPsKECBjg1hPw0rd0HpJFei9sX8Z"))
        let results = try ConformanceSuite(files: files).run()
        #expect(results.allSatisfy { $0.passed })
        let logged = results.flatMap(\.modelLogs)
        #expect(!logged.isEmpty, "no vector logged anything: the check would be empty")
        let texts = results.flatMap { r in
            [("logs of \(r.file)", r.modelLogs.joined(separator: "\n")), ("calls of \(r.file)", r.calls.map(\.description).joined(separator: "\n"))]
        }
        let leaks = SecretHygiene.leaks(in: texts, secrets: secrets.sorted())
        #expect(leaks.isEmpty, "\(leaks)")
        Self.expectNoLeak(results, "[ConformanceRunner.Result]", secrets: secrets.sorted())
    }
}
