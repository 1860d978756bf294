/// Percent-encoding for request targets, without Foundation.
public enum URLEncoding {
    /// `application/x-www-form-urlencoded`, as Python's `urllib.parse.urlencode` writes it (ops
    /// builds its queries that way): letters, digits and `_.-~` stay, a space becomes `+`,
    /// everything else is `%XX` of its UTF-8 bytes.
    public static func formEncode(_ text: String) -> String {
        encode(text, spaceAsPlus: true, keep: "_.-~")
    }

    /// A path segment: as ``formEncode(_:)`` but a space is `%20`.
    public static func pathEncode(_ text: String) -> String {
        encode(text, spaceAsPlus: false, keep: "_.-~")
    }

    /// Decodes `%XX` and, when `plusAsSpace`, `+`; `nil` for a malformed escape.
    public static func decode(_ text: String, plusAsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(), let hi = hex(h), let lo = hex(l) else { return nil }
                bytes.append(hi << 4 | lo)
            } else if b == UInt8(ascii: "+"), plusAsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func encode(_ text: String, spaceAsPlus: Bool, keep: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        let kept = Set(keep.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || kept.contains(b) {
                out.append(b)
            } else if b == UInt8(ascii: " "), spaceAsPlus {
                out.append(UInt8(ascii: "+"))
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
