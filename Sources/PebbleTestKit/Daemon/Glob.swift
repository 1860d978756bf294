/// Go's `path.Match` glob: `*`, `?`, `[...]` classes (with `^` negation and ranges), `\` escapes;
/// `nil` for a malformed pattern.
enum Glob {
    static func match(_ pattern: String, _ name: String) -> Bool? {
        let p = Array(pattern.unicodeScalars)
        let n = Array(name.unicodeScalars)
        // Validate the pattern first, as Go reports a bad pattern even when a prefix matched.
        guard validate(p) else { return nil }
        return matchFrom(p, 0, n, 0)
    }

    private static func validate(_ p: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < p.count {
            if p[i] == "\\" {
                i += 1
                if i >= p.count { return false }
            } else if p[i] == "[" {
                i += 1
                if i < p.count, p[i] == "^" { i += 1 }
                var first = true
                while i < p.count, p[i] != "]" || first {
                    first = false
                    if p[i] == "\\" { i += 1 }
                    if i >= p.count { return false }
                    i += 1
                    if i < p.count, p[i] == "-" {
                        i += 1
                        if i >= p.count || p[i] == "]" { return false }
                        if p[i] == "\\" { i += 1; if i >= p.count { return false } }
                        i += 1
                    }
                }
                if i >= p.count { return false }
            }
            i += 1
        }
        return true
    }

    private static func matchFrom(_ p: [Unicode.Scalar], _ pi: Int, _ n: [Unicode.Scalar], _ ni: Int) -> Bool {
        var pi = pi
        var ni = ni
        while pi < p.count {
            switch p[pi] {
            case "*":
                // `*` does not cross `/`.
                var k = ni
                while true {
                    if matchFrom(p, pi + 1, n, k) { return true }
                    if k >= n.count || n[k] == "/" { return false }
                    k += 1
                }
            case "?":
                guard ni < n.count, n[ni] != "/" else { return false }
                pi += 1
                ni += 1
            case "[":
                guard ni < n.count, n[ni] != "/" else { return false }
                var i = pi + 1
                var negate = false
                if i < p.count, p[i] == "^" { negate = true; i += 1 }
                var matched = false
                var first = true
                while i < p.count, p[i] != "]" || first {
                    first = false
                    var lo = p[i]
                    if lo == "\\" { i += 1; lo = p[i] }
                    i += 1
                    var hi = lo
                    if i + 1 < p.count, p[i] == "-", p[i + 1] != "]" {
                        i += 1
                        hi = p[i]
                        if hi == "\\" { i += 1; hi = p[i] }
                        i += 1
                    }
                    if lo.value <= n[ni].value && n[ni].value <= hi.value { matched = true }
                }
                if matched == negate { return false }
                pi = i + 1
                ni += 1
            case "\\":
                pi += 1
                guard ni < n.count, n[ni] == p[pi] else { return false }
                pi += 1
                ni += 1
            default:
                guard ni < n.count, n[ni] == p[pi] else { return false }
                pi += 1
                ni += 1
            }
        }
        return ni == n.count
    }
}
