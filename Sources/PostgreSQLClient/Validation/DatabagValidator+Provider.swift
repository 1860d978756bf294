import JujuJSON

extension DatabagValidator.Context {
    mutating func checkProviderApp() {
        for key in values.keys.sorted(by: JSONValue.utf8Precedes) where DatabagValidator.requirerOnlyFields.contains(key) {
            add(.provRequirerField, key, "a field only the requirer writes is in the provider's application bag",
                "no \(key) here: it belongs to the requirer's request")
            values.removeValue(forKey: key)
        }

        let hasUsername = values["username"] != nil
        let hasPassword = values["password"] != nil
        if hasUsername != hasPassword {
            add(.provCredentialsPair, hasUsername ? "password" : "username",
                hasUsername ? "username without password" : "password without username",
                "username and password together")
        }
        if values["secret-user"] != nil, hasUsername || hasPassword {
            add(.provCredentialsExclusive, "secret-user", "credentials both in the secret and in plain text",
                "either secret-user (Juju 3 secrets) or username/password (plain text), not both")
        }
        if let username = values["username"] {
            if username.utf8.count > 63 || username.unicodeScalars.contains(where: \.isControl) {
                add(.provUsernameFormat, "username", "not a PostgreSQL role name (\(username.utf8.count) bytes or control characters)",
                    "1 to 63 bytes without control characters")
            }
        }
        if hasUsername || hasPassword || values["secret-user"] != nil {
            if values["database"] == nil {
                add(.provDatabaseRequired, "database", "credentials are shared but database is absent",
                    "the database the credentials are for")
            }
            if values["endpoints"] == nil {
                add(.provEndpointsRequired, "endpoints", "credentials are shared but endpoints is absent",
                    "the primary's host:port")
            }
        }

        if let database = values["database"] {
            do {
                _ = try DatabaseRequest(parsing: database)
            } catch {
                add(.provDatabaseName, "database", error)
            }
        }

        for (key, rule) in [("endpoints", Rule.provEndpointsFormat), ("read-only-endpoints", .provReadOnlyEndpointsFormat)] {
            guard let value = values[key] else { continue }
            let problems = EndpointList.problems(in: value)
            if let first = problems.first {
                // A long list can have thousands of bad items: name the first three, count the rest.
                var text = problems.prefix(3).map(\.problem).joined(separator: "; ")
                if problems.count > 3 { text += "; and \(problems.count - 3) more" }
                add(rule, key, text, first.expected)
            }
        }

        for (key, rule) in [("uris", Rule.provURIsFormat), ("read-only-uris", .provReadOnlyURIsFormat)] {
            guard let value = values[key] else { continue }
            do {
                _ = try PostgresURI(parsing: value)
            } catch {
                add(rule, key, error)
            }
        }

        var tlsIsFalse = false
        if let tls = values["tls"] {
            if let flag = BoolSpelling.parse(tls) {
                tlsIsFalse = !flag
            } else {
                add(.provTLSFlag, "tls", "\(quoted(tls)) is not true or false", "true or false in any letter case (postgresql-k8s writes True/False)")
            }
        }
        if let ca = values["tls-ca"] {
            if !Self.isPEMChain(ca) {
                add(.provTLSCAFormat, "tls-ca", "not a PEM certificate chain", "one or more -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks")
            }
            if tlsIsFalse {
                add(.provTLSCAWithoutTLS, "tls-ca", "a CA is sent while tls is false", "tls-ca only while tls is true")
            }
        }

        if let version = values["version"], !(version.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false) {
            add(.provVersionFormat, "version", "\(quoted(version)) does not start with a digit", "a version such as 14.15 or 16.9")
        }

        for key in values.keys.sorted(by: JSONValue.utf8Precedes) where key.hasPrefix("secret-") {
            let group = String(key.dropFirst("secret-".count))
            if SecretGroup(rawValue: group) == nil {
                add(.provSecretGroup, key, "unknown secret group \(quoted(group))", "secret-user, secret-tls, secret-mtls, secret-entity or secret-extra")
            }
            do {
                _ = try SecretURI(parsing: values[key]!)
            } catch {
                add(.provSecretURI, key, error)
            }
        }

        if let list = values["prefix-databases"] {
            let bad = list.split(separator: ",", omittingEmptySubsequences: false).enumerated().compactMap { index, item -> String? in
                if item.isEmpty { return "item \(index + 1) is empty" }
                return DatabaseRequest.validateName(String(item)).map { _ in "item \(index + 1) \(quoted(item)) is not a database name" }
            }
            if !bad.isEmpty {
                let text = bad.prefix(3).joined(separator: ", ") + (bad.count > 3 ? ", and \(bad.count - 3) more" : "")
                add(.provPrefixDatabasesFormat, "prefix-databases", text, "comma-separated database names")
            }
        }

        if let value = values["subordinated"], value != "true" {
            add(.provSubordinatedFlag, "subordinated", "\(quoted(value)) is not \"true\"", "exactly \"true\" (requirers compare with \"true\")")
        }

        if let value = values["status"], let problem = Self.statusProblem(value) {
            add(.provStatusFormat, "status", problem, "JSON text of [{\"code\": 4001, \"message\": \"...\", \"resolution\": \"...\"}, ...] with each code once")
        }

        if let text = values["data"], let problem = Self.snapshotProblem(text) {
            add(.provDataSnapshot, "data", "snapshot is \(problem)",
                "JSON text of an object of strings: the requirer bag last seen, without \"data\"")
        }

        if values["entity-password"] != nil, values["entity-name"] == nil {
            add(.provEntityCredentials, "entity-password", "entity-password without entity-name", "entity-name with it")
        }
    }

    static func isPEMChain(_ text: String) -> Bool {
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        var rest = Substring(text)
        var blocks = 0
        while let b = rest.firstRange(of: begin) {
            guard let e = rest[b.upperBound...].firstRange(of: end) else { return false }
            let body = rest[b.upperBound..<e.lowerBound]
            guard body.contains(where: { !$0.isWhitespace }) else { return false }
            blocks += 1
            rest = rest[e.upperBound...]
        }
        return blocks > 0
    }

    static func statusProblem(_ text: String) -> String? {
        guard let value = try? JSONParser().parse(text) else { return "not JSON" }
        guard case .array(let items) = value else { return "a JSON \(value.kindName), not an array" }
        var codes: Set<Int> = []
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item, Set(members.keys) == ["code", "message", "resolution"] else {
                return "item \(index + 1) is not an object with exactly code, message and resolution"
            }
            guard let number = members["code"]?.numberValue, number.isInteger, let code = number.intValue else {
                return "item \(index + 1) has a code that is not an integer"
            }
            guard members["message"]?.stringValue != nil, members["resolution"]?.stringValue != nil else {
                return "item \(index + 1) has a message or resolution that is not a string"
            }
            guard codes.insert(code).inserted else { return "code \(code) appears twice" }
        }
        return nil
    }
}
