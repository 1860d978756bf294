import Crypto
import _CryptoExtras
import Foundation

/// The SCRAM-SHA-256 secret that PostgreSQL stores for a password (RFC 5802, RFC 7677), made on
/// the client so that the password itself is never sent in a statement:
///
///     SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
///
/// `CREATE ROLE ... PASSWORD '<secret>'` stores such a string as it is.
enum SCRAMVerifier {
    /// PostgreSQL's default `scram_iterations`.
    static let defaultIterations = 4096
    static let saltLength = 16

    /// Whether PostgreSQL's SASLprep leaves `password` unchanged, so that a secret computed over
    /// its raw UTF-8 bytes is the one the server would compute. True for ASCII without NUL:
    /// printable ASCII maps to itself, and a password with ASCII control characters is a
    /// "prohibited" SASLprep input, for which the server uses the raw bytes too. Other
    /// passwords go to the server as an escaped literal and it computes the secret.
    static func canComputeClientSide(_ password: String) -> Bool {
        password.utf8.allSatisfy { $0 != 0 && $0 < 0x80 }
    }

    static func make(password: String, iterations: Int = defaultIterations) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return try make(password: password, salt: salt, iterations: iterations)
    }

    static func make(password: String, salt: [UInt8], iterations: Int) throws -> String {
        let salted = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: iterations
        )
        let clientKey = HMAC<SHA256>.authenticationCode(for: Array("Client Key".utf8), using: salted)
        let storedKey = SHA256.hash(data: Array(clientKey))
        let serverKey = HMAC<SHA256>.authenticationCode(for: Array("Server Key".utf8), using: salted)
        return "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }
}
