import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

@Suite("Sample databags are what the real peers write, and pass validation")
struct SampleDatabagsTests {
    @Test("a Juju 3 request carries the secret lists, Python-formatted", arguments: SecretsMode.allCases)
    func requirerApp(mode: SecretsMode) throws {
        let bag = SampleDatabags.requirerApp(mode: mode, extraUserRoles: "CREATEDB")
        #expect(DatabagValidator().validate(bag, as: .requirerApp).isEmpty)
        if mode == .secrets {
            #expect(bag["requested-secrets"] == #"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#)
            #expect(bag["provided-secrets"] == #"["mtls-cert"]"#)
        } else {
            #expect(bag["requested-secrets"] == nil)
        }
        let model = try RequirerAppData(databag: bag)
        #expect(model.database == "names_db")
        #expect(model.extraUserRoleList == ["CREATEDB"])
    }

    @Test("postgresql-k8s's answer validates and decodes in both modes", arguments: SecretsMode.allCases)
    func providerApp(mode: SecretsMode) throws {
        let request = SampleDatabags.requirerApp(mode: mode)
        let secret = try SecretURI(parsing: "secret:d2fjn1fmp25004or68b0")
        let bag = SampleDatabags.providerApp(relationID: 7, request: request, password: "Tr0ub4dor3xkcd936Tr0ub4dor3xkcd9", mode: mode, secretUser: secret)
        #expect(DatabagValidator().validate(bag, as: .providerApp).isEmpty)
        let answer = try ProviderAppData(databag: bag)
        #expect(answer.database == "names_db")
        #expect(answer.endpoints?.first?.port == 5432)
        #expect(answer.data == request.values)
        switch mode {
        case .plaintext:
            #expect(answer.username == "relation_id_7")
            #expect(answer.tls == false)
            #expect(bag["tls"] == "False")
            #expect(answer.uris?.password == "Tr0ub4dor3xkcd936Tr0ub4dor3xkcd9")
            #expect(answer.secretUser == nil)
        case .secrets:
            #expect(answer.username == nil && answer.password == nil && answer.uris == nil)
            #expect(answer.secretUser == secret)
        }
    }

    @Test("the requirer's snapshot is the provider bag without data, in Python's style")
    func snapshot() throws {
        let request = SampleDatabags.requirerApp(mode: .plaintext)
        let answer = SampleDatabags.providerApp(relationID: 3, request: request, password: "pw", mode: .plaintext)
        let unit = SampleDatabags.requirerUnit(afterSeeing: answer, mode: .plaintext)
        let snapshot = try #require(unit["data"])
        #expect(snapshot.hasPrefix(#"{"database": "names_db", "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432", "password": "pw", "read-only-endpoints": "#))
        #expect(!snapshot.contains(#""data""#))
        var expected = answer
        expected["data"] = nil
        #expect(Databag.snapshot(from: snapshot) == expected)
        #expect(DatabagValidator().validate(unit, as: .requirerUnit).isEmpty)
    }
}
