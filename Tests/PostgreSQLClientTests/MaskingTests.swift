import JujuJSON
import PostgreSQLClient
import Testing

/// Everything that prints a value must keep passwords, URIs and snapshots out of the text.
@Suite("Masking sensitive values")
struct MaskingTests {
    static let password = "S3cr3t-Pa55w0rd"

    static func uri() throws -> PostgresURI {
        try PostgresURI(parsing: "postgresql://relation_id_7:\(password)@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db")
    }

    @Test("PostgresURI description, debugDescription and interpolation mask the password")
    func uriDescriptions() throws {
        let uri = try Self.uri()
        #expect(uri.description == "postgresql://relation_id_7:***@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db")
        #expect(uri.debugDescription == "PostgresURI(postgresql://relation_id_7:***@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db)")
        #expect(String(describing: uri) == uri.description)
        #expect(String(reflecting: uri) == uri.debugDescription)
        #expect("\(uri)" == uri.description)
        #expect(!"\([uri])".contains(Self.password))
        #expect(!"\(Optional(uri) as Any)".contains(Self.password))
        // The wire form keeps it.
        #expect(uri.string.contains(Self.password))
        // A URI without a password prints without the mask.
        #expect(try PostgresURI(parsing: "postgres://u@h").description == "postgres://u@h")
    }

    @Test("a percent-encoded password is masked too")
    func encodedPasswordMasked() throws {
        let uri = PostgresURI(user: "u", password: "p@ss word", hosts: [.init(host: "h")])
        #expect(uri.description == "postgresql://u:***@h")
        #expect(!uri.debugDescription.contains("p%40ss"))
    }

    @Test("dump() of a PostgresURI does not show the password")
    func uriDump() throws {
        var output = ""
        dump(try Self.uri(), to: &output)
        #expect(!output.contains(Self.password), "dump output shows the password")
    }

    @Test("an unescaped '?' in a password stays in the password, as libpq reads it")
    func questionMarkInPassword() throws {
        let uri = try PostgresURI(parsing: "postgresql://relation_id_7:\(Self.password)?x@h:5432/db")
        #expect(uri.password == Self.password + "?x")
        #expect(uri.hosts == [.init(host: "h", port: 5432)])
        #expect(!uri.description.contains(Self.password))
    }

    @Test("PostgresURI parse errors never repeat the password")
    func uriErrorsHidePassword() throws {
        // Whatever breaks, the message must not repeat the password.
        for text in [
            "postgresql://relation_id_7:\(Self.password)@h:0/db",
            "postgresql://relation_id_7:\(Self.password)@p@h:5432/db",
            "postgresql://relation_id_7:\(Self.password)@h:5432,,h2/db",
            "postgresql://relation_id_7:\(Self.password)%zz@h/db",
            "postgresql://relation_id_7:\(Self.password) @h/db",
        ] {
            let error = #expect(throws: FormatError.self) { try PostgresURI(parsing: text) }
            let message = error.map(String.init(describing:)) ?? ""
            #expect(!message.contains(Self.password), "\(message)")
            let violations = DatabagValidator().validate(["uris": text], as: .providerApp)
            #expect(violations.map(\.rule) == [.provURIsFormat])
            #expect(!violations.map(\.description).joined().contains(Self.password))
        }
    }

    @Test("Databag description masks password, entity-password, uris, read-only-uris and data")
    func databagDescription() throws {
        let bag: Databag = [
            "username": "relation_id_7", "password": Self.password, "entity-password": "EntPw9zz",
            "uris": "postgresql://u:\(Self.password)@h/db", "read-only-uris": "postgresql://u:\(Self.password)@r/db",
            "data": #"{"password": "\#(Self.password)"}"#, "mtls-cert": "CERTzz", "version": "14.15",
        ]
        let text = bag.description
        for secret in [Self.password, "EntPw9zz", "CERTzz"] {
            #expect(!text.contains(secret))
            #expect(!bag.debugDescription.contains(secret))
            #expect(!"\(bag)".contains(secret))
        }
        #expect(text.contains(#"username: "relation_id_7""#))
        #expect(text.contains(#"version: "14.15""#))
        #expect(text.contains("password: <masked, 15 bytes>"))
        #expect(text.hasPrefix("[data: <masked, "))
        #expect(bag.debugDescription == "Databag(\(text))")
        for key in ["password", "entity-password", "uris", "read-only-uris", "data"] {
            #expect(SensitiveFields.isSensitive(key), "\(key)")
        }
        #expect(!SensitiveFields.isSensitive("username"))
        #expect(SensitiveFields.display(key: "uris", value: "abc") == "<masked, 3 bytes>")
        #expect(SensitiveFields.display(key: "version", value: "14.15") == #""14.15""#)
    }

    @Test("ProviderAppData and RequirerUnitData descriptions mask passwords, URIs and snapshots")
    func modelDescriptions() throws {
        let model = Samples.providerApp
        let password = "Xq3vN8kLp2Zr"
        for text in [model.description, model.debugDescription, "\(model)", String(reflecting: model)] {
            #expect(!text.contains(password))
            #expect(!text.contains("EntPw9"))
            #expect(!text.contains("MIIBszCCAVmgAwIBAgIU"))
            #expect(!text.contains("mtls-cert"))
            #expect(text.hasPrefix("ProviderAppData(database: names_db, username: relation_id_7, password: <masked>"))
            #expect(text.contains("uris: postgresql://relation_id_7:***@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db"))
            #expect(text.contains("data: <masked, 5 keys>"))
        }
        let unit = Samples.requirerUnit
        #expect(!unit.description.contains("10.1.0.5:5432"))
        #expect(unit.description.hasPrefix("RequirerUnitData(data: <masked, 3 keys>"))
    }
}
