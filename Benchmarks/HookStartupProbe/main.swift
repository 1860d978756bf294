// A hook-shaped process that links only the runtime modules (JujuJSON, PostgreSQLClient,
// JujuHookTools): it reads a provider databag from standard input, validates it and decodes it,
// as a requirer's relation-changed hook would. scripts/check-runtime-footprint.sh checks that
// it does not load Foundation and times its cold start. Not a test.
import JujuHookTools
import JujuJSON
import PostgreSQLClient

var input: [UInt8] = []
while let line = readLine(strippingNewline: false) {
    input.append(contentsOf: line.utf8)
}
do {
    let bag = try Databag(jsonValue: JSONParser().parse(bytes: input))
    let violations = DatabagValidator().validate(bag, as: .providerApp)
    let answer = try ProviderAppData(databag: bag)
    print("violations: \(violations.count), endpoints: \(answer.endpoints?.description ?? "-")")
} catch {
    print("error: \(error)")
}
