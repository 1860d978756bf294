/// Why a value does not have the format a protocol field requires.
///
/// `problem` says what is wrong and `expected` what would be right; neither repeats a secret.
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public let problem: String
    public let expected: String

    public init(problem: String, expected: String) {
        self.problem = problem
        self.expected = expected
    }

    public var description: String { "\(problem); expected \(expected)" }
}

/// Quotes a non-secret value for a message, shortened to keep messages on one line.
func quoted(_ value: Substring, limit: Int = 60) -> String {
    var text = ""
    for scalar in value.unicodeScalars {
        if text.unicodeScalars.count >= limit {
            text += "…"
            break
        }
        switch scalar.value {
        case 0x20..<0x7F: text.unicodeScalars.append(scalar)
        case 0x7F, 0x00..<0x20: text += "\\u{\(String(scalar.value, radix: 16))}"
        default: text.unicodeScalars.append(scalar)
        }
    }
    return "\"\(text)\""
}

func quoted(_ value: String, limit: Int = 60) -> String { quoted(value[...], limit: limit) }

extension Unicode.Scalar {
    var isControl: Bool { value < 0x20 || value == 0x7F }
}
