import JujuJSON
import PostgreSQLClient
import Testing

@Suite("Models")
struct ModelTests {
    @Test("SecretGroup: field names, labels and the group each field travels in")
    func secretGroups() {
        #expect(SecretGroup.allCases.map(\.fieldName) == ["secret-user", "secret-tls", "secret-mtls", "secret-entity", "secret-extra"])
        #expect(SecretGroup.user.label(relationName: "database", relationID: 7) == "database.7.user.secret")
        #expect(SecretGroup.tls.label(relationName: "db", relationID: 12) == "db.12.tls.secret")
        let groups = ["username", "password", "uris", "read-only-uris", "tls", "tls-ca", "mtls-cert", "entity-name", "entity-password", "version", "custom-field"]
            .map { SecretGroup.group(for: $0) }
        #expect(groups == [.user, .user, .user, .user, .tls, .tls, .mtls, .entity, .entity, .extra, .extra])
        #expect(SecretGroup.defaultRequestedSecrets == ["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"])
        #expect(SecretGroup.defaultRequestedSecrets.allSatisfy(SecretKey.isValid))
    }

    @Test("ProviderAppData.secretURI(for:) returns the field of each group")
    func secretURIForGroup() throws {
        let model = Samples.providerApp
        #expect(model.secretURI(for: .user)?.description == "secret:d2fjn1fmp25004or68b0")
        #expect(model.secretURI(for: .tls)?.description == "secret:d2fjn1fmp25004or68b1")
        #expect(model.secretURI(for: .extra)?.description == "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0")
        #expect(model.secretURI(for: .entity)?.description == "secret:d2fjn1fmp25004or68b2")
        #expect(model.secretURI(for: .mtls)?.description == "secret:d2fjn1fmp25004or68b3")
        #expect(ProviderAppData().secretURI(for: .user) == nil)
    }

    @Test("RelationStatus categories by thousands", arguments: [(1000, "i"), (1999, "i"), (4001, "t"), (4999, "t"), (5002, "f"), (2000, "-"), (999, "-"), (6000, "-")])
    func statusCategories(code: Int, kind: String) {
        let status = RelationStatus(code: code, message: "m", resolution: "r")
        #expect(status.isInformational == (kind == "i"))
        #expect(status.isTransitory == (kind == "t"))
        #expect(status.isFatal == (kind == "f"))
    }

    @Test("RelationStatus decodes from the wire JSON and refuses a string code")
    func statusDecoding() throws {
        let list = try JSONValueDecoder().decode([RelationStatus].self, fromJSON: #"[{"code": 4001, "message": "m", "resolution": "r"}]"#)
        #expect(list == [RelationStatus(code: 4001, message: "m", resolution: "r")])
        #expect(throws: JSONError.self) {
            try JSONValueDecoder().decode([RelationStatus].self, fromJSON: #"[{"code": "4001", "message": "m", "resolution": "r"}]"#)
        }
    }

    @Test("ProviderUnitData.isReady only for state == \"ready\"", arguments: [("ready", true), ("Ready", false), ("waiting", false), (nil, false)] as [(String?, Bool)])
    func unitReady(state: String?, ready: Bool) {
        #expect(ProviderUnitData(state: state).isReady == ready)
    }

    @Test("RequirerAppData helpers: databaseRequest() and extraUserRoleList")
    func requirerHelpers() throws {
        #expect(try RequirerAppData(database: "names_*").databaseRequest() == .prefix("names_"))
        #expect(try RequirerAppData(database: "names_db").databaseRequest() == .name("names_db"))
        #expect(throws: FormatError.self) { try RequirerAppData(database: "ab*").databaseRequest() }
        #expect(RequirerAppData(database: "d", extraUserRoles: "a,b,c").extraUserRoleList == ["a", "b", "c"])
        #expect(RequirerAppData(database: "d").extraUserRoleList == [])
    }

    @Test("CommaSeparatedList keeps empty items when parsing and joins with commas")
    func commaSeparated() throws {
        #expect(CommaSeparatedList(parsing: "a,,b").items == ["a", "", "b"])
        #expect(CommaSeparatedList(parsing: "a,").items == ["a", ""])
        #expect(CommaSeparatedList(parsing: "").items == [""])
        let list: CommaSeparatedList = ["names_a", "names_b"]
        #expect(list.description == "names_a,names_b")
        #expect(try JSONValueEncoder().encode(list) == .string("names_a,names_b"))
        #expect(try JSONValueDecoder().decode(CommaSeparatedList.self, from: .string("x,y")) == ["x", "y"])
    }

    @Test("EntityType and EntityPermission wire spellings")
    func entity() throws {
        #expect(EntityType.allCases.map(\.rawValue) == ["USER", "GROUP"])
        #expect(EntityType(rawValue: "user") == nil)
        let permission = EntityPermission(resourceName: "items", resourceType: "TABLE", privileges: ["SELECT"])
        #expect(try JSONValueEncoder().encode(permission).serialized(style: .python) == #"{"privileges": ["SELECT"], "resource_name": "items", "resource_type": "TABLE"}"#)
        #expect(try JSONValueDecoder().decode(EntityPermission.self, fromJSON: #"{"resource_name": "items", "resource_type": "TABLE", "privileges": ["SELECT"]}"#) == permission)
    }
}
