import JujuJSON
import PostgreSQLClient
import Testing

@Suite("SecretURI and SecretKey")
struct SecretURITests {
    @Test("the short form secret:<xid>")
    func shortForm() throws {
        let uri = try SecretURI(parsing: "secret:d2fjn1fmp25004or68b0")
        #expect(uri.id == "d2fjn1fmp25004or68b0")
        #expect(uri.modelUUID == nil)
        #expect(uri.description == "secret:d2fjn1fmp25004or68b0")
        #expect(try SecretURI(parsing: "secret:0123456789abcdefghuv").id == "0123456789abcdefghuv")
    }

    @Test("the long form secret://<model uuid>/<xid>")
    func longForm() throws {
        let uri = try SecretURI(parsing: "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0")
        #expect(uri.modelUUID == "59060ecc-0495-4a80-8006-5f1fc13fd783")
        #expect(uri.id == "cjqub6vubg2s77p3nio0")
        #expect(uri.description == "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0")
        #expect(try SecretURI(parsing: uri.description) == uri)
        #expect(uri != (try SecretURI(parsing: "secret:cjqub6vubg2s77p3nio0")))
    }

    @Test(
        "malformed secret URIs are refused",
        arguments: [
            "secret:d2fjn1fmp25004or68b", "secret:d2fjn1fmp25004or68b00", "secret:d2fjn1fmp25004or68bz",
            "secret:D2FJN1FMP25004OR68B0", "d2fjn1fmp25004or68b0", "database.7.user.secret", "secret:", "",
            "Secret:d2fjn1fmp25004or68b0", " secret:d2fjn1fmp25004or68b0", "secret:d2fjn1fmp25004or68b0 ",
            "secret://59060ecc-0495-4a80-8006-5f1fc13fd783", "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/",
            "secret://59060ECC-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0",
            "secret://59060ecc04954a8080065f1fc13fd783/cjqub6vubg2s77p3nio0",
            "secret://59060ecc-0495-4a80-8006-5f1fc13fd783/cjqub6vubg2s77p3nio0/x",
            "secret://59060ecc-0495-4a80-8006-5f1fc13fd78g/cjqub6vubg2s77p3nio0",
            "secret:/cjqub6vubg2s77p3nio0",
        ])
    func rejects(_ text: String) throws {
        let error = #expect(throws: FormatError.self) { try SecretURI(parsing: text) }
        #expect(error?.expected == "secret:<20 characters of 0-9a-v> or secret://<model uuid>/<id>")
    }

    @Test("the error says which part is wrong")
    func problems() throws {
        let noScheme = #expect(throws: FormatError.self) { try SecretURI(parsing: "d2fjn1fmp25004or68b0") }
        #expect(noScheme?.problem == #""d2fjn1fmp25004or68b0" does not start with secret:"#)
        let short = #expect(throws: FormatError.self) { try SecretURI(parsing: "secret:abc") }
        #expect(short?.problem == #""secret:abc" is not a secret URI"#)
    }

    @Test("encodes as its string and decodes from it")
    func codable() throws {
        let uri = try SecretURI(parsing: "secret:d2fjn1fmp25004or68b0")
        #expect(try JSONValueEncoder().encode(uri) == .string("secret:d2fjn1fmp25004or68b0"))
        #expect(try JSONValueDecoder().decode(SecretURI.self, from: .string("secret:d2fjn1fmp25004or68b0")) == uri)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(SecretURI.self, from: .string("secret:x")) }
    }

    @Test(
        "valid secret keys match ^[a-z](-?[a-z0-9]){2,}$",
        arguments: ["tls", "username", "password", "tls-ca", "read-only-uris", "entity-password", "mtls-cert", "a1b", "x9-9", "abc-d-e", "a-b-c"])
    func validKeys(_ key: String) {
        #expect(SecretKey.isValid(key))
    }

    @Test(
        "invalid secret keys",
        arguments: [
            "ab", "a-b", "a--b", "abc-", "-abc", "Tls", "TLS", "tls_ca", "1abc", "", "a", "a b", "tls.ca", "abç", "a-", "ab-",
            "a--bc", "mtls_cert",
        ])
    func invalidKeys(_ key: String) {
        #expect(!SecretKey.isValid(key))
    }
}
