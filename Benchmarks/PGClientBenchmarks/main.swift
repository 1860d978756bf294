// Benchmarks for swift-postgresql-client. Not a test: run with
//   swift run -c release PGClientBenchmarks [iterations]
// Prints times measured side by side in one run, and their ratio.
import Foundation
import JujuJSON
import PostgreSQLClientTestKit

/// A provider application bag as postgresql-k8s writes it under Juju 2.9 (plaintext), ~500 bytes.
let providerBag = #"""
{"data": "{\"database\": \"names_db\", \"extra-user-roles\": \"CREATEDB\"}", "database": "names_db", "endpoints": "postgresql-k8s-primary.tutorial.svc.cluster.local:5432", "password": "x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu", "read-only-endpoints": "postgresql-k8s-replicas.tutorial.svc.cluster.local:5432", "tls": "False", "uris": "postgresql://relation_id_7:x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu@postgresql-k8s-primary.tutorial.svc.cluster.local:5432/names_db", "username": "relation_id_7", "version": "14.15"}
"""#

func measure(_ label: String, iterations: Int, _ body: () throws -> Int) rethrows -> Double {
    var sink = 0
    for _ in 0..<max(iterations / 10, 100) { sink &+= try body() }  // warm-up
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        for _ in 0..<iterations { sink &+= try body() }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let perCall = seconds / Double(iterations) * 1e9
    print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.0f", perCall)) ns/parse  (checksum \(sink % 997))")
    return perCall
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "fake-provider" {
    // swift run -c release PGClientBenchmarks fake-provider
    print("Allocating relations on the in-memory fake postgresql-k8s (request → credentials written), one run each")
    for mode in [SecretsMode.plaintext, .secrets] {
        for n in [100, 1_000, 10_000] {
            let (seconds, per) = await FakeProviderBenchmark.run(relations: n, mode: mode)
            print(String(format: "  %-9@ %6d relations: %7.3f s, %6.1f µs per relation", mode.rawValue as NSString, n, seconds, per * 1e6))
        }
    }
    exit(0)
}
let iterations = arguments.first.flatMap { Int($0) } ?? 50_000
let bytes = Array(providerBag.utf8)
let data = Data(bytes)
let parser = JSONParser()
let decoder = JSONDecoder()

print("Parsing a \(bytes.count)-byte provider databag into [String: String], \(iterations) iterations each")
var jsonc: [Double] = []
var foundation: [Double] = []
for round in 1...3 {
    print("round \(round)")
    jsonc.append(try measure("json-c (JujuJSON.JSONParser)", iterations: iterations) {
        try parser.parseStringDictionary(bytes: bytes).count
    })
    foundation.append(try measure("Foundation JSONDecoder", iterations: iterations) {
        try decoder.decode([String: String].self, from: data).count
    })
}
let bestJSONC = jsonc.min()!
let bestFoundation = foundation.min()!
print(String(format: "best of 3: json-c %.0f ns, JSONDecoder %.0f ns, ratio %.2fx in favour of json-c", bestJSONC, bestFoundation, bestFoundation / bestJSONC))
