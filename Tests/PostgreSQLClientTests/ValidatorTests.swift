import JujuJSON
import PostgreSQLClient
import Testing

/// `RULE-ID field` for every violation, in the validator's order.
func findings(_ bag: Databag, _ kind: BagKind) -> [String] {
    DatabagValidator().validate(bag, as: kind).map { "\($0.rule.id) \($0.field)" }
}

struct RuleCase: Sendable, CustomTestStringConvertible {
    var kind: BagKind
    var bag: Databag
    var expected: [String]
    var testDescription: String { "\(kind.rawValue) \(bag.sortedKeys.map { "\($0)=\(bag[$0]!.debugDescription)" }.joined(separator: " "))" }

    init(_ kind: BagKind, _ bag: Databag, _ expected: [String] = []) {
        self.kind = kind
        self.bag = bag
        self.expected = expected
    }
}

private let pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
private let uriOK = "postgresql://relation_id_7:Xq3vN8@postgresql-k8s-primary.dev.svc.cluster.local:5432/names_db"

@Suite("DatabagValidator")
struct ValidatorTests {
    // MARK: Negative cases: each breaks one rule (or the rules listed).

    static let negative: [RuleCase] = [
        // Every bag.
        RuleCase(.providerUnit, ["Read-Only-Endpoints": "x"], ["BAG-KEY-FORMAT Read-Only-Endpoints"]),
        RuleCase(.providerUnit, ["secret-": "x"], ["BAG-KEY-FORMAT secret-"]),
        RuleCase(.providerUnit, ["-state": "x", "state_": "y", "ä": "z", "a b": "w"], ["BAG-KEY-FORMAT -state", "BAG-KEY-FORMAT a b", "BAG-KEY-FORMAT state_", "BAG-KEY-FORMAT ä"]),
        RuleCase(.providerUnit, Databag(["": "x"]), ["BAG-KEY-FORMAT "]),
        RuleCase(.providerUnit, Databag(["Bad": ""]), ["BAG-KEY-FORMAT Bad"]),
        RuleCase(.providerUnit, Databag(["state": ""]), ["BAG-VALUE-EMPTY state"]),
        RuleCase(.requirerUnit, Databag(["alias": "", "ingress-address": ""]), ["BAG-VALUE-EMPTY alias", "BAG-VALUE-EMPTY ingress-address"]),
        // Requirer application bag.
        RuleCase(.requirerApp, ["requested-secrets": #"["username", "password"]"#], ["REQ-DATABASE-REQUIRED database"]),
        RuleCase(.requirerApp, [:], ["REQ-DATABASE-REQUIRED database"]),
        RuleCase(.requirerApp, ["database": String(repeating: "a", count: 64)], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": String(repeating: "é", count: 32)], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": "names\tdb"], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": "names\u{7F}"], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": "nam\nes*"], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": String(repeating: "p", count: 63) + "*"], ["REQ-DATABASE-NAME database"]),
        RuleCase(.requirerApp, ["database": "ab*"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": "app*db"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": "app**"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": "*"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": "a\t*"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": String(repeating: "x", count: 70) + "*y"], ["REQ-DATABASE-PREFIX database"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": "username,password"], ["REQ-REQUESTED-SECRETS-FORMAT requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", 7]"#], ["REQ-REQUESTED-SECRETS-FORMAT requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"{"username": true}"#], ["REQ-REQUESTED-SECRETS-FORMAT requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", "password", "tls_ca"]"#], ["REQ-REQUESTED-SECRETS-KEYS requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", "password", "username"]"#], ["REQ-REQUESTED-SECRETS-KEYS requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", "password", "TLS", "ab", "a--b"]"#], ["REQ-REQUESTED-SECRETS-KEYS requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", "tls-ca"]"#], ["REQ-REQUESTED-SECRETS-CREDENTIALS requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": "[]"], ["REQ-REQUESTED-SECRETS-CREDENTIALS requested-secrets"]),
        RuleCase(
            .requirerApp, ["database": "d", "requested-secrets": #"["user_name", "password"]"#],
            ["REQ-REQUESTED-SECRETS-CREDENTIALS requested-secrets", "REQ-REQUESTED-SECRETS-KEYS requested-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "provided-secrets": "mtls-cert"], ["REQ-PROVIDED-SECRETS-FORMAT provided-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "provided-secrets": #"["mtls_cert"]"#], ["REQ-PROVIDED-SECRETS-FORMAT provided-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "provided-secrets": "[1]"], ["REQ-PROVIDED-SECRETS-FORMAT provided-secrets"]),
        RuleCase(.requirerApp, ["database": "d", "external-node-connectivity": "True"], ["REQ-EXTERNAL-NODE-CONNECTIVITY external-node-connectivity"]),
        RuleCase(.requirerApp, ["database": "d", "external-node-connectivity": "yes"], ["REQ-EXTERNAL-NODE-CONNECTIVITY external-node-connectivity"]),
        RuleCase(.requirerApp, ["database": "d", "external-node-connectivity": "1"], ["REQ-EXTERNAL-NODE-CONNECTIVITY external-node-connectivity"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "admin, charmed_read"], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-group-roles": "admin,,superuser"], ["REQ-EXTRA-ROLES-FORMAT extra-group-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "admin;drop"], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "'admin'"], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "9lives"], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "admin,"], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "r" + String(repeating: "x", count: 63)], ["REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(
            .requirerApp, ["database": "d", "extra-user-roles": "a b", "extra-group-roles": "c;d"],
            ["REQ-EXTRA-ROLES-FORMAT extra-group-roles", "REQ-EXTRA-ROLES-FORMAT extra-user-roles"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "user"], ["REQ-ENTITY-TYPE entity-type"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "ROLE"], ["REQ-ENTITY-TYPE entity-type"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "USER "], ["REQ-ENTITY-TYPE entity-type"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "GROUP", "extra-user-roles": "admin"], ["REQ-ENTITY-ROLES-CONSISTENT entity-type"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "USER", "extra-group-roles": "admin"], ["REQ-ENTITY-ROLES-CONSISTENT entity-type"]),
        RuleCase(.requirerApp, ["database": "d", "entity-permissions": #"[{"resource_name": "items", "privileges": "SELECT"}]"#], ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(
            .requirerApp, ["database": "d", "entity-permissions": #"[{"resource_name": "items", "resource_type": "TABLE", "privileges": ["SELECT"], "grant": true}]"#],
            ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(
            .requirerApp, ["database": "d", "entity-permissions": #"{"resource_name": "items", "resource_type": "TABLE", "privileges": ["SELECT"]}"#],
            ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(
            .requirerApp, ["database": "d", "entity-permissions": #"[{"resource_name": 1, "resource_type": "TABLE", "privileges": []}]"#],
            ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(
            .requirerApp, ["database": "d", "entity-permissions": #"[{"resource_name": "t", "resource_type": "TABLE", "privileges": [1]}]"#],
            ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(.requirerApp, ["database": "d", "entity-permissions": "SELECT on items"], ["REQ-ENTITY-PERMISSIONS-FORMAT entity-permissions"]),
        RuleCase(.requirerApp, ["database": "d", "requested-entity-secret": "d2fjn1fmp25004or68b0"], ["REQ-ENTITY-SECRET-URI requested-entity-secret"]),
        RuleCase(.requirerApp, ["database": "d", "requested-entity-secret": "secret:D2FJN1FMP25004OR68B0"], ["REQ-ENTITY-SECRET-URI requested-entity-secret"]),
        RuleCase(.requirerApp, ["database": "names_db", "username": "relation_id_7"], ["REQ-PROVIDER-FIELD username"]),
        RuleCase(.requirerApp, ["database": "names_db", "tls": "maybe", "secret-user": "not a uri"], ["REQ-PROVIDER-FIELD secret-user", "REQ-PROVIDER-FIELD tls"]),
        // Requirer unit bag.
        RuleCase(.requirerUnit, ["data": #"{"version": 14}"#], ["REQU-DATA-SNAPSHOT data"]),
        RuleCase(.requirerUnit, ["data": #"{"data": "{}"}"#], ["REQU-DATA-SNAPSHOT data"]),
        RuleCase(.requirerUnit, ["data": "[]"], ["REQU-DATA-SNAPSHOT data"]),
        RuleCase(.requirerUnit, ["data": "not json"], ["REQU-DATA-SNAPSHOT data"]),
        RuleCase(.requirerUnit, ["data": #"{"a": "b", "a": "c"}"#], ["REQU-DATA-SNAPSHOT data"]),
        RuleCase(.requirerUnit, ["requested-secrets": "username"], ["REQ-REQUESTED-SECRETS-FORMAT requested-secrets"]),
        RuleCase(.requirerUnit, ["requested-secrets": #"["username"]"#], ["REQ-REQUESTED-SECRETS-CREDENTIALS requested-secrets"]),
        RuleCase(.requirerUnit, ["requested-secrets": #"["username", "password", "password"]"#], ["REQ-REQUESTED-SECRETS-KEYS requested-secrets"]),
        RuleCase(.requirerUnit, ["provided-secrets": #"["mtls_cert"]"#], ["REQ-PROVIDED-SECRETS-FORMAT provided-secrets"]),
        // Provider application bag.
        RuleCase(.providerApp, ["username": "relation_id_7", "database": "d", "endpoints": "h:5432"], ["PROV-CREDENTIALS-PAIR password"]),
        RuleCase(.providerApp, ["password": "Xq3vN8", "database": "d", "endpoints": "h:5432"], ["PROV-CREDENTIALS-PAIR username"]),
        RuleCase(
            .providerApp,
            ["secret-user": "secret:d2fjn1fmp25004or68b0", "username": "relation_id_7", "password": "Xq3vN8", "database": "d", "endpoints": "h:5432"],
            ["PROV-CREDENTIALS-EXCLUSIVE secret-user"]),
        RuleCase(
            .providerApp, ["secret-user": "secret:d2fjn1fmp25004or68b0", "password": "Xq3vN8", "database": "d", "endpoints": "h:5432"],
            ["PROV-CREDENTIALS-EXCLUSIVE secret-user", "PROV-CREDENTIALS-PAIR username"]),
        RuleCase(
            .providerApp, ["username": String(repeating: "u", count: 64), "password": "p", "database": "d", "endpoints": "h:5432"],
            ["PROV-USERNAME-FORMAT username"]),
        RuleCase(.providerApp, ["username": "relation\nid", "password": "p", "database": "d", "endpoints": "h:5432"], ["PROV-USERNAME-FORMAT username"]),
        RuleCase(.providerApp, ["secret-user": "secret:d2fjn1fmp25004or68b0", "endpoints": "h:5432"], ["PROV-DATABASE-REQUIRED database"]),
        RuleCase(.providerApp, ["username": "relation_id_7", "password": "p", "database": "d"], ["PROV-ENDPOINTS-REQUIRED endpoints"]),
        RuleCase(.providerApp, ["secret-user": "secret:d2fjn1fmp25004or68b0"], ["PROV-DATABASE-REQUIRED database", "PROV-ENDPOINTS-REQUIRED endpoints"]),
        RuleCase(.providerApp, ["database": "ab*"], ["PROV-DATABASE-NAME database"]),
        RuleCase(.providerApp, ["database": "a*b"], ["PROV-DATABASE-NAME database"]),
        RuleCase(.providerApp, ["database": String(repeating: "d", count: 64)], ["PROV-DATABASE-NAME database"]),
        RuleCase(.providerApp, ["database": "db\u{0}x"], ["PROV-DATABASE-NAME database"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.3:5432, 10.1.2.4:5432"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "fd00::5:5432"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.3"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "db:0"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "db:65536"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "db:+5"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "db:"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.300:5432"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "db_1:5432"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.3:5432,"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["endpoints": "unit-1:port"], ["PROV-ENDPOINTS-FORMAT endpoints"]),
        RuleCase(.providerApp, ["read-only-endpoints": "replicas.dev.svc.cluster.local"], ["PROV-READ-ONLY-ENDPOINTS-FORMAT read-only-endpoints"]),
        RuleCase(.providerApp, ["read-only-endpoints": "[::1]:5432,,[::2]:5432"], ["PROV-READ-ONLY-ENDPOINTS-FORMAT read-only-endpoints"]),
        RuleCase(.providerApp, ["uris": "mysql://u:p@h:3306/db"], ["PROV-URIS-FORMAT uris"]),
        RuleCase(.providerApp, ["uris": "postgresql://u:p@h:70000/db"], ["PROV-URIS-FORMAT uris"]),
        RuleCase(.providerApp, ["uris": "postgresql://u:p%zz@h/db"], ["PROV-URIS-FORMAT uris"]),
        RuleCase(.providerApp, ["uris": "postgresql://u:p@h/db name"], ["PROV-URIS-FORMAT uris"]),
        RuleCase(.providerApp, ["uris": "postgresql://u:%C3%28@h/db"], ["PROV-URIS-FORMAT uris"]),
        RuleCase(.providerApp, ["read-only-uris": "postgresql://relation_id_7:Xq3vN8@replicas:5432/names db"], ["PROV-READ-ONLY-URIS-FORMAT read-only-uris"]),
        RuleCase(.providerApp, ["tls": "yes"], ["PROV-TLS-FLAG tls"]),
        RuleCase(.providerApp, ["tls": "1"], ["PROV-TLS-FLAG tls"]),
        RuleCase(.providerApp, ["tls": "enabled"], ["PROV-TLS-FLAG tls"]),
        RuleCase(.providerApp, ["tls": "True", "tls-ca": "MIIBszCCAVmgAwIBAgIU"], ["PROV-TLS-CA-FORMAT tls-ca"]),
        RuleCase(.providerApp, ["tls-ca": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n"], ["PROV-TLS-CA-FORMAT tls-ca"]),
        RuleCase(.providerApp, ["tls-ca": "-----END CERTIFICATE-----\nMIIB\n-----BEGIN CERTIFICATE-----"], ["PROV-TLS-CA-FORMAT tls-ca"]),
        RuleCase(.providerApp, ["tls": "False", "tls-ca": pem], ["PROV-TLS-CA-WITHOUT-TLS tls-ca"]),
        RuleCase(.providerApp, ["tls": "FALSE", "tls-ca": pem], ["PROV-TLS-CA-WITHOUT-TLS tls-ca"]),
        RuleCase(.providerApp, ["tls": "false", "tls-ca": "garbage"], ["PROV-TLS-CA-FORMAT tls-ca", "PROV-TLS-CA-WITHOUT-TLS tls-ca"]),
        RuleCase(.providerApp, ["version": "v14.15"], ["PROV-VERSION-FORMAT version"]),
        RuleCase(.providerApp, ["version": "PostgreSQL 16.9"], ["PROV-VERSION-FORMAT version"]),
        RuleCase(.providerApp, ["version": "١٤.٢"], ["PROV-VERSION-FORMAT version"]),
        RuleCase(.providerApp, ["secret-tls": "secret:d2fjn1fmp25004or68b"], ["PROV-SECRET-URI secret-tls"]),
        RuleCase(.providerApp, ["secret-tls": "secret:d2fjn1fmp25004or68bz"], ["PROV-SECRET-URI secret-tls"]),
        RuleCase(.providerApp, ["secret-extra": "database.7.extra.secret"], ["PROV-SECRET-URI secret-extra"]),
        RuleCase(.providerApp, ["secret-users": "secret:d2fjn1fmp25004or68b0"], ["PROV-SECRET-GROUP secret-users"]),
        RuleCase(.providerApp, ["secret-password": "database.7.user.secret"], ["PROV-SECRET-GROUP secret-password", "PROV-SECRET-URI secret-password"]),
        RuleCase(.providerApp, ["prefix-databases": "names_a,,names_b"], ["PROV-PREFIX-DATABASES-FORMAT prefix-databases"]),
        RuleCase(.providerApp, ["prefix-databases": "names_*"], ["PROV-PREFIX-DATABASES-FORMAT prefix-databases"]),
        RuleCase(.providerApp, ["prefix-databases": "names_a,"], ["PROV-PREFIX-DATABASES-FORMAT prefix-databases"]),
        RuleCase(.providerApp, ["prefix-databases": "names_a," + String(repeating: "n", count: 64)], ["PROV-PREFIX-DATABASES-FORMAT prefix-databases"]),
        RuleCase(.providerApp, ["subordinated": "True"], ["PROV-SUBORDINATED-FLAG subordinated"]),
        RuleCase(.providerApp, ["subordinated": "false"], ["PROV-SUBORDINATED-FLAG subordinated"]),
        RuleCase(.providerApp, ["status": #"[{"code": "4001", "message": "m", "resolution": "r"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(
            .providerApp, ["status": #"[{"code": 1, "message": "a", "resolution": "b"}, {"code": 1, "message": "c", "resolution": "d"}]"#],
            ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"[{"code": 1, "message": "a", "resolution": "b", "extra": "x"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"[{"code": 1, "message": "a"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"[{"code": 1.0, "message": "a", "resolution": "b"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"[{"code": 4e3, "message": "a", "resolution": "b"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"[{"code": 1, "message": null, "resolution": "b"}]"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": #"{"code": 1, "message": "a", "resolution": "b"}"#], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": "4001"], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["status": "not json"], ["PROV-STATUS-FORMAT status"]),
        RuleCase(.providerApp, ["data": #"["database"]"#], ["PROV-DATA-SNAPSHOT data"]),
        RuleCase(.providerApp, ["data": #"{"database": "names_db", "data": "{}"}"#], ["PROV-DATA-SNAPSHOT data"]),
        RuleCase(.providerApp, ["data": #"{"database": 7}"#], ["PROV-DATA-SNAPSHOT data"]),
        RuleCase(.providerApp, ["entity-password": "Xq3vN8"], ["PROV-ENTITY-CREDENTIALS entity-password"]),
        RuleCase(.providerApp, ["requested-secrets": #"["username", "password"]"#], ["PROV-REQUIRER-FIELD requested-secrets"]),
        RuleCase(.providerApp, ["database": "names_db", "prefix-matching": "all", "entity-type": "nonsense"], ["PROV-REQUIRER-FIELD entity-type", "PROV-REQUIRER-FIELD prefix-matching"]),
    ]

    @Test("each invalid bag gets exactly the expected violations", arguments: negative)
    func negativeCases(_ case_: RuleCase) {
        #expect(findings(case_.bag, case_.kind) == case_.expected)
    }

    // MARK: Positive cases: valid for the rule they are next to, and for every other rule.

    static let positive: [RuleCase] = [
        RuleCase(.providerUnit, ["read-only-endpoints": "x", "a": "1", "0": "x", "a.b_c-d": "x", "state": "anything"]),
        RuleCase(.providerUnit, ["database": "ab*", "tls": "maybe", "requested-secrets": "x"]),
        RuleCase(.requirerUnit, ["username": "x", "database": "ab*", "egress-subnets": "10.0.0.1/32"]),
        RuleCase(.any, ["tls": "maybe"]),
        RuleCase(.requirerApp, ["database": "names_db"]),
        RuleCase(.requirerApp, ["database": "names_*"]),
        RuleCase(.requirerApp, ["database": "app*"]),
        RuleCase(.requirerApp, ["database": "e\u{301}x*"]),
        RuleCase(.requirerApp, ["database": String(repeating: "a", count: 63)]),
        RuleCase(.requirerApp, ["database": String(repeating: "é", count: 31) + "*"]),
        RuleCase(.requirerApp, ["database": "名前 with space"]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["username","password"]"#]),
        RuleCase(.requirerApp, ["database": "d", "requested-secrets": #"["password", "username", "tls-ca", "custom-field9"]"#]),
        RuleCase(.requirerApp, ["database": "d", "provided-secrets": #"["mtls-cert"]"#]),
        RuleCase(.requirerApp, ["database": "d", "provided-secrets": "[]"]),
        RuleCase(.requirerApp, ["database": "d", "external-node-connectivity": "true"]),
        RuleCase(.requirerApp, ["database": "d", "external-node-connectivity": "false"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "charmed_read,charmed_dml"]),
        RuleCase(.requirerApp, ["database": "d", "extra-user-roles": "_x-y9,R" + String(repeating: "x", count: 62)]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "GROUP", "extra-group-roles": "charmed_read"]),
        RuleCase(.requirerApp, ["database": "d", "entity-type": "USER", "extra-user-roles": "charmed_read"]),
        RuleCase(.requirerApp, ["database": "d", "entity-permissions": #"[{"resource_name": "items", "resource_type": "TABLE", "privileges": ["SELECT"]}]"#]),
        RuleCase(.requirerApp, ["database": "d", "entity-permissions": #"[{"privileges": [], "resource_type": "SCHEMA", "resource_name": "s"}]"#]),
        RuleCase(.requirerApp, ["database": "d", "entity-permissions": "[]"]),
        RuleCase(.requirerApp, ["database": "d", "requested-entity-secret": "secret:d2fjn1fmp25004or68b0"]),
        RuleCase(.requirerApp, ["database": "d", "requested-entity-secret": "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0"]),
        RuleCase(.requirerApp, ["database": "d", "secret-mtls": "anything", "prefix-matching": "anything at all", "alias": "a", "x.custom_key": "v"]),
        RuleCase(.requirerUnit, ["data": "{}"]),
        RuleCase(.requirerUnit, ["data": #"{"database": "names_db", "endpoints": "10.1.0.5:5432", "secret-user": "secret:d2fjn1fmp25004or68b0"}"#]),
        RuleCase(.requirerUnit, ["requested-secrets": #"["username", "password"]"#, "provided-secrets": #"["mtls-cert"]"#, "alias": "x"]),
        RuleCase(.providerApp, ["username": "relation_id_7", "password": "Xq3vN8", "database": "names_db", "endpoints": "10.1.2.3:5432"]),
        RuleCase(.providerApp, ["secret-user": "secret:d2fjn1fmp25004or68b0", "database": "names_db", "endpoints": "10.1.2.3:5432"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.3:5432"]),
        RuleCase(.providerApp, ["database": "names_db"]),
        RuleCase(.providerApp, ["database": "names_*"]),
        RuleCase(.providerApp, ["username": String(repeating: "u", count: 63), "password": "p", "database": "d", "endpoints": "h:1"]),
        RuleCase(.providerApp, ["endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432"]),
        RuleCase(.providerApp, ["endpoints": "10.1.2.3:5432,10.1.2.4:5432"]),
        RuleCase(.providerApp, ["endpoints": "[fd00::5]:5432"]),
        RuleCase(.providerApp, ["read-only-endpoints": "postgresql-k8s-replicas.dev.svc.cluster.local:5432"]),
        RuleCase(.providerApp, ["uris": uriOK]),
        RuleCase(.providerApp, ["uris": "postgres://u@h1:5432,[fd00::5]:5433/db?sslmode=require"]),
        RuleCase(.providerApp, ["read-only-uris": "postgresql://relation_id_7:Xq3vN8@postgresql-k8s-replicas.dev.svc.cluster.local:5432/names_db"]),
        RuleCase(.providerApp, ["tls": "True", "tls-ca": pem]),
        RuleCase(.providerApp, ["tls": "false"]),
        RuleCase(.providerApp, ["tls": "TRUE"]),
        RuleCase(.providerApp, ["tls-ca": pem + pem]),
        RuleCase(.providerApp, ["version": "14.15"]),
        RuleCase(.providerApp, ["version": "16.8.1"]),
        RuleCase(.providerApp, ["version": "9"]),
        RuleCase(.providerApp, ["secret-tls": "secret:d2fjn1fmp25004or68b0", "secret-entity": "secret:d2fjn1fmp25004or68b1", "secret-extra": "secret:d2fjn1fmp25004or68b2", "secret-mtls": "secret:d2fjn1fmp25004or68b3"]),
        RuleCase(.providerApp, ["secret-tls": "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0"]),
        RuleCase(.providerApp, ["prefix-databases": "names_a,names_b"]),
        RuleCase(.providerApp, ["prefix-databases": "names_a"]),
        RuleCase(.providerApp, ["subordinated": "true"]),
        RuleCase(.providerApp, ["status": #"[{"code": 4001, "message": "Database is being resized", "resolution": "Wait"}]"#]),
        RuleCase(.providerApp, ["status": #"[{"resolution": "r", "message": "m", "code": -0}, {"code": 5002, "message": "", "resolution": ""}]"#]),
        RuleCase(.providerApp, ["status": "[]"]),
        RuleCase(.providerApp, ["data": #"{"database": "names_db", "provided-secrets": "[\"mtls-cert\"]", "requested-secrets": "[\"username\", \"password\"]"}"#]),
        RuleCase(.providerApp, ["data": "{}"]),
        RuleCase(.providerApp, ["entity-name": "reporting"]),
        RuleCase(.providerApp, ["entity-name": "reporting", "entity-password": "Xq3vN8"]),
        RuleCase(.providerApp, ["replset": "rs0", "encryption-secret": "anything", "state": "x", "x.custom_key": "v"]),
    ]

    @Test("each valid bag has no violation", arguments: positive)
    func positiveCases(_ case_: RuleCase) {
        #expect(findings(case_.bag, case_.kind) == [])
    }

    @Test("every rule but BAG-VALUE-STRING has a negative case above")
    func everyRuleCovered() {
        let covered = Set(Self.negative.flatMap { $0.expected.map { String($0.prefix(while: { $0 != " " })) } })
        let all = Set(Rule.validationRules.map(\.id)).subtracting(["BAG-VALUE-STRING"])
        #expect(all.subtracting(covered).sorted() == [])
        #expect(covered.subtracting(all).sorted() == [])
    }

    @Test("an empty value is reported once and the key then counts as absent")
    func emptyCountsAsAbsent() {
        #expect(findings(Databag(["database": ""]), .requirerApp) == ["BAG-VALUE-EMPTY database", "REQ-DATABASE-REQUIRED database"])
        #expect(
            findings(Databag(["username": "relation_id_7", "password": "", "database": "d", "endpoints": "h:5432"]), .providerApp)
                == ["BAG-VALUE-EMPTY password", "PROV-CREDENTIALS-PAIR password"])
        #expect(findings(Databag(["tls": "", "tls-ca": pem]), .providerApp) == ["BAG-VALUE-EMPTY tls"])
        #expect(
            findings(Databag(["database": "d", "entity-type": "GROUP", "extra-user-roles": ""]), .requirerApp)
                == ["BAG-VALUE-EMPTY extra-user-roles"])
        #expect(
            findings(Databag(["secret-user": "secret:d2fjn1fmp25004or68b0", "database": "", "endpoints": ""]), .providerApp)
                == ["BAG-VALUE-EMPTY database", "PROV-DATABASE-REQUIRED database", "BAG-VALUE-EMPTY endpoints", "PROV-ENDPOINTS-REQUIRED endpoints"])
        // An empty requirer-only key in a provider bag is only BAG-VALUE-EMPTY.
        #expect(findings(Databag(["requested-secrets": ""]), .providerApp) == ["BAG-VALUE-EMPTY requested-secrets"])
    }

    @Test("foreign fields are reported once each and get no other check")
    func foreignFields() {
        var requirer = Databag(["database": "names_db"])
        for key in DatabagValidator.providerOnlyFields { requirer[key] = "!! not valid for anything !!" }
        let reqFindings = findings(requirer, .requirerApp)
        #expect(reqFindings == DatabagValidator.providerOnlyFields.sorted().map { "REQ-PROVIDER-FIELD \($0)" })
        #expect(reqFindings.count == 20)

        var provider = Databag()
        for key in DatabagValidator.requirerOnlyFields { provider[key] = "!! not valid for anything !!" }
        let provFindings = findings(provider, .providerApp)
        #expect(provFindings == DatabagValidator.requirerOnlyFields.sorted().map { "PROV-REQUIRER-FIELD \($0)" })
        #expect(provFindings.count == 9)

        #expect(DatabagValidator.requirerOnlyFields.isDisjoint(with: DatabagValidator.providerOnlyFields))
        #expect(!DatabagValidator.providerOnlyFields.contains("secret-mtls"))
    }

    @Test("results are ordered by field, then by rule id")
    func ordering() {
        let bag: Databag = [
            "version": "v1", "tls-ca": "nope", "tls": "yes", "secret-users": "label", "Bad": "x", "status": "[]",
            "username": "u",
        ]
        #expect(findings(bag, .providerApp) == [
            "BAG-KEY-FORMAT Bad",
            "PROV-DATABASE-REQUIRED database",
            "PROV-ENDPOINTS-REQUIRED endpoints",
            "PROV-CREDENTIALS-PAIR password",
            "PROV-SECRET-GROUP secret-users",
            "PROV-SECRET-URI secret-users",
            "PROV-TLS-FLAG tls",
            "PROV-TLS-CA-FORMAT tls-ca",
            "PROV-VERSION-FORMAT version",
        ])
    }

    @Test("a violation prints as `RULE-ID field: problem; expected ...`")
    func violationText() throws {
        let violations = DatabagValidator().validate(["tls": "yes"], as: .providerApp)
        let violation = try #require(violations.first)
        #expect(violations.count == 1)
        #expect(violation.rule == .provTLSFlag)
        #expect(violation.problem == #""yes" is not true or false"#)
        #expect(violation.description == #"PROV-TLS-FLAG tls: "yes" is not true or false; expected true or false in any letter case (postgresql-k8s writes True/False)"#)
        #expect(violation.located(under: "app/0/relation-info[0]/application-data").field == "app/0/relation-info[0]/application-data/tls")
        let missing = DatabagValidator().validate([:], as: .requirerApp)
        #expect(missing.map(\.description) == ["REQ-DATABASE-REQUIRED database: absent; expected the database name (or prefix) the requirer asks for"])
    }

    @Test("the rule catalogue: 40 unique ids, looked up by id, bag kind matching the prefix")
    func catalogue() {
        #expect(Rule.validationRules.count == 40)
        #expect(Set(Rule.validationRules.map(\.id)).count == 40)
        #expect(Rule.named("PROV-TLS-FLAG") == .provTLSFlag)
        #expect(Rule.named("BAG-VALUE-STRING")?.bag == .any)
        #expect(Rule.named("prov-tls-flag") == nil)
        #expect(Rule.named("NOPE") == nil)
        for rule in Rule.validationRules {
            let expectedBag: BagKind =
                rule.id.hasPrefix("BAG-") ? .any : rule.id.hasPrefix("REQU-") ? .requirerUnit
                : rule.id.hasPrefix("REQ-") ? .requirerApp : .providerApp
            #expect(rule.bag == expectedBag, "\(rule.id)")
            #expect(rule.id.allSatisfy { $0.isUppercase || $0 == "-" }, "\(rule.id)")
            #expect(rule.description == rule.id)
            #expect(!rule.summary.isEmpty)
        }
    }

    @Test("violations never quote a sensitive value")
    func sensitiveValuesNotQuoted() {
        let bag = Databag([
            "password": "zq7-password", "uris": "postgresql://u:zq7%zz@h/db", "read-only-uris": "postgresql://u:zq7@h:0/db",
            "tls-ca": "zq7 not a pem", "data": #"{"a": "zq7", "b": 1}"#, "entity-password": "zq7-entity",
        ])
        let violations = DatabagValidator().validate(bag, as: .providerApp)
        #expect(violations.map { "\($0.rule.id) \($0.field)" } == [
            "PROV-DATA-SNAPSHOT data", "PROV-DATABASE-REQUIRED database", "PROV-ENDPOINTS-REQUIRED endpoints",
            "PROV-ENTITY-CREDENTIALS entity-password", "PROV-READ-ONLY-URIS-FORMAT read-only-uris", "PROV-TLS-CA-FORMAT tls-ca",
            "PROV-URIS-FORMAT uris", "PROV-CREDENTIALS-PAIR username",
        ])
        for violation in violations {
            #expect(!violation.description.contains("zq7"), "\(violation)")
        }
    }

    @Test("bags written from models pass the validator")
    func modelBagsAreValid() throws {
        let juju3Requirer = try RequirerAppData(database: "names_db", requestedSecrets: SecretGroup.defaultRequestedSecrets, providedSecrets: ["mtls-cert"]).databag()
        #expect(findings(juju3Requirer, .requirerApp) == [])
        let juju3Provider = try ProviderAppData(
            database: "names_db", endpoints: EndpointList(parsing: "postgresql-k8s-primary.dev.svc.cluster.local:5432"),
            readOnlyEndpoints: EndpointList(parsing: "postgresql-k8s-replicas.dev.svc.cluster.local:5432"), version: "14.15",
            secretUser: SecretURI(parsing: "secret:d2fjn1fmp25004or68b0"), secretTLS: SecretURI(parsing: "secret:d2fjn1fmp25004or68b1"),
            data: juju3Requirer.values
        ).databag()
        #expect(findings(juju3Provider, .providerApp) == [])
        let juju29Provider = try ProviderAppData(
            database: "names_db", username: "relation_id_7", password: "Xq3vN8", endpoints: EndpointList(parsing: "10.1.2.3:5432"),
            uris: PostgresURI(parsing: "postgresql://relation_id_7:Xq3vN8@10.1.2.3:5432/names_db"), version: "16.9", tls: false,
            status: [RelationStatus(code: 4001, message: "m", resolution: "r")]
        ).databag()
        #expect(findings(juju29Provider, .providerApp) == [])
        let unit = try RequirerUnitData(data: juju3Provider.values.filter { $0.key != "data" }).databag()
        #expect(findings(unit, .requirerUnit) == [])
    }

    @Test("a provider model with subordinated == false writes a bag the validator accepts")
    func subordinatedFalse() throws {
        let bag = try ProviderAppData(subordinated: false).databag()
        #expect(bag["subordinated"] == nil)
        #expect(findings(bag, .providerApp) == [])
    }

    @Test("a truncated chain or an empty certificate block is not a PEM chain")
    func tlsCATruncated() {
        // Spec: every BEGIN CERTIFICATE is closed by an END CERTIFICATE, and no block is empty.
        #expect(findings(["tls-ca": pem + "-----BEGIN CERTIFICATE-----\ntruncated"], .providerApp) == ["PROV-TLS-CA-FORMAT tls-ca"])
        #expect(findings(["tls-ca": "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"], .providerApp) == ["PROV-TLS-CA-FORMAT tls-ca"])
    }

    @Test("a '*' hidden in a grapheme cluster is still a '*' for REQ-DATABASE-PREFIX and PROV-PREFIX-DATABASES-FORMAT")
    func starInGrapheme() {
        #expect(findings(["database": "abc*\u{301}"], .requirerApp) == ["REQ-DATABASE-PREFIX database"])
        #expect(findings(["database": "abc*\u{301}"], .providerApp) == ["PROV-DATABASE-NAME database"])
        #expect(findings(["prefix-databases": "names_a,abc*\u{FE0F}\u{20E3}"], .providerApp) == ["PROV-PREFIX-DATABASES-FORMAT prefix-databases"])
    }
}
