/// Passwords as postgresql-k8s makes them: 16 characters drawn from ASCII letters and digits
/// with a cryptographically secure generator. Given a seed, the sequence is reproducible
/// (for tests only).
public struct PasswordGenerator: Sendable {
    public static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    public static let length = 16

    var state: UInt64?

    /// `seed == nil`: the system's CSPRNG.
    public init(seed: UInt64? = nil) {
        self.state = seed
    }

    public mutating func next() -> String {
        var result = ""
        result.reserveCapacity(Self.length)
        for _ in 0..<Self.length {
            result.append(Self.alphabet[pick(Self.alphabet.count)])
        }
        return result
    }

    /// An unbiased index below `bound`.
    mutating func pick(_ bound: Int) -> Int {
        if state == nil {
            var system = SystemRandomNumberGenerator()
            return Int.random(in: 0..<bound, using: &system)
        }
        // SplitMix64, with rejection sampling to stay unbiased.
        let limit = UInt64.max - UInt64.max % UInt64(bound)
        while true {
            state! &+= 0x9E37_79B9_7F4A_7C15
            var z = state!
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            if z < limit { return Int(z % UInt64(bound)) }
        }
    }
}
