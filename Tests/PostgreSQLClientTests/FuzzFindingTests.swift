import JujuJSON
import PostgreSQLClient
import Testing

/// Inputs the fuzz targets found (Fuzz/findings/), kept as regression tests.
@Suite("Fuzz findings")
struct FuzzFindingTests {
    /// Fuzz/findings/uris-host-error-quotes-password/minimal.json: a `uris` without its '@'.
    static let bag = #"{"password": "uiyAPw0rdRxEG7Rjc0mNqn5Yl2GQjYVD", "uris": "postgresql://relation_id_9:uiyAPw0rdRxEG7Rjc0mNqn5Yl2GQjYVDB[fd42:1:2::10]:5432/names_db"}"#
    static let password = "uiyAPw0rdRxEG7Rjc0mNqn5Yl2GQjYVD"

    @Test("a uris with no '@' before the host: the violation names the field and the rule, never the password")
    func urisWithoutAt() throws {
        let bag = try Databag(json: Self.bag)
        let violations = DatabagValidator().validate(bag, as: .providerApp)
        let uris = violations.filter { $0.field == "uris" }
        #expect(uris.map(\.rule.id) == ["PROV-URIS-FORMAT"])
        for v in violations {
            #expect(!"\(v)".contains(Self.password))
            #expect(!String(reflecting: v).contains(Self.password))
        }
        do {
            _ = try ProviderAppData(databag: bag)
        } catch {
            #expect(!"\(error)".contains(Self.password))
            #expect(!String(reflecting: error).contains(Self.password))
        }
    }
}
