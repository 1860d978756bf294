import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit

/// Allocating N relations on the in-memory fake provider: each requirer's request is in its app
/// bag, the provider leader runs relation-changed, answers (user, password, database, secrets,
/// endpoints, URIs, TLS flag, version) and writes. Reports total time and time per relation.
enum FakeProviderBenchmark {
    static func run(relations n: Int, mode: SecretsMode) async -> (seconds: Double, perRelation: Double) {
        let model = InMemoryJuju()
        let version = mode == .secrets ? JujuVersion(major: 3, minor: 6, patch: 4) : JujuVersion(major: 2, minor: 9, patch: 49)
        let fake = FakeProvider(model: model, configuration: .init(jujuVersion: version, seed: 1))
        for id in 1...n {
            let app = "app\(id)"
            model.addRelation(.init(
                id: id, endpoints: [app: "database", "postgresql-k8s": "database"], apps: [app, "postgresql-k8s"],
                units: [app: ["\(app)/0"], "postgresql-k8s": ["postgresql-k8s/0"]],
                appBags: [app: SampleDatabags.requirerApp(database: "db\(id)", mode: mode), "postgresql-k8s": [:]],
                unitBags: ["\(app)/0": [:], "postgresql-k8s/0": [:]]))
        }
        model.clearCalls()
        let clock = ContinuousClock()
        var failures = 0
        let elapsed = await clock.measure {
            for id in 1...n {
                let result = await fake.run(.changed(remoteUnit: "app\(id)/0"), relationID: id, unit: "postgresql-k8s/0")
                if result.error != nil || result.events.first?.name != "database_requested" { failures += 1 }
            }
        }
        precondition(failures == 0, "\(failures) relations were not answered")
        precondition(fake.answeredRelations.count == n)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, seconds / Double(n))
    }
}
