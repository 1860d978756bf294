import JujuJSON
import PostgreSQLClient
import Testing

/// Shared, fully populated models (every field set).
enum Samples {
    static let secretA = try! SecretURI(parsing: "secret:d2fjn1fmp25004or68b0")
    static let secretB = try! SecretURI(parsing: "secret:d2fjn1fmp25004or68b1")
    static let secretC = try! SecretURI(parsing: "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0")
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"

    static let requirerApp = RequirerAppData(
        database: "names_db", requestedSecrets: SecretGroup.defaultRequestedSecrets, providedSecrets: ["mtls-cert"],
        extraUserRoles: "charmed_read,charmed_dml", extraGroupRoles: "charmed_admin", externalNodeConnectivity: true,
        entityType: .group,
        entityPermissions: [EntityPermission(resourceName: "items", resourceType: "TABLE", privileges: ["SELECT", "INSERT"])],
        requestedEntitySecret: secretC, prefixMatching: "all", alias: "db-alias", secretMTLS: secretB)

    static let requirerAppBag: Databag = [
        "database": "names_db",
        "requested-secrets": #"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#,
        "provided-secrets": #"["mtls-cert"]"#,
        "extra-user-roles": "charmed_read,charmed_dml",
        "extra-group-roles": "charmed_admin",
        "external-node-connectivity": "true",
        "entity-type": "GROUP",
        "entity-permissions": #"[{"privileges": ["SELECT", "INSERT"], "resource_name": "items", "resource_type": "TABLE"}]"#,
        "requested-entity-secret": "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0",
        "prefix-matching": "all",
        "alias": "db-alias",
        "secret-mtls": "secret:d2fjn1fmp25004or68b1",
    ]

    static let providerApp = ProviderAppData(
        database: "names_db", username: "relation_id_7", password: "Xq3vN8kLp2Zr",
        endpoints: try! EndpointList(parsing: "postgresql-k8s-primary.dev.svc.cluster.local:5432"),
        readOnlyEndpoints: try! EndpointList(parsing: "[fd00::5]:5432,10.1.2.4:5432"),
        uris: try! PostgresURI(parsing: "postgresql://relation_id_7:Xq3vN8kLp2Zr@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db"),
        readOnlyURIs: try! PostgresURI(parsing: "postgresql://relation_id_7:Xq3vN8kLp2Zr@[fd00::5]:5432,10.1.2.4:5432/names_db?target_session_attrs=read-only"),
        version: "14.15", tls: true, tlsCA: pem, secretUser: secretA, secretTLS: secretB, secretExtra: secretC,
        secretEntity: try! SecretURI(parsing: "secret:d2fjn1fmp25004or68b2"),
        secretMTLS: try! SecretURI(parsing: "secret:d2fjn1fmp25004or68b3"), entityName: "reporting",
        entityPassword: "EntPw9", prefixDatabases: ["names_a", "names_b"], subordinated: true,
        status: [
            RelationStatus(code: 4001, message: "Database is being resized", resolution: "Wait"),
            RelationStatus(code: 5002, message: "caf\u{E9} \"x\"", resolution: "r"),
        ],
        data: [
            "requested-secrets": #"["username", "password"]"#, "database": "names_db", "provided-secrets": #"["mtls-cert"]"#,
            "Zeta": "z", "émoji": "😀",
        ],
        encryptionSecret: try! SecretURI(parsing: "secret:d2fjn1fmp25004or68b4"))

    static let providerAppBag: Databag = [
        "database": "names_db",
        "username": "relation_id_7",
        "password": "Xq3vN8kLp2Zr",
        "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432",
        "read-only-endpoints": "[fd00::5]:5432,10.1.2.4:5432",
        "uris": "postgresql://relation_id_7:Xq3vN8kLp2Zr@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db",
        "read-only-uris": "postgresql://relation_id_7:Xq3vN8kLp2Zr@[fd00::5]:5432,10.1.2.4:5432/names_db?target_session_attrs=read-only",
        "version": "14.15",
        "tls": "True",
        "tls-ca": pem,
        "secret-user": "secret:d2fjn1fmp25004or68b0",
        "secret-tls": "secret:d2fjn1fmp25004or68b1",
        "secret-extra": "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0",
        "secret-entity": "secret:d2fjn1fmp25004or68b2",
        "secret-mtls": "secret:d2fjn1fmp25004or68b3",
        "entity-name": "reporting",
        "entity-password": "EntPw9",
        "prefix-databases": "names_a,names_b",
        "subordinated": "true",
        "status": #"[{"code": 4001, "message": "Database is being resized", "resolution": "Wait"}, {"code": 5002, "message": "caf\u00e9 \"x\"", "resolution": "r"}]"#,
        "data": #"{"Zeta": "z", "database": "names_db", "provided-secrets": "[\"mtls-cert\"]", "requested-secrets": "[\"username\", \"password\"]", "\u00e9moji": "\ud83d\ude00"}"#,
        "encryption-secret": "secret:d2fjn1fmp25004or68b4",
    ]

    static let requirerUnit = RequirerUnitData(
        data: ["database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": "secret:d2fjn1fmp25004or68b0"],
        requestedSecrets: ["username", "password"], providedSecrets: ["mtls-cert"], alias: "db-alias",
        ingressAddress: "10.1.0.9", egressSubnets: "10.1.0.9/32", privateAddress: "10.1.0.9")

    static let requirerUnitBag: Databag = [
        "data": #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": "secret:d2fjn1fmp25004or68b0"}"#,
        "requested-secrets": #"["username", "password"]"#,
        "provided-secrets": #"["mtls-cert"]"#,
        "alias": "db-alias",
        "ingress-address": "10.1.0.9",
        "egress-subnets": "10.1.0.9/32",
        "private-address": "10.1.0.9",
    ]

    static let providerUnit = ProviderUnitData(
        state: "ready", ingressAddress: "10.1.0.5", egressSubnets: "10.1.0.5/32", privateAddress: "10.1.0.5")

    static let providerUnitBag: Databag = [
        "state": "ready", "ingress-address": "10.1.0.5", "egress-subnets": "10.1.0.5/32", "private-address": "10.1.0.5",
    ]
}

@Suite("DatabagEncoder and DatabagDecoder")
struct DatabagCodingTests {
    struct KebabSample: Codable, Equatable {
        var readOnlyEndpoints = "a"
        var tlsCA = "b"
        var secretMTLS = "c"
        var already_snake = "d"
        var plain = "e"
        var httpURLValue = "f"
    }

    @Test(
        "kebab-case key conversion",
        arguments: [
            ("readOnlyEndpoints", "read-only-endpoints"), ("tlsCA", "tls-ca"), ("secretMTLS", "secret-mtls"),
            ("secretUser", "secret-user"), ("read-only-endpoints", "read-only-endpoints"), ("snake_case", "snake-case"),
            ("httpURLValue", "http-url-value"), ("v2Name", "v2-name"), ("entityID", "entity-id"), ("ID", "id"),
            ("plain", "plain"), ("", ""),
        ])
    func kebabCase(name: String, key: String) {
        #expect(DatabagKeyStrategy.convertToKebabCase.databagKey(for: name) == key)
        #expect(DatabagKeyStrategy.useDefaultKeys.databagKey(for: name) == name)
    }

    @Test("synthesised coding keys are written and read as kebab-case")
    func kebabEncoding() throws {
        let bag = try DatabagEncoder().encode(KebabSample())
        #expect(bag.values == [
            "read-only-endpoints": "a", "tls-ca": "b", "secret-mtls": "c", "already-snake": "d", "plain": "e",
            "http-url-value": "f",
        ])
        #expect(try DatabagDecoder().decode(KebabSample.self, from: bag) == KebabSample())
        let raw = try DatabagEncoder(keyStrategy: .useDefaultKeys).encode(KebabSample())
        #expect(raw.sortedKeys == ["already_snake", "httpURLValue", "plain", "readOnlyEndpoints", "secretMTLS", "tlsCA"])
        #expect(try DatabagDecoder(keyStrategy: .useDefaultKeys).decode(KebabSample.self, from: raw) == KebabSample())
    }

    @Test("Bool spelling: tls as Python's str(bool), subordinated and external-node-connectivity lower case")
    func boolSpellings() throws {
        #expect(try ProviderAppData(tls: true).databag().values == ["tls": "True"])
        #expect(try ProviderAppData(tls: false).databag().values == ["tls": "False"])
        #expect(try ProviderAppData(subordinated: true).databag().values == ["subordinated": "true"])
        #expect(try RequirerAppData(database: "d", externalNodeConnectivity: true).databag()["external-node-connectivity"] == "true")
        // data_interfaces writes these two flags only when true.
        #expect(try RequirerAppData(database: "d", externalNodeConnectivity: false).databag()["external-node-connectivity"] == nil)
        #expect(try ProviderAppData(subordinated: false).databag()["subordinated"] == nil)
        struct Flags: Codable { var someFlag: Bool; var other: Bool }
        #expect(try DatabagEncoder().encode(Flags(someFlag: true, other: false)).values == ["some-flag": "True", "other": "False"])
        #expect(try DatabagEncoder(boolSpelling: .lowercase).encode(Flags(someFlag: true, other: false)).values == ["some-flag": "true", "other": "false"])
        #expect(
            try DatabagEncoder(boolSpellingOverrides: ["other": .lowercase]).encode(Flags(someFlag: true, other: true)).values
                == ["some-flag": "True", "other": "true"])
        #expect(BoolSpelling.python.spell(true) == "True")
        #expect(BoolSpelling.lowercase.spell(false) == "false")
    }

    @Test(
        "tls is read from true/false in any letter case",
        arguments: [("true", true), ("TRUE", true), ("True", true), ("tRuE", true), ("False", false), ("false", false), ("FALSE", false)])
    func readsTLS(text: String, value: Bool) throws {
        #expect(try ProviderAppData(databag: ["tls": text]).tls == value)
        #expect(BoolSpelling.parse(text) == value)
    }

    @Test("an invalid Bool is a DatabagError naming the field", arguments: ["yes", "1", "enabled", "true ", "T"])
    func invalidBool(text: String) throws {
        let error = #expect(throws: DatabagError.self) { try ProviderAppData(databag: ["tls": text]) }
        #expect(error?.code == .invalidValue)
        #expect(error?.field == "tls")
        #expect(error?.description == "tls: expected true or false (any letter case)")
        let sub = #expect(throws: DatabagError.self) { try ProviderAppData(databag: ["subordinated": text]) }
        #expect(sub?.field == "subordinated")
        #expect(BoolSpelling.parse(text) == nil)
    }

    @Test("lists and objects are written exactly as Python's json.dumps writes them")
    func jsonInStrings() throws {
        let requirer = try RequirerAppData(database: "names_db", requestedSecrets: SecretGroup.defaultRequestedSecrets, providedSecrets: ["mtls-cert"]).databag()
        #expect(requirer["requested-secrets"] == #"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#)
        #expect(requirer["provided-secrets"] == #"["mtls-cert"]"#)
        #expect(try RequirerAppData(database: "d", requestedSecrets: []).databag()["requested-secrets"] == "[]")

        let status = try ProviderAppData(status: [RelationStatus(code: 4001, message: "Database is being resized", resolution: "Wait")]).databag()
        #expect(status["status"] == #"[{"code": 4001, "message": "Database is being resized", "resolution": "Wait"}]"#)
        #expect(try ProviderAppData(status: []).databag()["status"] == "[]")

        let snapshot = try ProviderAppData(data: [
            "requested-secrets": #"["username", "password"]"#, "provided-secrets": #"["mtls-cert"]"#, "database": "names_db",
        ]).databag()
        #expect(snapshot["data"] == #"{"database": "names_db", "provided-secrets": "[\"mtls-cert\"]", "requested-secrets": "[\"username\", \"password\"]"}"#)
        #expect(try ProviderAppData(data: [:]).databag()["data"] == "{}")
        let unicode = try RequirerUnitData(data: ["b": "é\u{7F}😀\n/", "a": "\u{2028}"]).databag()
        #expect(unicode["data"] == #"{"a": "\u2028", "b": "\u00e9\u007f\ud83d\ude00\n/"}"#)
    }

    @Test("nil optionals and empty strings leave the key out")
    func absentKeys() throws {
        #expect(try ProviderAppData().databag().isEmpty)
        #expect(try ProviderUnitData().databag().isEmpty)
        #expect(try RequirerUnitData().databag().isEmpty)
        #expect(try RequirerAppData(database: "d").databag().values == ["database": "d"])
        #expect(try ProviderAppData(username: "", password: "", version: "", prefixDatabases: []).databag().isEmpty)
        #expect(try RequirerAppData(database: "").databag().isEmpty)
    }

    @Test("RequirerAppData with every field set: exact bag and round trip")
    func requirerAppRoundTrip() throws {
        let bag = try Samples.requirerApp.databag()
        #expect(bag == Samples.requirerAppBag)
        #expect(try RequirerAppData(databag: bag) == Samples.requirerApp)
    }

    @Test("ProviderAppData with every field set: exact bag and round trip")
    func providerAppRoundTrip() throws {
        let bag = try Samples.providerApp.databag()
        for key in Samples.providerAppBag.sortedKeys {
            #expect(bag[key] == Samples.providerAppBag[key], "\(key)")
        }
        #expect(bag.sortedKeys == Samples.providerAppBag.sortedKeys)
        let decoded = try ProviderAppData(databag: bag)
        #expect(decoded == Samples.providerApp)
        #expect(decoded.uris?.password == "Xq3vN8kLp2Zr")
        #expect(decoded.readOnlyURIs?.parameters.map(\.value) == ["read-only"])
        #expect(decoded.prefixDatabases?.items == ["names_a", "names_b"])
        #expect(decoded.status?.map(\.code) == [4001, 5002])
        #expect(decoded.data?["émoji"] == "😀")
    }

    @Test("unit models with every field set: exact bag and round trip")
    func unitRoundTrips() throws {
        let requirer = try Samples.requirerUnit.databag()
        #expect(requirer == Samples.requirerUnitBag)
        #expect(try RequirerUnitData(databag: requirer) == Samples.requirerUnit)
        let provider = try Samples.providerUnit.databag()
        #expect(provider == Samples.providerUnitBag)
        #expect(try ProviderUnitData(databag: provider) == Samples.providerUnit)
    }

    @Test("readers accept other JSON spellings of lists and objects")
    func lenientReading() throws {
        let bag: Databag = [
            "database": "d", "requested-secrets": #"["username","password"]"#,
            "entity-permissions": #"[ {"resource_type":"TABLE","resource_name":"items","privileges":[]} ]"#,
        ]
        let model = try RequirerAppData(databag: bag)
        #expect(model.requestedSecrets == ["username", "password"])
        #expect(model.entityPermissions == [EntityPermission(resourceName: "items", resourceType: "TABLE", privileges: [])])
        let unit = try RequirerUnitData(databag: ["data": #"{"b":"\u00e9","a":"x"}"#])
        #expect(unit.data == ["a": "x", "b": "é"])
    }

    @Test("JSON-in-string values written by Python with surrogate-pair escapes decode to the right characters")
    func pythonSurrogatePairs() throws {
        // json.dumps({"name": "\U0001F600 \U0002D800 \U0001D800"}) in CPython 3.
        let unit = try RequirerUnitData(databag: ["data": #"{"name": "\ud83d\ude00 \ud876\udc00 \ud836\udc00"}"#])
        #expect(unit.data?["name"].map { $0.unicodeScalars.map(\.value) } == [0x1F600, 0x20, 0x2D800, 0x20, 0x1D800])
    }

    @Test("a missing or empty required field is .missingField naming it")
    func missingRequired() throws {
        for bag: Databag in [[:], ["database": ""], ["alias": "x"]] {
            let error = #expect(throws: DatabagError.self) { try RequirerAppData(databag: bag) }
            #expect(error?.code == .missingField)
            #expect(error?.field == "database")
        }
    }

    @Test("empty values decode as absent optionals")
    func emptyIsAbsent() throws {
        let model = try ProviderAppData(databag: Databag(["tls": "", "version": "", "endpoints": ""]))
        #expect(model == ProviderAppData())
    }

    @Test("numbers are written as decimal text and read back")
    func numbers() throws {
        struct Numbers: Codable, Equatable {
            var relationId: Int
            var port: UInt16
            var ratio: Double
            var big: Int64
        }
        let value = Numbers(relationId: -7, port: 5432, ratio: 1.5, big: Int64.max)
        let bag = try DatabagEncoder().encode(value)
        #expect(bag.values == ["relation-id": "-7", "port": "5432", "ratio": "1.5", "big": "9223372036854775807"])
        #expect(try DatabagDecoder().decode(Numbers.self, from: bag) == value)
        var wrong = bag
        wrong["port"] = "65536"
        let error = #expect(throws: DatabagError.self) { try DatabagDecoder().decode(Numbers.self, from: wrong) }
        #expect(error?.field == "port")
        #expect(error?.code == .invalidValue)
    }

    struct BadValue: Sendable, CustomTestStringConvertible {
        var key: String
        var value: String
        var provider = true
        var testDescription: String { key }
    }

    /// Every value carries the marker `zq7`. Errors about sensitive fields (passwords, URIs, the
    /// `data` snapshot) must not repeat it; others may quote the value to help the operator.
    static let badValues: [BadValue] = [
        BadValue(key: "tls", value: "zq7"),
        BadValue(key: "subordinated", value: "yes-zq7"),
        BadValue(key: "status", value: #"[{"code": "zq7", "message": "m", "resolution": "r"}]"#),
        BadValue(key: "status", value: "zq7 not json"),
        BadValue(key: "data", value: #"{"a": "zq7", "b": 1}"#),
        BadValue(key: "endpoints", value: "zq7-host:0"),
        BadValue(key: "read-only-endpoints", value: "zq7-host"),
        BadValue(key: "secret-user", value: "secret:zq7"),
        BadValue(key: "uris", value: "postgresql://u:zq7@h:70000/db"),
        BadValue(key: "uris", value: "postgresql://relation_id_7:Pzq7@h:5432,/db"),
        BadValue(key: "read-only-uris", value: "postgresql://relation_id_7:Pzq7@[::1/db"),
        BadValue(key: "entity-type", value: "ROLE_zq7", provider: false),
        BadValue(key: "requested-secrets", value: "zq7,password", provider: false),
        BadValue(key: "requested-entity-secret", value: "zq7", provider: false),
    ]

    @Test("decode errors name the field and never contain the value of a sensitive field", arguments: badValues)
    func decodeErrorsHideValues(_ case_: BadValue) throws {
        var bag: Databag = ["database": "names_db"]
        bag[case_.key] = case_.value
        let error = #expect(throws: DatabagError.self) {
            if case_.provider { _ = try ProviderAppData(databag: bag) } else { _ = try RequirerAppData(databag: bag) }
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.field == case_.key)
        let text = error.map { String(describing: $0) } ?? ""
        #expect(text.hasPrefix(case_.key + ": "))
        if SensitiveFields.isSensitive(case_.key) {
            #expect(!text.contains("zq7"), "the error repeats a sensitive value: \(text)")
        }
    }
}
