import JujuJSON

extension DatabagValidator.Context {
    mutating func checkRequirerApp() {
        for key in values.keys.sorted(by: JSONValue.utf8Precedes) where DatabagValidator.providerOnlyFields.contains(key) {
            add(.reqProviderField, key, "a field only the provider writes is in the requirer's application bag",
                "no \(key) here: the requirer sends only its request")
            values.removeValue(forKey: key)
        }

        if let database = values["database"] {
            if database.unicodeScalars.contains("*") {
                let isPrefixShape = database.unicodeScalars.last == "*" && database.unicodeScalars.filter({ $0 == "*" }).count == 1
                    && database.unicodeScalars.count - 1 >= DatabaseRequest.minimumPrefixCharacters
                if isPrefixShape {
                    if let problem = DatabaseRequest.nameProblem(database) {
                        add(.reqDatabaseName, "database", problem)
                    }
                } else {
                    add(.reqDatabasePrefix, "database", "\(quoted(database)) is not a valid prefix request",
                        "a prefix ending in a single '*' with at least 3 characters before it (names*)")
                }
            } else if let problem = DatabaseRequest.nameProblem(database) {
                add(.reqDatabaseName, "database", problem)
            }
        } else {
            add(.reqDatabaseRequired, "database", "absent", "the database name (or prefix) the requirer asks for")
        }

        checkSecretLists()

        if let value = values["external-node-connectivity"], value != "true", value != "false" {
            add(.reqExternalNodeConnectivity, "external-node-connectivity", "\(quoted(value)) is not \"true\" or \"false\"",
                "exactly \"true\" or \"false\" (providers compare with \"true\")")
        }

        for key in ["extra-group-roles", "extra-user-roles"] {
            guard let value = values[key] else { continue }
            let bad = value.split(separator: ",", omittingEmptySubsequences: false).filter { !Self.isRoleName($0) }
            if !bad.isEmpty {
                add(.reqExtraRolesFormat, key,
                    "invalid role name(s) \(DatabagValidator.Context.listed(bad))",
                    "comma-separated role names of [A-Za-z_][A-Za-z0-9_-]*, at most 63 bytes, no spaces")
            }
        }

        if let value = values["entity-type"] {
            if let type = EntityType(rawValue: value) {
                if type == .user, values["extra-group-roles"] != nil {
                    add(.reqEntityRolesConsistent, "entity-type", "a USER entity with extra-group-roles",
                        "extra-user-roles for a USER entity")
                } else if type == .group, values["extra-user-roles"] != nil {
                    add(.reqEntityRolesConsistent, "entity-type", "a GROUP entity with extra-user-roles",
                        "extra-group-roles for a GROUP entity")
                }
            } else {
                add(.reqEntityType, "entity-type", "\(quoted(value)) is not an entity type", "USER or GROUP")
            }
        }

        if let value = values["entity-permissions"], !Self.isPermissionList(value) {
            add(.reqEntityPermissionsFormat, "entity-permissions", "not a JSON array of permission objects",
                "[{\"resource_name\": \"...\", \"resource_type\": \"...\", \"privileges\": [\"...\"]}, ...]")
        }

        if let value = values["requested-entity-secret"] {
            do {
                _ = try SecretURI(parsing: value)
            } catch {
                add(.reqEntitySecretURI, "requested-entity-secret", error)
            }
        }
    }

    mutating func checkRequirerUnit() {
        if let text = values["data"], let problem = Self.snapshotProblem(text) {
            add(.requDataSnapshot, "data", "snapshot is \(problem)",
                "JSON text of an object of strings: the provider bag last seen, without \"data\"")
        }
        checkSecretLists()
    }

    static func isRoleName(_ role: Substring) -> Bool {
        let bytes = Array(role.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") }
        guard letter(first) else { return false }
        return bytes.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }

    static func isPermissionList(_ text: String) -> Bool {
        guard let value = try? JSONParser().parse(text), case .array(let items) = value else { return false }
        let keys: Set<String> = ["resource_name", "resource_type", "privileges"]
        return items.allSatisfy { item in
            guard case .object(let members) = item, Set(members.keys) == keys else { return false }
            return members["resource_name"]?.stringValue != nil && members["resource_type"]?.stringValue != nil
                && members["privileges"]?.stringArray != nil
        }
    }
}

extension DatabaseRequest {
    /// The problem with a name or well-formed prefix as a whole (length, control characters).
    static func nameProblem(_ value: String) -> FormatError? {
        do {
            try checkName(value, shown: value)
            return nil
        } catch {
            return error
        }
    }
}
