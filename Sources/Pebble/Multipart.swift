/// `multipart/form-data` as Pebble's files API uses it: a push sends a `request` part (JSON)
/// and `files` parts; a pull answers with `files` parts and a `response` part.
package enum Multipart {
    /// One part: its headers (lower-cased names) and its bytes.
    package struct Part: Sendable, Hashable {
        package var headers: [PebbleRequest.Header]
        package var body: [UInt8]

        package init(headers: [PebbleRequest.Header], body: [UInt8]) {
            self.headers = headers
            self.body = body
        }

        package func header(_ name: String) -> String? {
            headers.first { $0.name == name.lowercased() }?.value
        }

        /// `name` of the part's Content-Disposition.
        package var formName: String? { Multipart.parameters(header("content-disposition") ?? "")["name"] }
        /// `filename` of the part's Content-Disposition.
        package var fileName: String? { Multipart.parameters(header("content-disposition") ?? "")["filename"] }
    }

    /// A fresh boundary: 32 random hex digits (Pebble refuses boundaries shorter than 32).
    package static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// The body of a form: each part as (name, filename, content type, bytes).
    package static func build(boundary: String, parts: [(name: String, fileName: String?, contentType: String, body: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            var disposition = "form-data; name=\"\(escape(part.name))\""
            if let fileName = part.fileName { disposition += "; filename=\"\(escape(fileName))\"" }
            out += Array("--\(boundary)\r\nContent-Type: \(part.contentType)\r\nContent-Disposition: \(disposition)\r\n\r\n".utf8)
            out += part.body
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type, if that is the type.
    package static func boundary(contentType: String) -> String? {
        let media = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() }
        guard media == "multipart/form-data" else { return nil }
        return parameters(contentType)["boundary"]
    }

    /// Splits a multipart body into its parts; `nil` when it is not a well-formed form.
    package static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        guard !boundary.isEmpty else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the form.
            if position + 1 < body.count, body[position] == 45, body[position + 1] == 45 { return parts }
            // Transport padding, then CRLF.
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            guard position + 1 < body.count, body[position] == 13, body[position + 1] == 10 else { return nil }
            position += 2
            // A part without headers starts with the blank line at once.
            guard let headerEnd = body[position...].starts(with: [13, 10]) ? position - 2 : find([13, 10, 13, 10], in: body, from: position) else {
                return nil
            }
            var headers: [PebbleRequest.Header] = []
            if headerEnd > position {
                for line in body[position..<headerEnd].split(separator: 10) {
                    let text = line.last == 13 ? line.dropLast() : line
                    guard let colon = text.firstIndex(of: 58) else { return nil }
                    let name = String(decoding: text[text.startIndex..<colon], as: UTF8.self).lowercased()
                    let value = String(decoding: text[(colon + 1)...], as: UTF8.self)
                    headers.append(.init(name, String(Substring(value).trimmingSpaces())))
                }
            }
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { return nil }
            parts.append(Part(headers: headers, body: Array(body[contentStart..<next])))
            position = next + 2
        }
    }

    /// Parameters of a header value like `form-data; name="files"; filename="/a \"b\""`
    /// (quoted strings with backslash escapes, as Go's `mime.ParseMediaType` reads them).
    package static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Array(value)[...]
        // Skip the media type.
        while let c = chars.first, c != ";" { chars = chars.dropFirst() }
        while chars.first == ";" {
            chars = chars.dropFirst()
            while chars.first == " " || chars.first == "\t" { chars = chars.dropFirst() }
            var name = ""
            while let c = chars.first, c != "=", c != ";" { name.append(c); chars = chars.dropFirst() }
            guard chars.first == "=" else { continue }
            chars = chars.dropFirst()
            var parsed = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                while let c = chars.first, c != "\"" {
                    if c == "\\", chars.count > 1 {
                        chars = chars.dropFirst()
                        parsed.append(chars.first!)
                    } else {
                        parsed.append(c)
                    }
                    chars = chars.dropFirst()
                }
                chars = chars.dropFirst()
                while let c = chars.first, c != ";" { chars = chars.dropFirst() }
            } else {
                while let c = chars.first, c != ";" { parsed.append(c); chars = chars.dropFirst() }
                parsed = String(Substring(parsed).trimmingSpaces())
            }
            result[name.trimmingCharacters().lowercased()] = parsed
        }
        return result
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !pattern.isEmpty, bytes.count - from >= pattern.count else { return nil }
        var i = from
        let last = bytes.count - pattern.count
        let first = pattern[0]
        while i <= last {
            if bytes[i] == first, bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }
}

extension String {
    func trimmingCharacters() -> String { String(Substring(self).trimmingSpaces()) }
}
