import Testing
@testable import PostgreSQLClientPostgres
import PostgreSQLClientTestKit

@Suite struct SQLQuotingTests {
    @Test func quotesDoubleQuotes() throws {
        #expect(try SQLQuoting.quoteIdentifier(#"x"; DROP DATABASE postgres; --"#, what: "database") == #""x""; DROP DATABASE postgres; --""#)
    }

    @Test func refusesLongAndControlNames() {
        for name in ["", String(repeating: "a", count: 64), String(repeating: "é", count: 32), "a\0b", "a\nb", "a\u{7F}"] {
            #expect(throws: AllocationError.self) { try SQLQuoting.quoteIdentifier(name, what: "database") }
            do {
                _ = try SQLQuoting.quoteIdentifier(name, what: "database")
            } catch {
                #expect(error.code == .invalidName)
            }
        }
        #expect(throws: Never.self) { try SQLQuoting.quoteIdentifier(String(repeating: "a", count: 63), what: "database") }
    }

    @Test func escapesLiterals() {
        #expect(SQLQuoting.quoteLiteral(#"it's a \ test"#) == #"E'it''s a \\ test'"#)
        #expect(SQLQuoting.quoteLiteral("a\0b") == nil)
    }

    @Test func scramSecretMatchesReference() throws {
        // Python: hashlib.pbkdf2_hmac / hmac / sha256 over "pencil", salt 0x00...0x0f, 4096 rounds.
        let secret = try SCRAMVerifier.make(password: "pencil", salt: Array(0..<16), iterations: 4096)
        #expect(secret == "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$zHCdol2044/ZyWzPLi7oxApCkamKw9Z+E4U/QApd/5Y=:dd5peBOitVnLNFu7VmwP+HiDaaw4OUCv396eVCWhYiE=")
        #expect(SCRAMVerifier.canComputeClientSide("abc'\\\"") == true)
        #expect(SCRAMVerifier.canComputeClientSide("pässwörd") == false)
    }
}
