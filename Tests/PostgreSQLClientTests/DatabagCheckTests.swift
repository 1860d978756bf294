import JujuJSON
import PostgreSQLClient
import Testing

@Suite("DatabagCheck")
struct DatabagCheckTests {
    @Test(
        "side inference for application bags",
        arguments: [
            (["username": "u"], RelationSide.provider),
            (["endpoints": "h:1", "database": "d"], .provider),
            (["secret-user": "secret:d2fjn1fmp25004or68b0", "version": "14.15"], .provider),
            (["status": "[]"], .provider),
            (["subordinated": "true"], .provider),
            (["prefix-databases": "a,b"], .provider),
            (["requested-secrets": "[]"], .requirer),
            (["database": "d", "extra-user-roles": "r"], .requirer),
            (["entity-type": "USER"], .requirer),
            (["external-node-connectivity": "true"], .requirer),
            (["database": "d"], .requirer),
            (["database": "d", "alias": "x", "unknown": "y"], .requirer),
            (["data": "{}"], .provider),
            (["data": "{}", "unknown": "y"], .provider),
            (["database": "d", "data": "{}"], .requirer),
            (["username": "u", "requested-secrets": "[]"], nil),
            (["tls": "True", "entity-permissions": "[]"], nil),
            (["unknown": "y"], nil),
            ([:], nil),
        ] as [([String: String], RelationSide?)])
    func inferApp(values: [String: String], side: RelationSide?) {
        #expect(DatabagCheck.inferSide(Databag(values)) == side)
        #expect(DatabagCheck.inferSide(Databag(values), scope: .app) == side)
    }

    @Test(
        "side inference for unit bags",
        arguments: [
            (["state": "ready"], RelationSide.provider),
            (["state": "ready", "ingress-address": "10.0.0.1"], .provider),
            (["data": "{}"], .requirer),
            (["requested-secrets": "[]"], .requirer),
            (["provided-secrets": "[]"], .requirer),
            (["alias": "a"], .requirer),
            (["state": "ready", "data": "{}"], nil),
            (["ingress-address": "10.0.0.1", "private-address": "10.0.0.1"], nil),
            (["username": "u"], nil),
        ] as [([String: String], RelationSide?)])
    func inferUnit(values: [String: String], side: RelationSide?) {
        #expect(DatabagCheck.inferSide(Databag(values), scope: .unit) == side)
    }

    @Test("a single bag is checked as the inferred side, or as the side given")
    func singleBag() throws {
        let provider = try DatabagCheck().run(jsonText: #"{"username": "relation_id_7", "database": "d", "endpoints": "h:5432"}"#)
        #expect(provider.bagsChecked == 1)
        #expect(provider.relationsSkipped == 0)
        #expect(provider.violations.map { "\($0.rule.id) \($0.field)" } == ["PROV-CREDENTIALS-PAIR password"])
        #expect(provider.ruleIDs == ["PROV-CREDENTIALS-PAIR"])

        let requirer = try DatabagCheck().run(jsonText: #"{"database": "ab*"}"#)
        #expect(requirer.violations.map(\.rule) == [.reqDatabasePrefix])

        // The same bag, forced to the provider side.
        let forced = try DatabagCheck(side: .provider).run(jsonText: #"{"database": "ab*"}"#)
        #expect(forced.violations.map(\.rule) == [.provDatabaseName])

        let clean = try DatabagCheck().run(jsonText: #"{"database": "names_db"}"#)
        #expect(clean.violations.isEmpty)
        #expect(clean.bagsChecked == 1)
        #expect(clean.ruleIDs.isEmpty)
    }

    @Test("a bag whose side cannot be told needs --side", arguments: [#"{"username": "u", "requested-secrets": "[]"}"#, #"{"unknown": "x"}"#, "{}"])
    func ambiguous(text: String) throws {
        let error = #expect(throws: DatabagError.self) { try DatabagCheck().run(jsonText: text) }
        #expect(error?.code == .invalidValue)
        #expect(error?.reason.contains("pass --side provider or --side requirer") == true)
        let withSide = try DatabagCheck(side: .requirer).run(jsonText: text)
        #expect(withSide.bagsChecked == 1)
    }

    @Test("unit scope: requirer unit rules, provider unit rules, and ambiguity")
    func unitScope() throws {
        let requirer = try DatabagCheck(scope: .unit).run(jsonText: #"{"data": "{\"data\": \"{}\"}", "alias": "a"}"#)
        #expect(requirer.violations.map { "\($0.rule.id) \($0.field)" } == ["REQU-DATA-SNAPSHOT data"])
        let provider = try DatabagCheck(scope: .unit).run(jsonText: #"{"state": "ready", "database": "ab*", "Bad": "x"}"#)
        #expect(provider.violations.map { "\($0.rule.id) \($0.field)" } == ["BAG-KEY-FORMAT Bad"])
        #expect(throws: DatabagError.self) { try DatabagCheck(scope: .unit).run(jsonText: #"{"ingress-address": "10.0.0.1"}"#) }
        let forced = try DatabagCheck(side: .requirer, scope: .unit).run(jsonText: #"{"requested-secrets": "nope"}"#)
        #expect(forced.violations.map(\.rule) == [.reqRequestedSecretsFormat])
    }

    @Test(
        "input that is not a bag stops the check",
        arguments: [
            ("not json", DatabagError.Code.notJSON, nil as String?), ("", .notJSON, nil), ("[]", .notAnObject, nil),
            (#""x""#, .notAnObject, nil), (#"{"database": "d", "version": 14}"#, .valueNotString, "version"),
            (#"{"requested-secrets": ["username", "password"]}"#, .valueNotString, "requested-secrets"),
        ])
    func unusableInput(text: String, code: DatabagError.Code, field: String?) throws {
        let error = #expect(throws: DatabagError.self) { try DatabagCheck().run(jsonText: text) }
        #expect(error?.code == code)
        #expect(error?.field == field)
        if code == .valueNotString {
            #expect(error?.rule?.id == "BAG-VALUE-STRING")
            #expect(error?.description.hasPrefix("BAG-VALUE-STRING \(field!): ") == true)
        }
    }

    static let showUnit = #"""
        {
          "names/1": {"leader": false, "relation-info": []},
          "names/0": {
            "charm": "names",
            "leader": true,
            "relation-info": [
              {
                "relation-id": 3,
                "endpoint": "names-peers",
                "related-endpoint": "names-peers",
                "application-data": {"leader-key": "x", "Not_A_Good_Key": ""},
                "local-unit": {"in-scope": true, "data": {"Bad": ""}}
              },
              {
                "relation-id": 7,
                "endpoint": "database",
                "related-endpoint": "database",
                "application-data": {"username": "relation_id_7", "database": "names_db", "endpoints": "10.1.2.3:5432"},
                "related-units": {
                  "postgresql/1": {"in-scope": true, "data": {"ingress-address": "10.1.2.4", "Bad_Key": "x"}},
                  "postgresql/0": {"in-scope": true, "data": {"state": ""}}
                },
                "local-unit": {
                  "in-scope": true,
                  "data": {"data": "{\"data\": \"{}\"}", "requested-secrets": "[\"username\", \"password\"]"}
                }
              }
            ]
          }
        }
        """#

    @Test("juju show-unit documents: peer relations skipped, remote and local bags checked, field paths")
    func showUnitDocument() throws {
        let report = try DatabagCheck().run(jsonText: Self.showUnit)
        #expect(report.relationsSkipped == 1)
        #expect(report.bagsChecked == 4)
        #expect(report.violations.map { "\($0.rule.id) \($0.field)" } == [
            "PROV-CREDENTIALS-PAIR names/0/relation-info[1]/application-data/password",
            "BAG-VALUE-EMPTY names/0/relation-info[1]/related-units/postgresql/0/data/state",
            "BAG-KEY-FORMAT names/0/relation-info[1]/related-units/postgresql/1/data/Bad_Key",
            "REQU-DATA-SNAPSHOT names/0/relation-info[1]/local-unit/data/data",
        ])
    }

    @Test("show-unit: a requirer's application data, with the local provider unit")
    func showUnitRequirerRemote() throws {
        let text = #"""
            {"postgresql/0": {"relation-info": [{
              "endpoint": "database",
              "application-data": {"database": "ab*", "requested-secrets": "[\"username\"]"},
              "related-units": {"names/0": {"data": {"data": "[]"}}},
              "local-unit": {"data": {"state": "", "database": "ab*"}}
            }]}}
            """#
        let report = try DatabagCheck().run(jsonText: text)
        #expect(report.bagsChecked == 3)
        #expect(report.violations.map { "\($0.rule.id) \($0.field)" } == [
            "REQ-DATABASE-PREFIX postgresql/0/relation-info[0]/application-data/database",
            "REQ-REQUESTED-SECRETS-CREDENTIALS postgresql/0/relation-info[0]/application-data/requested-secrets",
            "REQU-DATA-SNAPSHOT postgresql/0/relation-info[0]/related-units/names/0/data/data",
            "BAG-VALUE-EMPTY postgresql/0/relation-info[0]/local-unit/data/state",
        ])
    }

    @Test("show-unit: application data with markers of both sides needs --side")
    func showUnitAmbiguous() throws {
        let text = #"{"names/0": {"relation-info": [{"application-data": {"username": "u", "requested-secrets": "[]"}}]}}"#
        let error = #expect(throws: DatabagError.self) { try DatabagCheck().run(jsonText: text) }
        #expect(error?.field == "names/0/relation-info[0]/application-data")
        let report = try DatabagCheck(side: .provider).run(jsonText: text)
        #expect(report.violations.map { "\($0.rule.id) \($0.field)" } == [
            "PROV-DATABASE-REQUIRED names/0/relation-info[0]/application-data/database",
            "PROV-ENDPOINTS-REQUIRED names/0/relation-info[0]/application-data/endpoints",
            "PROV-CREDENTIALS-PAIR names/0/relation-info[0]/application-data/password",
            "PROV-REQUIRER-FIELD names/0/relation-info[0]/application-data/requested-secrets",
        ])
    }

    @Test("show-unit: a non-string value names its full path and BAG-VALUE-STRING")
    func showUnitValueNotString() throws {
        let text = #"{"names/0": {"relation-info": [{"application-data": {"database": "d"}, "related-units": {"pg/0": {"data": {"state": true}}}}]}}"#
        let error = #expect(throws: DatabagError.self) { try DatabagCheck().run(jsonText: text) }
        #expect(error?.code == .valueNotString)
        #expect(error?.field == "names/0/relation-info[0]/related-units/pg/0/data/state")
        #expect(error?.rule == .bagValueString)
        let notList = #expect(throws: DatabagError.self) { try DatabagCheck().run(jsonText: #"{"names/0": {"relation-info": {}}}"#) }
        #expect(notList?.field == "names/0/relation-info")
    }

    @Test("RelationSide helpers")
    func relationSide() {
        #expect(RelationSide.provider.opposite == .requirer)
        #expect(RelationSide.requirer.opposite == .provider)
        #expect(RelationSide.provider.bagKind(.app) == .providerApp)
        #expect(RelationSide.provider.bagKind(.unit) == .providerUnit)
        #expect(RelationSide.requirer.bagKind(.app) == .requirerApp)
        #expect(RelationSide.requirer.bagKind(.unit) == .requirerUnit)
    }
}
