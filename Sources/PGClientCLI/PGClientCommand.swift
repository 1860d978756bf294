import ArgumentParser

/// `pgclient`: tools for Juju's `postgresql_client` relation.
public struct PGClientCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pgclient",
        abstract: "Tools for Juju's postgresql_client relation (v0).",
        discussion: """
            Exit codes: 0 clean, 1 violations or failures found, 2 unusable input.
            """,
        subcommands: [CheckCommand.self, ConformanceCommand.self]
    )

    public init() {}
}
