import JujuHookTools
import PostgreSQLClient
import Testing

@Suite("Hook environment")
struct HookEnvironmentTests {
    let base = [
        "JUJU_UNIT_NAME": "demo-api-charm/0", "JUJU_VERSION": "3.6.4",
        "JUJU_DISPATCH_PATH": "hooks/database-relation-changed", "JUJU_RELATION": "database",
        "JUJU_RELATION_ID": "database:7", "JUJU_REMOTE_APP": "postgresql-k8s", "JUJU_REMOTE_UNIT": "postgresql-k8s/0",
        "JUJU_MODEL_NAME": "tutorial",
    ]

    @Test("a relation hook's environment is read in full")
    func relationHook() throws {
        let env = try HookEnvironment(base)
        #expect(env.hookName == "database-relation-changed")
        #expect(env.unitName == "demo-api-charm/0")
        #expect(env.appName == "demo-api-charm")
        #expect(env.relationName == "database")
        #expect(env.relationID == 7)
        #expect(env.remoteApp == "postgresql-k8s")
        #expect(env.remoteUnit == "postgresql-k8s/0")
        #expect(env.version == JujuVersion(major: 3, minor: 6, patch: 4))
        #expect(env.modelName == "tutorial")
        #expect(env.secretID == nil)
    }

    @Test("JUJU_HOOK_NAME wins over the dispatch path")
    func hookNameVariable() throws {
        var vars = base
        vars["JUJU_HOOK_NAME"] = "secret-changed"
        #expect(try HookEnvironment(vars).hookName == "secret-changed")
    }

    @Test("a missing or malformed variable is named", arguments: [
        ("JUJU_UNIT_NAME", nil as String?),
        ("JUJU_UNIT_NAME", "demo-api-charm"),
        ("JUJU_UNIT_NAME", "demo-api-charm/x"),
        ("JUJU_VERSION", nil),
        ("JUJU_VERSION", "three"),
        ("JUJU_RELATION_ID", "database:seven"),
        ("JUJU_DISPATCH_PATH", nil),
    ])
    func badVariable(variable: String, value: String?) throws {
        var vars = base
        vars[variable] = value
        do {
            _ = try HookEnvironment(vars)
            Issue.record("accepted \(variable)=\(value ?? "<unset>")")
        } catch {
            #expect(error.variable == variable)
            #expect(error.description.hasPrefix(variable))
        }
    }
}

@Suite("Juju versions")
struct JujuVersionTests {
    @Test("secrets exist from 3.0.3, as ops decides it", arguments: [
        ("2.9.49", false), ("2.9.49.1", false), ("3.0.2", false), ("3.0-beta2", false), ("3.0.3", true),
        ("3.1.6", true), ("3.6.4", true), ("4.0-beta1", true), ("3.0", false),
    ])
    func hasSecrets(text: String, expected: Bool) throws {
        #expect(try JujuVersion(parsing: text).hasSecrets == expected)
    }

    @Test("parsing and printing round-trip", arguments: ["2.9.49", "3.6.4", "3.0-beta2", "2.9.49.1", "4.0-rc1"])
    func roundTrip(text: String) throws {
        #expect(try JujuVersion(parsing: text).description == text)
    }

    @Test("a pre-release sorts before its release")
    func ordering() throws {
        #expect(try JujuVersion(parsing: "3.0-beta2") < JujuVersion(parsing: "3.0.0"))
        #expect(try JujuVersion(parsing: "2.9.49") < JujuVersion(parsing: "3.0.3"))
        #expect(try JujuVersion(parsing: "3.6.4") > JujuVersion(parsing: "3.6.3.9"))
    }

    @Test("malformed versions are refused", arguments: ["", "3", "3.x.1", "3.0-", "3.0-beta", "a.b.c", "3.0.0.0.0", "-3.0"])
    func malformed(text: String) {
        #expect(throws: FormatError.self) { try JujuVersion(parsing: text) }
    }
}
