/// The groups sensitive fields are bundled in, one Juju secret each, referenced from the bag as
/// `secret-<group>` and labelled `<relation name>.<relation id>.<group>.secret`.
public enum SecretGroup: String, Sendable, Hashable, CaseIterable, Codable {
    case user, tls, mtls, entity, extra

    /// The databag field holding this group's secret URI (`secret-user`, ...).
    public var fieldName: String { "secret-" + rawValue }

    /// The label `data_interfaces` gives the secret.
    public func label(relationName: String, relationID: Int) -> String {
        "\(relationName).\(relationID).\(rawValue).secret"
    }

    /// The group a field travels in; fields not listed go to ``extra``.
    public static func group(for field: String) -> SecretGroup {
        switch field {
        case "username", "password", "uris", "read-only-uris": return .user
        case "tls", "tls-ca": return .tls
        case "mtls-cert": return .mtls
        case "entity-name", "entity-password": return .entity
        default: return .extra
        }
    }

    /// What a v0 requirer asks for by default (`data_interfaces` LIBPATCH 59).
    public static let defaultRequestedSecrets = [
        "username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password",
    ]
}
