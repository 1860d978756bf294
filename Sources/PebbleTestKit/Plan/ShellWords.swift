/// Splits a command line into words as Pebble does (canonical/x-go `strutil/shlex`, after
/// google/shlex): blanks separate words; `'...'` is literal; in `"..."` a backslash takes the
/// next character literally; outside quotes a backslash escapes the next character; `#` at the
/// start of a word begins a comment to the end of the line. No shell ever runs the command.
enum ShellWords {
    /// Why a command line could not be split (Pebble's wording).
    struct SplitError: Error, Sendable, Hashable {
        let message: String
    }

    static func split(_ text: String) throws(SplitError) -> [String] {
        enum State { case start, word, escaping, escapingQuoted, quotingEscaping, quoting, comment }
        var words: [String] = []
        var word = ""
        var state = State.start
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }
        for c in text {
            switch state {
            case .start:
                if isSpace(c) { continue }
                switch c {
                case "\"": state = .quotingEscaping
                case "'": state = .quoting
                case "\\": state = .escaping
                case "#": state = .comment
                default: word.append(c); state = .word
                }
            case .word:
                if isSpace(c) {
                    words.append(word)
                    word = ""
                    state = .start
                    continue
                }
                switch c {
                case "\"": state = .quotingEscaping
                case "'": state = .quoting
                case "\\": state = .escaping
                default: word.append(c)
                }
            case .escaping:
                word.append(c)
                state = .word
            case .escapingQuoted:
                word.append(c)
                state = .quotingEscaping
            case .quotingEscaping:
                switch c {
                case "\"": state = .word
                case "\\": state = .escapingQuoted
                default: word.append(c)
                }
            case .quoting:
                if c == "'" { state = .word } else { word.append(c) }
            case .comment:
                if c == "\n" { state = .start }
            }
        }
        switch state {
        case .escaping, .escapingQuoted: throw SplitError(message: "EOF found after escape character")
        case .quoting, .quotingEscaping: throw SplitError(message: "EOF found when expecting closing quote")
        case .word: words.append(word)
        case .start, .comment: break
        }
        return words
    }

    /// A service command as Pebble reads it (`Service.ParseCommand`): the base words and the
    /// default arguments in a trailing `[ ... ]` group.
    static func parseCommand(_ command: String, service: String) throws(SplitError) -> (base: [String], extra: [String]) {
        let args: [String]
        do { args = try split(command) } catch {
            throw SplitError(message: "cannot parse service \(quoted(service)) command: \(error.message)")
        }
        var base: [String] = []
        var extra: [String] = []
        var inBrackets = false
        var gotBrackets = false
        func fail(_ m: String) -> SplitError { SplitError(message: "cannot parse service \(quoted(service)) command: \(m)") }
        for (index, arg) in args.enumerated() {
            if inBrackets {
                if arg == "[" { throw fail("cannot nest [ ... ] groups") }
                if arg == "]" { inBrackets = false; continue }
                extra.append(arg)
                continue
            }
            if gotBrackets { throw fail("cannot have any arguments after [ ... ] group") }
            if arg == "[" {
                if index == 0 { throw fail("cannot start command with [ ... ] group") }
                inBrackets = true
                gotBrackets = true
                continue
            }
            if arg == "]" { throw fail("cannot have ] outside of [ ... ] group") }
            base.append(arg)
        }
        return (base, extra)
    }

    static func quoted(_ s: String) -> String { PebbleQuoting.quote(s) }
}
