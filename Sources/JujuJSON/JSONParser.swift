import CJSONC
import Synchronization

/// Strict JSON parsing through json-c.
///
/// json-c (in strict mode) does the parsing; a light second pass over the
/// bytes validates UTF-8 and adds what json-c tolerates but JSON forbids or databags cannot hold: single-quoted
/// strings, raw control characters in strings, `NaN`/`Infinity`, unpaired surrogate escapes,
/// U+0000 in strings and duplicate keys. The same pass records number literals so that
/// ``JSONNumber`` keeps them exactly as written.
public struct JSONParser: Sendable {
    /// The deepest nesting accepted.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 64) {
        self.maximumDepth = maximumDepth
    }

    /// Parses a complete JSON document.
    /// - Throws: ``JSONError`` naming the byte offset and the reason.
    public func parse(_ text: String) throws -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONError> = copy.withUTF8 { buffer in
            parseResult(UnsafeRawBufferPointer(buffer))
        }
        return try result.get()
    }

    /// Parses a complete JSON document from UTF-8 bytes.
    public func parse(bytes: some Collection<UInt8>) throws -> JSONValue {
        let result: Result<JSONValue, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseResult(UnsafeRawBufferPointer(buffer))
        }
        if let result { return try result.get() }
        let array = Array(bytes)
        return try array.withUnsafeBytes { parseResult($0) }.get()
    }

    /// Parses a JSON object whose values are all strings, as a Juju databag travels.
    /// - Throws: ``JSONError`` (`typeMismatch` names the first key, in byte order, whose value
    ///   is not a string).
    public func parseStringDictionary(_ text: String) throws -> [String: String] {
        var copy = text
        return try copy.withUTF8 { parseStringDictionaryResult(UnsafeRawBufferPointer($0)) }.get()
    }

    /// Parses a JSON object whose values are all strings, from UTF-8 bytes.
    public func parseStringDictionary(bytes: some Collection<UInt8>) throws -> [String: String] {
        if let result = bytes.withContiguousStorageIfAvailable({
            parseStringDictionaryResult(UnsafeRawBufferPointer($0))
        }) {
            return try result.get()
        }
        return try Array(bytes).withUnsafeBytes { parseStringDictionaryResult($0) }.get()
    }

    func parseResult(_ input: UnsafeRawBufferPointer) -> Result<JSONValue, JSONError> {
        withParsedRoot(input) { root, scanner throws(JSONError) -> JSONValue in
            var builder = TreeBuilder(input: input, scan: scanner)
            return try builder.build(root)
        }
    }

    /// Parses a JSON object of strings straight from json-c's tree, without building a
    /// ``JSONValue`` first: the hook path's fast lane for whole databags.
    func parseStringDictionaryResult(_ input: UnsafeRawBufferPointer) -> Result<[String: String], JSONError> {
        withParsedRoot(input) { root, scanner throws(JSONError) -> [String: String] in
            guard let root, json_object_get_type(root) == json_type_object, !scanner.needsOwnStringDecoding else {
                var builder = TreeBuilder(input: input, scan: scanner)
                let value = try builder.build(root)
                if let dictionary = value.stringDictionary { return dictionary }
                guard case .object(let members) = value else {
                    throw JSONError(.typeMismatch, reason: "expected a JSON object, found \(value.kindName)")
                }
                let key = members.keys.sorted(by: JSONValue.utf8Precedes).first { members[$0]?.stringValue == nil }!
                throw JSONError(
                    .typeMismatch, reason: "value of \"\(key)\" is a \(members[key]!.kindName), expected a string",
                    path: [key])
            }
            let length = Int(json_object_object_length(root))
            if let record = scanner.objects.first, record.keyCount != length {
                throw JSONError(
                    .duplicateKey, offset: record.offset,
                    reason: "the object starting here has the same key more than once")
            }
            var result: [String: String] = [:]
            result.reserveCapacity(length)
            var iterator = json_object_iter_begin(root)
            var end = json_object_iter_end(root)
            var firstBad: (key: String, kind: String)?
            while json_object_iter_equal(&iterator, &end) == 0 {
                let name = String(cString: json_object_iter_peek_name(&iterator))
                let node = json_object_iter_peek_value(&iterator)
                if json_object_get_type(node) == json_type_string, let pointer = json_object_get_string(node) {
                    let count = Int(json_object_get_string_len(node))
                    result[name] = String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
                } else if firstBad == nil || JSONValue.utf8Precedes(name, firstBad!.key) {
                    let kind: String
                    switch json_object_get_type(node) {
                    case json_type_null: kind = "null"
                    case json_type_boolean: kind = "boolean"
                    case json_type_int, json_type_double: kind = "number"
                    case json_type_array: kind = "array"
                    default: kind = "object"
                    }
                    firstBad = (name, kind)
                }
                json_object_iter_next(&iterator)
            }
            if let firstBad {
                throw JSONError(
                    .typeMismatch, reason: "value of \"\(firstBad.key)\" is a \(firstBad.kind), expected a string",
                    path: [firstBad.key])
            }
            if result.count != length {
                throw JSONError(
                    .duplicateKey, offset: scanner.objects.first?.offset,
                    reason: "the object starting here has two keys that are the same Unicode text in different forms")
            }
            return result
        }
    }

    private func withParsedRoot<T>(
        _ input: UnsafeRawBufferPointer, _ body: (OpaquePointer?, JSONScanner) throws(JSONError) -> T
    ) -> Result<T, JSONError> {
        let count = input.count
        var firstNonSpace = 0
        while firstNonSpace < count, JSONScanner.isSpace(input[firstNonSpace]) { firstNonSpace += 1 }
        if firstNonSpace == count {
            return .failure(JSONError(.empty, offset: 0, reason: "empty input"))
        }
        guard count < Int(Int32.max) else {
            return .failure(JSONError(.invalidValue, offset: 0, reason: "input larger than 2 GiB"))
        }
        guard let tokener = TokenerCache.take(depth: maximumDepth) else {
            return .failure(JSONError(.invalidValue, reason: "json-c could not allocate a tokener"))
        }
        // A tokener goes back to the cache only after a clean parse: json_tokener_reset does not
        // clear every piece of state (a half-read \u escape survives it), so a failed parse could
        // change the next document. Found by the fuzzer (Fuzz/findings/json-tokener-reuse).
        var reusable = false
        defer { TokenerCache.give(tokener, depth: maximumDepth, reusable: reusable) }
        // UTF-8 is validated by the scan pass (faster than json-c's validator, same strictness).
        json_tokener_set_flags(tokener, Int32(JSON_TOKENER_STRICT))

        let base = input.baseAddress!.assumingMemoryBound(to: CChar.self)
        var object = json_tokener_parse_ex(tokener, base, Int32(count))
        var error = json_tokener_get_error(tokener)
        var end = json_tokener_get_parse_end(tokener)
        if object == nil, error == json_tokener_continue {
            // A top-level number is only complete once json-c sees a terminator.
            var terminator: CChar = 0
            object = json_tokener_parse_ex(tokener, &terminator, 1)
            error = json_tokener_get_error(tokener)
            if error == json_tokener_error_parse_eof { error = json_tokener_continue }
            end = count
        }
        // json-c represents a JSON null document as NULL with success.
        guard object != nil || error == json_tokener_success else {
            if let nul = input[..<min(end + 1, count)].firstIndex(of: 0) {
                return .failure(JSONError(.embeddedNUL, offset: nul, reason: "NUL byte in input"))
            }
            return .failure(Self.translate(error, offset: min(end, count)))
        }
        defer { if let object { json_object_put(object) } }

        reusable = end == count && error == json_tokener_success
        // The strictness pass also checks for trailing data.
        var scanner = JSONScanner(input)
        if let failure = scanner.scan() {
            return .failure(failure)
        }
        do {
            return .success(try body(object, scanner))
        } catch {
            return .failure(error)
        }
    }

    static func translate(_ error: json_tokener_error, offset: Int) -> JSONError {
        let reason = String(cString: json_tokener_error_desc(error))
        switch error {
        case json_tokener_continue:
            return JSONError(.truncated, offset: offset, reason: "unexpected end of input")
        case json_tokener_error_depth:
            return JSONError(.tooDeep, offset: offset, reason: "nesting too deep")
        case json_tokener_error_parse_utf8_string:
            return JSONError(.invalidUTF8, offset: offset, reason: "invalid UTF-8")
        default:
            return JSONError(.syntax, offset: offset, reason: reason)
        }
    }
}

/// Turns json-c's tree into ``JSONValue``, taking number literals and key counts from the scan.
private struct TreeBuilder {
    let input: UnsafeRawBufferPointer
    let scan: JSONScanner
    var nextNumber = 0
    var nextObject = 0
    /// String literals in document order, when json-c's own decoding cannot be trusted.
    let ownStrings: [Range<Int>]?
    var nextString = 0

    init(input: UnsafeRawBufferPointer, scan: JSONScanner) {
        self.input = input
        self.scan = scan
        self.ownStrings = scan.needsOwnStringDecoding ? scan.stringLiteralRanges() : nil
    }

    /// The next string literal decoded from the source, when ``ownStrings`` is in use.
    mutating func nextOwnString() -> String? {
        guard let ownStrings, nextString < ownStrings.count else { return nil }
        defer { nextString += 1 }
        return JSONScanner.decodeStringLiteral(UnsafeRawBufferPointer(rebasing: input[ownStrings[nextString]]))
    }

    mutating func build(_ node: OpaquePointer?) throws(JSONError) -> JSONValue {
        guard let node else { return .null }
        switch json_object_get_type(node) {
        case json_type_null:
            return .null
        case json_type_boolean:
            return .bool(json_object_get_boolean(node) != 0)
        case json_type_int, json_type_double:
            guard nextNumber < scan.numbers.count else {
                throw JSONError(.invalidValue, reason: "number literal not found")
            }
            let range = scan.numbers[nextNumber]
            nextNumber += 1
            return .number(JSONNumber(uncheckedText: String(decoding: UnsafeRawBufferPointer(rebasing: input[range]), as: UTF8.self)))
        case json_type_string:
            if let own = nextOwnString() { return .string(own) }
            let length = Int(json_object_get_string_len(node))
            guard let pointer = json_object_get_string(node) else { return .string("") }
            return .string(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
        case json_type_array:
            let length = json_object_array_length(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(length)
            for index in 0..<length {
                elements.append(try build(json_object_array_get_idx(node, index)))
            }
            return .array(elements)
        case json_type_object:
            guard nextObject < scan.objects.count else {
                throw JSONError(.invalidValue, reason: "object not found")
            }
            let record = scan.objects[nextObject]
            nextObject += 1
            let length = Int(json_object_object_length(node))
            if length != record.keyCount {
                throw JSONError(
                    .duplicateKey, offset: record.offset,
                    reason: "the object starting here has the same key more than once")
            }
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(length)
            var iterator = json_object_iter_begin(node)
            var end = json_object_iter_end(node)
            while json_object_iter_equal(&iterator, &end) == 0 {
                let name = nextOwnString() ?? String(cString: json_object_iter_peek_name(&iterator))
                members[name] = try build(json_object_iter_peek_value(&iterator))
                json_object_iter_next(&iterator)
            }
            if members.count != length {
                // Swift compares keys by canonical equivalence ("é" and "e\u{301}" are one key).
                throw JSONError(
                    .duplicateKey, offset: record.offset,
                    reason: "the object starting here has two keys that are the same Unicode text in different forms")
            }
            return .object(members)
        default:
            throw JSONError(.invalidValue, reason: "unknown json-c type")
        }
    }
}

/// Keeps one idle json-c tokener for reuse, so repeated parses skip its allocation.
/// Lock-free: a parse takes the cached tokener (or makes one) and puts it back if the slot is free.
enum TokenerCache {
    private static let slot = Atomic<Int>(0)
    static let defaultDepth = 64
    typealias Tokener = UnsafeMutablePointer<json_tokener>

    static func take(depth: Int) -> Tokener? {
        if depth == defaultDepth {
            let bits = slot.exchange(0, ordering: .acquiring)
            if bits != 0, let tokener = Tokener(bitPattern: bits) {
                json_tokener_reset(tokener)
                return tokener
            }
        }
        return json_tokener_new_ex(Int32(depth))
    }

    static func give(_ tokener: Tokener, depth: Int, reusable: Bool) {
        if depth == defaultDepth, reusable {
            let bits = Int(bitPattern: tokener)
            if slot.compareExchange(expected: 0, desired: bits, ordering: .releasing).exchanged { return }
        }
        json_tokener_free(tokener)
    }
}
