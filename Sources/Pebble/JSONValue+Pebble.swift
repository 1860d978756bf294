import JujuJSON

/// Reading Pebble's JSON results: a missing or mistyped field is a protocol error naming it.
extension JSONValue {
    func pebbleObject(_ what: String) throws(PebbleError) -> [String: JSONValue] {
        guard let object = objectValue else {
            throw PebbleError(.protocolError, message: "\(what): expected a JSON object, got \(kindName)")
        }
        return object
    }

    func pebbleArray(_ what: String) throws(PebbleError) -> [JSONValue] {
        if isNull { return [] }
        guard let array = arrayValue else {
            throw PebbleError(.protocolError, message: "\(what): expected a JSON array, got \(kindName)")
        }
        return array
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    func required(_ key: String, in what: String) throws(PebbleError) -> String {
        guard let value = self[key], let text = value.stringValue else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is \(self[key].map { "a \($0.kindName)" } ?? "missing"), expected a string")
        }
        return text
    }

    func optionalString(_ key: String, in what: String) throws(PebbleError) -> String? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is a \(value.kindName), expected a string")
        }
        return text
    }

    func int(_ key: String, in what: String) throws(PebbleError) -> Int? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let number = value.numberValue?.intValue else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is a \(value.kindName), expected an integer")
        }
        return number
    }

    func bool(_ key: String, in what: String) throws(PebbleError) -> Bool {
        guard let value = self[key], !value.isNull else { return false }
        guard let flag = value.boolValue else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is a \(value.kindName), expected a Boolean")
        }
        return flag
    }

    func stringMap(_ key: String, in what: String) throws(PebbleError) -> [String: String] {
        guard let value = self[key], !value.isNull else { return [:] }
        guard let map = value.stringDictionary else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is not an object of strings")
        }
        return map
    }

    func strings(_ key: String, in what: String) throws(PebbleError) -> [String] {
        guard let value = self[key], !value.isNull else { return [] }
        guard let list = value.stringArray else {
            throw PebbleError(.protocolError, message: "\(what): field \"\(key)\" is not an array of strings")
        }
        return list
    }
}

/// Building JSON values for the fake daemon without Codable.
extension Dictionary where Key == String, Value == JSONValue {
    mutating func set(_ key: String, _ value: String?, omitEmpty: Bool = false) {
        guard let value, !(omitEmpty && value.isEmpty) else { return }
        self[key] = .string(value)
    }

    mutating func set(_ key: String, _ value: Int?, omitZero: Bool = false) {
        guard let value, !(omitZero && value == 0) else { return }
        self[key] = .number(JSONNumber(value))
    }
}
