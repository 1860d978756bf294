import Foundation
import JujuJSON
import PGClientCLI
import PostgreSQLClient
import Testing

@Suite("Fixtures/databags: pgclient check reports exactly the listed rules")
struct FixtureTests {
    @Test("each fixture gives its exit code and exactly its rule ids", arguments: DatabagFixture.all)
    func fixtureMatchesManifest(fixture: DatabagFixture) throws {
        let input = try Repository.bytes("Fixtures/databags/" + fixture.file)
        for json in [false, true] {
            let result = CheckRunner(side: fixture.side, scope: fixture.scope, json: json).run(input: input)
            #expect(result.exitCode == fixture.exit, "\(fixture.file) json=\(json): \(result.standardOutput)\(result.standardError)")
            #expect(result.ruleIDs == Set(fixture.rules), "\(fixture.file) json=\(json): \(result.standardOutput)\(result.standardError)")
        }
    }

    @Test("every fixture file is in the manifest, once, and every manifest entry exists")
    func manifestIsComplete() throws {
        var onDisk: [String] = []
        for folder in ["valid", "invalid"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Repository.url("Fixtures/databags/\(folder)").path)
            onDisk += names.map { "\(folder)/\($0)" }
        }
        let listed = DatabagFixture.all.map(\.file)
        #expect(Set(listed).count == listed.count, "a file is listed twice")
        #expect(Set(onDisk) == Set(listed))
        #expect(onDisk.count >= 40)
    }

    @Test("valid fixtures expect nothing; invalid ones expect something")
    func folderMatchesExpectation() {
        for fixture in DatabagFixture.all {
            if fixture.file.hasPrefix("valid/") {
                #expect(fixture.exit == 0 && fixture.rules.isEmpty, "\(fixture.file)")
            } else {
                #expect(fixture.exit != 0, "\(fixture.file)")
            }
        }
    }

    @Test("every rule has a fixture that triggers it")
    func everyRuleHasAFixture() {
        let covered = Set(DatabagFixture.all.flatMap(\.rules))
        let missing = Rule.validationRules.map(\.id).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "rules without a fixture: \(missing)")
        let unknown = covered.subtracting(Rule.validationRules.map(\.id))
        #expect(unknown.isEmpty, "fixtures name unknown rules: \(unknown)")
    }

    @Test("no password, URI or snapshot value from a fixture is ever printed", arguments: DatabagFixture.all)
    func outputNeverLeaksSecrets(fixture: DatabagFixture) throws {
        let input = try Repository.bytes("Fixtures/databags/" + fixture.file)
        let secrets = Self.sensitiveValues(in: (try? JSONParser().parse(bytes: input)) ?? .null)
        for json in [false, true] {
            for side in [fixture.side, .provider, .requirer] {
                let result = CheckRunner(side: side, scope: fixture.scope, json: json).run(input: input)
                let output = result.standardOutput + result.standardError
                for secret in secrets {
                    #expect(!output.contains(secret), "\(fixture.file) printed a sensitive value")
                }
            }
        }
    }

    /// Values of sensitive keys anywhere in a document, and passwords inside URIs and snapshots.
    static func sensitiveValues(in value: JSONValue) -> [String] {
        var found: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                for (key, member) in members {
                    if SensitiveFields.isSensitive(key), let text = member.stringValue, text.count >= 8 {
                        found.append(text)
                        if key == "data", let inner = try? JSONParser().parse(text) { walk(inner) }
                        if key.hasSuffix("uris"), let uri = try? PostgresURI(parsing: text), let password = uri.password {
                            found.append(password)
                        }
                    }
                    walk(member)
                }
            case .array(let elements):
                elements.forEach(walk)
            default:
                break
            }
        }
        walk(value)
        return found
    }
}

@Suite("Specs and code agree")
struct SpecsTests {
    @Test("every rule in the code is a ### heading of Specs/postgresql_client-v0.md, in order, and no other")
    func rulesMatchSpecs() throws {
        let text = try Repository.text("Specs/postgresql_client-v0.md")
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
        let ruleHeadings = headings.filter { heading in
            heading.range(of: #"^[A-Z]+(-[A-Z0-9]+)+$"#, options: .regularExpression) != nil
        }
        #expect(ruleHeadings == Rule.all.map(\.id))
    }

    @Test("the wire schemas in Specs/schemas are JSON Schemas of string values")
    func schemasAreWireSchemas() throws {
        for name in ["requirer-app", "provider-app", "requirer-unit", "provider-unit"] {
            let schema = try JSONParser().parse(Repository.text("Specs/schemas/\(name).schema.json"))
            #expect(schema["$schema"]?.stringValue?.contains("2020-12") == true, "\(name)")
            let properties = try #require(schema["properties"]?.objectValue, "\(name)")
            for (key, property) in properties where property["not"] == nil {
                #expect(property["type"]?.stringValue == "string", "\(name).\(key) is not a string on the wire")
            }
        }
    }

    @Test("rule ids are unique and well formed")
    func ruleIDs() {
        let ids = Rule.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in Rule.all {
            #expect(Rule.named(rule.id) == rule)
            #expect(rule.id.allSatisfy { $0.isUppercase || $0 == "-" || $0.isNumber })
            #expect(!rule.summary.isEmpty)
        }
    }
}
