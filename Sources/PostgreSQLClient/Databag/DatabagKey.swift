/// Turns Swift property names into databag keys.
public enum DatabagKeyStrategy: Sendable, Hashable {
    /// Use coding keys as they are.
    case useDefaultKeys
    /// `readOnlyEndpoints` → `read-only-endpoints`, `tlsCA` → `tls-ca`; keys that are already
    /// kebab-case stay as they are.
    case convertToKebabCase

    public func databagKey(for codingKey: String) -> String {
        switch self {
        case .useDefaultKeys: return codingKey
        case .convertToKebabCase: return Self.kebabCase(codingKey)
        }
    }

    /// Splits at lower→upper and at the last capital of an acronym that is followed by lower case.
    static func kebabCase(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let isUpper = scalar.properties.isUppercase
            if isUpper, index > 0 {
                let previous = scalars[index - 1]
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                if previous.properties.isLowercase || previous.properties.numericType != nil
                    || (previous.properties.isUppercase && nextIsLower)
                {
                    out.append("-")
                }
            }
            if isUpper {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar == "_" ? "-" : scalar)
            }
        }
        return String(out)
    }
}
