import ArgumentParser

/// `pgclient`: tools for Juju's `postgresql_client` relation.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct PGClientCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pgclient",
        abstract: "Tools for Juju's postgresql_client relation (v0).",
        discussion: """
            Exit codes: 0 clean, 1 violations or failures found, 2 unusable input.
            """,
        subcommands: [CheckCommand.self, ConformanceCommand.self, DemoCommand.self]
    )

    public init() {}
}
