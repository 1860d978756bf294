/// Command-line parsing in the manner of Juju's `gnuflag`: `-r 7`, `-r=7`, `--relation 7`,
/// `--app`, `--app=true`, `--application=False`; flags may follow positionals; `--` ends flags.
struct Arguments {
    /// Flag name (without dashes) → values, in order.
    var values: [String: [String]] = [:]
    var bools: [String: Bool] = [:]
    var positionals: [String] = []

    /// `valued` and `boolean` list every accepted spelling (e.g. `["r", "relation"]`); each
    /// entry's first spelling is the canonical name results are stored under.
    init(_ argv: [String], valued: [[String]] = [], boolean: [[String]] = []) throws(ToolFailure) {
        var canonicalValued: [String: String] = [:]
        for names in valued { for name in names { canonicalValued[name] = names[0] } }
        var canonicalBool: [String: String] = [:]
        for names in boolean { for name in names { canonicalBool[name] = names[0] } }

        var index = 0
        while index < argv.count {
            let arg = argv[index]
            index += 1
            if arg == "--" {
                positionals.append(contentsOf: argv[index...])
                break
            }
            guard arg.hasPrefix("-"), arg != "-", arg.count > 1 else {
                positionals.append(arg)
                continue
            }
            let dashes = arg.hasPrefix("--") ? 2 : 1
            let body = String(arg.dropFirst(dashes))
            var name = body
            var inline: String?
            if let eq = body.firstIndex(of: "=") {
                name = String(body[..<eq])
                inline = String(body[body.index(after: eq)...])
            }
            if let canonical = canonicalBool[name] {
                if let inline {
                    switch inline {
                    case "1", "t", "T", "true", "TRUE", "True": bools[canonical] = true
                    case "0", "f", "F", "false", "FALSE", "False": bools[canonical] = false
                    default:
                        throw ToolFailure("invalid value \"\(inline)\" for flag \(arg.prefix(dashes))\(name): parse error", code: 2)
                    }
                } else {
                    bools[canonical] = true
                }
            } else if let canonical = canonicalValued[name] {
                if let inline {
                    values[canonical, default: []].append(inline)
                } else {
                    guard index < argv.count else {
                        throw ToolFailure("flag needs an argument: \(arg)", code: 2)
                    }
                    values[canonical, default: []].append(argv[index])
                    index += 1
                }
            } else {
                throw ToolFailure("flag provided but not defined: \(arg.prefix(dashes))\(name)", code: 2)
            }
        }
    }

    func value(_ name: String) -> String? { values[name]?.last }
    func flag(_ name: String) -> Bool { bools[name] ?? false }
}
