/// Percent-decoding of request targets, after Go's `net/url`: paths as `url.PathUnescape`
/// (`+` stays `+`), query strings as `url.ParseQuery` (`+` is a space).
package enum URLDecoding {
    /// `text` with each `%XX` replaced by its byte, and `+` by a space when `plusIsSpace`;
    /// `nil` when a `%` is not followed by two hex digits. Bytes that are not UTF-8 become U+FFFD.
    package static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Go's `url.ParseQuery` as `Request.URL.Query()` uses it (errors dropped): pairs split on
    /// `&`, empty ones skipped, a pair containing `;` skipped (Go 1.17+), the name and value split
    /// at the first `=` (a missing `=` gives an empty value), both decoded with `+` as a space, a
    /// pair with a bad escape skipped. Repeated names are kept, in order.
    package static func parseQuery(_ query: Substring) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            if pair.contains(";") { continue }
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            guard let decodedName = percentDecode(name, plusIsSpace: true),
                  let decodedValue = percentDecode(value, plusIsSpace: true) else { continue }
            result.append((decodedName, decodedValue))
        }
        return result
    }

    /// The value of a hex digit.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
