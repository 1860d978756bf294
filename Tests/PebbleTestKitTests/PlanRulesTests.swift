import Pebble
@testable import PebbleTestKit
import Testing

/// Pebble's layer rules (internals/plan/plan.go, internals/overlord/planstate/manager.go), as
/// Specs/pebble.md §4 states them.
@Suite("Plan rules")
struct PlanRulesTests {
    @Test func mergeOverwritesSetFieldsAppendsListsAndMergesMaps() throws {
        var plan = PlanManager()
        try plan.add(yaml: """
        summary: base
        services:
            svc:
                override: replace
                command: run --port=8000
                startup: enabled
                after: [db]
                environment: {A: "1", B: "2"}
            db:
                override: replace
                command: db
        """, label: "base", combine: false)
        try plan.add(yaml: """
        services:
            svc:
                override: merge
                command: run --port=8080
                after: [cache]
                environment: {B: "20", C: "30"}
            cache:
                override: replace
                command: cache
        """, label: "more", combine: false)
        let svc = try #require(plan.plan.services["svc"])
        #expect(svc.command == "run --port=8080")
        #expect(svc.startup == .enabled)
        #expect(svc.after == ["db", "cache"])
        #expect(svc.environment == ["A": "1", "B": "20", "C": "30"])
        #expect(plan.layers.map(\.label) == ["base", "more"])
        #expect(plan.layers.map(\.order) == [1000, 2000])
    }

    @Test func replaceDropsEverythingEarlier() throws {
        var plan = PlanManager()
        try plan.add(yaml: "services:\n    s:\n        override: replace\n        command: a\n        environment: {A: '1'}\n", label: "one", combine: false)
        try plan.add(yaml: "services:\n    s:\n        override: replace\n        command: b\n", label: "two", combine: false)
        #expect(plan.plan.services["s"] == Service(override: .replace, command: "b"))
    }

    @Test func combineMergesIntoTheLayerWithThatLabelAndKeepsItsOrder() throws {
        var plan = PlanManager()
        try plan.add(yaml: "summary: first\nservices:\n    s:\n        override: replace\n        command: a\n        environment: {X: '1'}\n",
                     label: "fastapi_demo", combine: true)
        try plan.add(yaml: "services:\n    t:\n        override: replace\n        command: t\n", label: "other", combine: true)
        try plan.add(yaml: "summary: second\nservices:\n    s:\n        override: merge\n        environment: {Y: '2'}\n",
                     label: "fastapi_demo", combine: true)
        #expect(plan.layers.map(\.label) == ["fastapi_demo", "other"])
        #expect(plan.layers[0].layer.summary == "second")
        #expect(plan.layers[0].layer.services["s"]?.environment == ["X": "1", "Y": "2"])
        #expect(plan.plan.services["s"]?.command == "a")
    }

    @Test func aLabelClashWithoutCombineIsRefusedAndNothingChanges() throws {
        var plan = PlanManager()
        try plan.add(yaml: "services:\n    s:\n        override: replace\n        command: a\n", label: "x", combine: false)
        let before = plan
        #expect(throws: PlanError(.labelExists, #"layer "x" already exists"#)) {
            try plan.add(yaml: "services:\n    s:\n        override: replace\n        command: b\n", label: "x", combine: false)
        }
        #expect(plan == before)
    }

    @Test(arguments: [
        ("services:\n    s:\n        command: a\n", #"layer "l" must define "override" for service "s""#, PlanError.Code.format),
        ("services:\n    s:\n        override: sideways\n        command: a\n", #"layer "l" has invalid "override" value for service "s""#, PlanError.Code.format),
        ("services:\n    s:\n        override: replace\n", #"plan must define "command" for service "s""#, PlanError.Code.format),
        ("services:\n    pebble:\n        override: replace\n        command: a\n", #"cannot use reserved service name "pebble""#, PlanError.Code.parse),
        ("services:\n    -s:\n        override: replace\n        command: a\n", #"cannot use service name "-s": starting with "-" not allowed"#, PlanError.Code.parse),
        ("services:\n    s:\n        override: replace\n        command: 'a \"unclosed'\n", #"plan service "s" command invalid: cannot parse service "s" command: EOF found when expecting closing quote"#, PlanError.Code.parse),
        ("services:\n    s:\n        override: replace\n        command: '[ x ]'\n", "cannot start command with [ ... ] group", PlanError.Code.parse),
        ("services:\n    s:\n        override: replace\n        command: a\n        on-success: success-shutdown\n", #"plan service "s" on-success action "success-shutdown" invalid"#, PlanError.Code.parse),
        ("services:\n    s:\n        override: replace\n        command: a\n        backoff-factor: 0.5\n", "backoff-factor must be 1.0 or greater, not 0.5", PlanError.Code.parse),
        ("services:\n    s:\n        override: replace\n        command: a\n        requires: [nope]\n", #"service "nope" does not exist"#, PlanError.Code.format),
        ("services:\n    a:\n        override: replace\n        command: a\n        after: [b]\n    b:\n        override: replace\n        command: b\n        after: [a]\n", "services in before/after loop: a, b", PlanError.Code.format),
        ("services:\n    s:\n        override: replace\n        command: a\n        foo: bar\n", "cannot parse layer \"l\" section \"services\": yaml: unmarshal errors:\n  line 4: field foo not found in type plan.Service", PlanError.Code.parse),
        ("workloads: {}\n", #"cannot parse layer "l": unknown section "workloads""#, PlanError.Code.parse),
        ("checks:\n    c:\n        override: replace\n", #"plan must specify one of "http", "tcp", or "exec" for check "c""#, PlanError.Code.format),
        ("checks:\n    c:\n        override: replace\n        level: sometimes\n        tcp: {port: 1}\n", #"plan check "c" level must be "alive" or "ready""#, PlanError.Code.parse),
        ("checks:\n    c:\n        override: replace\n        http: {}\n", #"plan must set "url" for http check "c""#, PlanError.Code.format),
        ("log-targets:\n    t:\n        override: replace\n        type: loki\n        location: x\n        services: [nope]\n", #"log target "t" specifies unknown service "nope""#, PlanError.Code.format),
    ])
    /// `.parse`: the layer alone is refused (the API says `cannot parse layer YAML: ...`);
    /// `.format`: it breaks a rule only once combined with the plan.
    func badLayersAreRefusedWithPebblesMessages(yaml: String, message: String, code: PlanError.Code) {
        var plan = PlanManager()
        do {
            try plan.add(yaml: yaml, label: "l", combine: false)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.code == code, "\(error.message)")
            #expect(error.message.contains(message), "\(error.message)")
        }
        #expect(plan.layers.isEmpty)
    }

    @Test func reservedLabelsAndInnerLayers() throws {
        var plan = PlanManager()
        #expect(throws: PlanError(.parse, #"cannot use reserved label prefix "pebble-""#)) {
            try plan.add(yaml: "summary: x\n", label: "pebble-x", combine: false)
        }
        try plan.add(yaml: "summary: a\n", label: "db/one", combine: false)
        try plan.add(yaml: "summary: b\n", label: "web", combine: false)
        // Inserting into the earlier sub-directory needs `inner`, and Pebble answers 500 without it.
        #expect(throws: PlanError(.other, "cannot insert sub-directory layer without 'inner' attribute set")) {
            try plan.add(yaml: "summary: c\n", label: "db/two", combine: false)
        }
        try plan.add(yaml: "summary: c\n", label: "db/two", combine: false, inner: true)
        #expect(plan.layers.map(\.label) == ["db/one", "db/two", "web"])
        #expect(plan.layers.map(\.order) == [1000, 1001, 2000])
    }

    @Test func checkThresholdDefaultShowsInThePlanOtherDefaultsDoNot() throws {
        var plan = PlanManager()
        try plan.add(yaml: "checks:\n    up:\n        override: replace\n        tcp: {port: 8000}\n", label: "l", combine: false)
        #expect(plan.plan.checks["up"]?.threshold == 3)
        #expect(plan.plan.checks["up"]?.period == nil)
        #expect(plan.plan.yamlText().contains("threshold: 3"))
        #expect(!plan.plan.yamlText().contains("period"))
    }

    @Test func startAndStopOrderFollowAfterBeforeAndRequires() throws {
        var plan = PlanManager()
        try plan.add(yaml: """
        services:
            web: {override: replace, command: web, requires: [db], after: [db]}
            db: {override: replace, command: db}
            worker: {override: replace, command: w, after: [web]}
            lone: {override: replace, command: l}
        """, label: "l", combine: false)
        #expect(try plan.plan.startOrder(["web"]) == [["db", "web"]])
        #expect(try plan.plan.startOrder(["worker", "web"]) == [["db", "web"], ["worker"]])
        #expect(try plan.plan.stopOrder(["db"]) == [["web", "db"]])
        #expect(try plan.plan.startOrder(["lone", "db"]) == [["db"], ["lone"]])
        #expect(throws: PlanError.self) { try plan.plan.startOrder(["nope"]) }
    }

    /// The lane walk's quirk: a new lane is the previous lane + 1, not the highest + 1
    /// (Specs/pebble.md §5.3).
    @Test func lanesCopyPebblesWalk() throws {
        var plan = PlanManager()
        try plan.add(yaml: """
        services:
            a: {override: replace, command: a}
            b: {override: replace, command: b}
            c: {override: replace, command: c, requires: [a]}
            d: {override: replace, command: d}
        """, label: "l", combine: false)
        #expect(try plan.plan.startOrder(["a", "b", "c", "d"]) == [["a", "c"], ["b", "d"]])
    }

    @Test(arguments: [
        ("a b c", ["a", "b", "c"]), ("a 'b c' d", ["a", "b c", "d"]), (#"a "b \" c""#, ["a", "b \" c"]), (#"a\ b"#, ["a b"]),
        ("a # comment", ["a"]), ("a#b", ["a#b"]), ("  a\tb\n", ["a", "b"]), (#"sh -c "echo $X""#, ["sh", "-c", "echo $X"]),
    ])
    func commandsSplitAsPebbleSplitsThem(text: String, words: [String]) throws {
        #expect(try ShellWords.split(text) == words)
    }

    @Test func commandsWithDefaultArguments() throws {
        let parsed = try ShellWords.parseCommand("app --x [ --verbose -n 2 ]", service: "s")
        #expect(parsed.base == ["app", "--x"])
        #expect(parsed.extra == ["--verbose", "-n", "2"])
        #expect(throws: ShellWords.SplitError.self) { try ShellWords.parseCommand("app [ a ] b", service: "s") }
    }
}

@Suite("Plan rules: error lines")
struct PlanErrorLineTests {
    /// Pebble decodes each section after writing it again, keeping flow collections in flow
    /// style, so a type error's line counts from the section's own text (Specs/pebble.md §4.1).
    @Test(arguments: [
        ("services:\n    s:\n        override: replace\n        command: [a, b]\n", "line 3: cannot unmarshal !!seq into string"),
        ("services:\n    s:\n        override: replace\n        command:\n            - a\n", "line 4: cannot unmarshal !!seq into string"),
        ("summary: x\n\n# a comment\nservices:\n    s: {override: replace, command: a, user-id: x}\n", "line 1: cannot unmarshal !!str `x` into int"),
    ])
    func linesCountFromTheSection(yaml: String, expected: String) {
        var plan = PlanManager()
        do {
            try plan.add(yaml: yaml, label: "l", combine: false)
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasSuffix(expected), "\(error.message)")
        }
    }
}
