import JujuJSON

/// Which side of the relation wrote a bag.
public enum RelationSide: String, Sendable, Hashable, CaseIterable, Codable {
    case provider, requirer

    /// The other side.
    public var opposite: RelationSide { self == .provider ? .requirer : .provider }

    /// The kind of bag this side writes at the given scope.
    public func bagKind(_ scope: BagScope) -> BagKind {
        switch (self, scope) {
        case (.provider, .app): return .providerApp
        case (.provider, .unit): return .providerUnit
        case (.requirer, .app): return .requirerApp
        case (.requirer, .unit): return .requirerUnit
        }
    }
}

/// Application or unit bag.
public enum BagScope: String, Sendable, Hashable, CaseIterable, Codable {
    case app, unit
}

/// What ``DatabagCheck`` found.
public struct CheckReport: Sendable, Hashable {
    /// Every violation, in document order.
    public var violations: [Violation] = []
    /// How many bags were checked.
    public var bagsChecked = 0
    /// Relations of a `juju show-unit` document that are not `postgresql_client` relations.
    public var relationsSkipped = 0

    public init() {}

    /// The rule ids found, once each.
    public var ruleIDs: Set<String> { Set(violations.map(\.rule.id)) }
}

/// Checks one databag, or every `postgresql_client` bag of a `juju show-unit --format=json`
/// document, against the protocol rules. This is what `pgclient check` runs.
///
/// Input that cannot be checked at all (not JSON, not an object, a value that is not a string,
/// a bag whose side cannot be told) throws a ``DatabagError`` that names the field.
public struct DatabagCheck: Sendable {
    /// The side that wrote the bag (for documents: the side of the `application-data` bags,
    /// which belong to the remote application). `nil` infers it from the keys.
    public var side: RelationSide?
    /// Whether a single bag is an application or a unit bag.
    public var scope: BagScope

    public init(side: RelationSide? = nil, scope: BagScope = .app) {
        self.side = side
        self.scope = scope
    }

    /// Keys that only a provider application bag has.
    public static let providerMarkers: Set<String> = [
        "username", "password", "endpoints", "read-only-endpoints", "uris", "read-only-uris", "secret-user",
        "secret-tls", "version", "tls", "subordinated", "prefix-databases", "status",
    ]
    /// Keys that only a requirer application bag has.
    public static let requirerMarkers: Set<String> = [
        "requested-secrets", "provided-secrets", "extra-user-roles", "extra-group-roles",
        "external-node-connectivity", "entity-type", "entity-permissions", "requested-entity-secret",
    ]

    /// Parses `text` and checks it.
    public func run(jsonText text: String) throws(DatabagError) -> CheckReport {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch let error as JSONError {
            throw DatabagError(.notJSON, reason: "input is not JSON: \(error.description)")
        } catch {
            throw DatabagError(.notJSON, reason: "input is not JSON")
        }
        return try run(document: value)
    }

    /// Checks a parsed document: a single bag, or a `juju show-unit` document.
    public func run(document: JSONValue) throws(DatabagError) -> CheckReport {
        guard case .object(let members) = document else {
            throw DatabagError(.notAnObject, reason: "input is a JSON \(document.kindName); expected an object (a databag, or juju show-unit --format=json output)")
        }
        if Self.isShowUnitDocument(members) {
            return try checkShowUnit(members)
        }
        let bag = try Databag(jsonValue: document)
        guard let side = side ?? Self.inferSide(bag, scope: scope) else {
            throw DatabagError(
                .invalidValue,
                reason: "cannot tell whether a provider or a requirer wrote this \(scope.rawValue) bag (keys of both sides, or none); pass --side provider or --side requirer")
        }
        var report = CheckReport()
        report.bagsChecked = 1
        report.violations = DatabagValidator().validate(bag, as: side.bagKind(scope))
        return report
    }

    /// Which side wrote `bag`, judged from its keys; `nil` when it cannot be told.
    public static func inferSide(_ bag: Databag, scope: BagScope = .app) -> RelationSide? {
        let keys = Set(bag.values.keys)
        switch scope {
        case .app:
            let provider = !keys.isDisjoint(with: providerMarkers)
            let requirer = !keys.isDisjoint(with: requirerMarkers)
            if provider != requirer { return provider ? .provider : .requirer }
            if provider { return nil }
            if keys.contains("database") { return .requirer }
            if keys.contains("data") { return .provider }
            return nil
        case .unit:
            let requirer = !keys.isDisjoint(with: ["data", "requested-secrets", "provided-secrets", "alias"])
            let provider = keys.contains("state")
            if provider != requirer { return provider ? .provider : .requirer }
            return nil
        }
    }

    static func isShowUnitDocument(_ members: [String: JSONValue]) -> Bool {
        !members.isEmpty && members.allSatisfy { key, value in
            key.contains("/") && value.objectValue?["relation-info"] != nil
        }
    }

    private func bag(_ value: JSONValue?, at path: String) throws(DatabagError) -> Databag {
        guard let value else { return Databag() }
        do {
            return try Databag(jsonValue: value)
        } catch {
            throw DatabagError(error.code, field: error.field.map { "\(path)/\($0)" } ?? path, rule: error.rule, reason: error.reason)
        }
    }

    private func checkShowUnit(_ document: [String: JSONValue]) throws(DatabagError) -> CheckReport {
        var report = CheckReport()
        let validator = DatabagValidator()
        for unit in document.keys.sorted(by: JSONValue.utf8Precedes) {
            guard let relations = document[unit]?["relation-info"]?.arrayValue else {
                throw DatabagError(.invalidValue, field: "\(unit)/relation-info", reason: "relation-info is not a list")
            }
            for (index, relation) in relations.enumerated() {
                let base = "\(unit)/relation-info[\(index)]"
                guard relation.objectValue != nil else {
                    throw DatabagError(.invalidValue, field: base, reason: "a relation-info entry is not an object")
                }
                let appData = try bag(relation["application-data"], at: "\(base)/application-data")
                let keys = Set(appData.values.keys)
                let ambiguous = !keys.isDisjoint(with: Self.providerMarkers) && !keys.isDisjoint(with: Self.requirerMarkers)
                if ambiguous, side == nil {
                    throw DatabagError(
                        .invalidValue, field: "\(base)/application-data",
                        reason: "the bag has keys of both sides; pass --side provider or --side requirer")
                }
                // Relations without postgresql_client keys (peers, other interfaces) are skipped.
                guard let remoteSide = ambiguous ? side : Self.inferSide(appData).map({ side ?? $0 }) else {
                    report.relationsSkipped += 1
                    continue
                }
                report.bagsChecked += 1
                report.violations += validator.validate(appData, as: remoteSide.bagKind(.app)).map {
                    $0.located(under: "\(base)/application-data")
                }
                if let units = relation["related-units"]?.objectValue {
                    for remoteUnit in units.keys.sorted(by: JSONValue.utf8Precedes) {
                        let path = "\(base)/related-units/\(remoteUnit)/data"
                        let unitBag = try bag(units[remoteUnit]?["data"], at: path)
                        report.bagsChecked += 1
                        report.violations += validator.validate(unitBag, as: remoteSide.bagKind(.unit)).map { $0.located(under: path) }
                    }
                }
                if let local = relation["local-unit"]?["data"] {
                    let path = "\(base)/local-unit/data"
                    let unitBag = try bag(local, at: path)
                    report.bagsChecked += 1
                    report.violations += validator.validate(unitBag, as: remoteSide.opposite.bagKind(.unit)).map { $0.located(under: path) }
                }
            }
        }
        return report
    }
}
