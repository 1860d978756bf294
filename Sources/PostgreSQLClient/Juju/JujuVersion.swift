/// A Juju version as `JUJU_VERSION` gives it: `3.6.4`, `2.9.49`, `3.0-beta2`, `2.9.49.1`.
///
/// The protocol uses it for one decision: whether Juju has secrets (3.0.3 and later, as ops
/// decides it), which moves credentials from the databag into Juju secrets.
public struct JujuVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    /// A pre-release tag such as `beta` (in `3.0-beta2`); `nil` for releases.
    public let tag: String?
    public let build: Int

    public init(major: Int, minor: Int, patch: Int = 0, tag: String? = nil, build: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.tag = tag
        self.build = build
    }

    /// Parses `major.minor[.patch|-tagpatch][.build]`.
    public init(parsing text: String) throws(FormatError) {
        let expected = "a Juju version such as 3.6.4, 2.9.49 or 3.0-beta2"
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 9, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(s)
        }
        var rest = Substring(text)
        var tag: String?
        var patchText: Substring?
        if let dash = rest.firstIndex(of: "-") {
            let tail = rest[rest.index(after: dash)...]
            let letters = tail.prefix { $0 >= "a" && $0 <= "z" }
            guard !letters.isEmpty else { throw FormatError(problem: "version \(quoted(text)) has a bad tag", expected: expected) }
            tag = String(letters)
            let afterTag = tail.dropFirst(letters.count)
            let parts = afterTag.split(separator: ".", omittingEmptySubsequences: false)
            patchText = parts.first
            if parts.count > 2 { throw FormatError(problem: "version \(quoted(text)) has too many parts", expected: expected) }
            rest = rest[..<dash]
            let head = rest.split(separator: ".", omittingEmptySubsequences: false)
            guard head.count == 2, let major = number(head[0]), let minor = number(head[1]),
                let patch = patchText.flatMap(number)
            else { throw FormatError(problem: "version \(quoted(text)) is malformed", expected: expected) }
            let build = parts.count == 2 ? number(parts[1]) : 0
            guard let build else { throw FormatError(problem: "version \(quoted(text)) is malformed", expected: expected) }
            self.init(major: major, minor: minor, patch: patch, tag: tag, build: build)
            return
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...4).contains(parts.count), let major = number(parts[0]), let minor = number(parts[1]) else {
            throw FormatError(problem: "version \(quoted(text)) is malformed", expected: expected)
        }
        let patch = parts.count > 2 ? number(parts[2]) : 0
        let build = parts.count > 3 ? number(parts[3]) : 0
        guard let patch, let build else { throw FormatError(problem: "version \(quoted(text)) is malformed", expected: expected) }
        self.init(major: major, minor: minor, patch: patch, tag: nil, build: build)
    }

    /// Juju secrets exist from 3.0.3 on.
    public var hasSecrets: Bool { self >= JujuVersion(major: 3, minor: 0, patch: 3) }

    public var description: String {
        var text = "\(major).\(minor)"
        if let tag { text += "-\(tag)\(patch)" } else { text += ".\(patch)" }
        if build > 0 { text += ".\(build)" }
        return text
    }

    /// A tagged (pre-release) version comes before the release with the same numbers.
    public static func < (lhs: JujuVersion, rhs: JujuVersion) -> Bool {
        if (lhs.major, lhs.minor) != (rhs.major, rhs.minor) { return (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }
        switch (lhs.tag, rhs.tag) {
        case (nil, .some): return false
        case (.some, nil): return true
        case (.some(let a), .some(let b)) where a != b: return a < b
        default: break
        }
        return (lhs.patch, lhs.build) < (rhs.patch, rhs.build)
    }
}
