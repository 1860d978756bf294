import JujuJSON
import PostgreSQLClient
import PostgreSQLClientTestKit
import Testing

/// Every type of the core that holds a password, a secret's content or a URI with a password
/// prints it masked, whichever way Swift prints it (`String(describing:)`,
/// `String(reflecting:)`, `dump`, interpolation, inside arrays and optionals). `MaskingTests`
/// checks the exact masked forms of URIs, bags and models; this suite checks that nothing leaks.
@Suite("Secret hygiene of the core types")
struct SecretHygieneTests {
    static let password = "Hyg1eneCorePw4Xq"
    static let entityPassword = "Hyg1eneEntityPw7"
    static let certificate = "Hyg1eneMtlsCertBody"
    static let tlsKey = "Hyg1eneTlsKeyBody"
    static let secrets = [password, entityPassword, certificate, tlsKey]

    static func uri(_ host: String = "h") -> String { "postgresql://relation_id_7:\(password)@\(host):5432/names_db" }

    static func expectNoLeak<T>(_ value: T, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let leaks = SecretHygiene.leaks(of: value, secrets: secrets)
        #expect(leaks.isEmpty, "\(what): \(leaks)", sourceLocation: sourceLocation)
    }

    /// A provider's answer under Juju 2.9: everything in plain text.
    static var plainAnswer: [String: String] {
        [
            "database": "names_db", "username": "relation_id_7", "password": password, "endpoints": "10.1.0.5:5432",
            "uris": uri(), "read-only-uris": uri("r"), "entity-name": "reporting", "entity-password": entityPassword,
            "mtls-cert": certificate, "tls-key": tlsKey,
        ]
    }

    @Test("the helper finds a plain String, so a passing check means something")
    func helperFindsLeaks() {
        #expect(!SecretHygiene.leaks(of: ["password": Self.password], secrets: Self.secrets).isEmpty)
        #expect(!SecretHygiene.leaks(of: Self.plainAnswer, secrets: Self.secrets).isEmpty)
        // Its findings never repeat the secret.
        #expect(!SecretHygiene.leaks(of: Self.password, secrets: Self.secrets).joined().contains(Self.password))
    }

    @Test("values, bags and models")
    func valuesAndModels() throws {
        Self.expectNoLeak(try PostgresURI(parsing: Self.uri()), "PostgresURI")
        Self.expectNoLeak(Databag(Self.plainAnswer), "Databag")
        let snapshot = Databag(["data": JSONValue.object(Self.plainAnswer.mapValues(JSONValue.string)).serialized()])
        Self.expectNoLeak(snapshot, "Databag with a data snapshot")
        Self.expectNoLeak(try ProviderAppData(databag: Databag(Self.plainAnswer)), "ProviderAppData")
        Self.expectNoLeak(try RequirerUnitData(databag: snapshot), "RequirerUnitData")
    }

    @Test("DatabaseCredentials, from a bag and from an event")
    func credentials() throws {
        let event = LibraryEvent(name: "database_created", relationID: 7, fields: [
            "username": "relation_id_7", "password": .string(Self.password), "endpoints": "10.1.0.5:5432",
            "uris": .string(Self.uri()), "read_only_uris": .string(Self.uri("r")), "tls_ca": "CA",
        ])
        let credentials = try #require(DatabaseCredentials(event: event, defaultDatabase: "names_db"))
        Self.expectNoLeak(credentials, "DatabaseCredentials")
    }

    @Test("LibraryEvent with passwords, entity passwords and URIs")
    func events() {
        let event = LibraryEvent(name: "database_entity_created", relationID: 7, fields: [
            "username": "relation_id_7", "password": .string(Self.password), "uris": .string(Self.uri()),
            "read_only_uris": .string(Self.uri("r")), "entity_name": "reporting", "entity_password": .string(Self.entityPassword),
        ])
        Self.expectNoLeak(event, "LibraryEvent")
        Self.expectNoLeak([event, event], "[LibraryEvent]")
    }

    @Test("SecretAction: every value of a secret's content is masked, the keys are shown")
    func secretActions() {
        let content = ["username": "relation_id_7", "password": Self.password, "uris": Self.uri(), "mtls-cert": Self.certificate, "tls-key": Self.tlsKey]
        let create = SecretAction.create(group: .user, label: "database.7.user.secret", content: content)
        let update = SecretAction.update(uri: "secret:d2fjn1fmp25004or68b0", label: "database.7.user.secret", content: content)
        Self.expectNoLeak(create, "SecretAction.create")
        Self.expectNoLeak(update, "SecretAction.update")
        #expect(String(describing: create).contains("password: <masked"), "\(create)")
        #expect(String(describing: update).contains("secret:d2fjn1fmp25004or68b0"), "\(update)")
    }

    @Test("EngineOutput: bag changes, secret actions and events")
    func engineOutput() {
        var output = EngineOutput()
        output.appChanges = Self.plainAnswer
        output.unitChanges = ["data": JSONValue.object(Self.plainAnswer.mapValues(JSONValue.string)).serialized()]
        output.secretActions = [.create(group: .entity, label: "l", content: ["entity-password": Self.entityPassword])]
        output.events = [LibraryEvent(name: "database_created", relationID: 7, fields: ["password": .string(Self.password)])]
        output.logs = [LogRecord(.warning, "something")]
        Self.expectNoLeak(output, "EngineOutput")
        #expect(String(describing: output).contains(#"username: "relation_id_7""#), "\(output)")
    }

    @Test("RelationContext and the provider's session over it")
    func contextAndSession() throws {
        let context = RelationContext(
            relationID: 7, relationName: "database", localApp: "postgresql-k8s", localUnit: "postgresql-k8s/0",
            remoteApp: "demo-api-charm", isLeader: true, secretsEnabled: true,
            localAppBag: Databag(Self.plainAnswer), localUnitBag: [:],
            remoteAppBag: ["database": "names_db", "requested-secrets": #"["username", "password"]"#],
            remoteUnits: [.init(name: "demo-api-charm/0", bag: Databag(Self.plainAnswer))])
        Self.expectNoLeak(context, "RelationContext")
        var session = DatabaseProvider(relationName: "database").session(context: context, output: EngineOutput(), secrets: NoSecrets())
        try session.setCredentials(username: "relation_id_7", password: Self.password)
        try session.setEntityCredentials(name: "reporting", password: Self.entityPassword)
        Self.expectNoLeak(session, "ProviderSession")
        Self.expectNoLeak(session.output, "ProviderSession.output")
    }

    @Test("errors from bad input never repeat a password")
    func errors() {
        // A databag whose password is not a string: the error names the key, not the value.
        let notString = #"{"password": ["\#(Self.password)"], "username": "u"}"#
        let error = #expect(throws: DatabagError.self) { try Databag(json: notString) }
        Self.expectNoLeak(error, "DatabagError")
        // Truncated JSON right after a password.
        let truncated = #"{"password": "\#(Self.password)"#
        let cut = #expect(throws: DatabagError.self) { try Databag(json: truncated) }
        Self.expectNoLeak(cut, "DatabagError (truncated)")
        // Violations of every provider rule over a bag full of secrets.
        var bad = Self.plainAnswer
        bad["endpoints"] = "10.1.0.5:0"
        bad["uris"] = "postgresql://u:\(Self.password)@h:0/db"
        bad["read-only-uris"] = "mysql://u:\(Self.password)@h/db"
        bad["entity-name"] = nil
        let violations = DatabagValidator().validate(Databag(bad), as: .providerApp)
        #expect(!violations.isEmpty)
        Self.expectNoLeak(violations, "[Violation]")
        let thrown = #expect(throws: ValidationError.self) { try DatabagValidator().require(Databag(bad), as: .providerApp) }
        Self.expectNoLeak(thrown, "ValidationError")
    }
}

/// A secret reader that has no secrets.
struct NoSecrets: SecretReading {
    func secretContent(uri: String, label: String?, refresh: Bool) throws(EngineError) -> [String: String] {
        throw EngineError(code: "JUJU-SECRET-ACCESS", message: "no secrets here")
    }
}
