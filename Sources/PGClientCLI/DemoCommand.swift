import ArgumentParser
import Foundation
import JujuJSON
import PostgreSQLClient

/// `pgclient demo`: the tutorial, replayed.
public struct DemoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay the tutorial \"Integrate your charm with PostgreSQL\" with the Swift demo-api-charm and a fake postgresql-k8s.",
        discussion: """
            Deploys demo-api-charm and postgresql-k8s on an in-memory Juju model, integrates them,
            prints `juju status --relations` and what the charm handed to Pebble (passwords
            masked), then — with a PostgreSQL server — uses the credentials like the tutorial's
            curl calls, shows that another relation cannot read names_db, and removes the
            relation. By default a throw-away PostgreSQL 15 server is started when its binaries
            are installed (apt-get install postgresql); --postgres requires one, --in-memory
            never starts one.
            """
    )

    @Flag(name: .long, help: "Require a real PostgreSQL server (fail if none can be started).")
    var postgres = false

    @Flag(name: .long, help: "Use the in-memory allocator only.")
    var inMemory = false

    @Flag(name: .long, help: "Print the summary as JSON after the transcript.")
    var json = false

    @Option(name: .long, help: "Juju version to model (3.x uses Juju secrets, 2.9 plain text).")
    var jujuVersion = "3.6.4"

    /// For tests only (hidden from --help): seeds the fake provider's password generator so a
    /// test knows the passwords the demo hands out and can check that none is printed
    /// (`Tests/PGClientCLITests/PasswordGrepTests.swift`). Never use it outside tests: seeded
    /// passwords are predictable.
    @Option(name: .customLong("password-seed"), help: .hidden)
    var passwordSeed: UInt64?

    public init() {}

    public func run() async throws {
        let version: JujuVersion
        do { version = try JujuVersion(parsing: jujuVersion) } catch {
            throw ValidationError("--juju-version: \(error.description)")
        }
        var database: (any TutorialDemo.DemoDatabase)?
        var server: (any DemoServer)?
        if !inMemory {
            do {
                let started = try await DemoServers.start()
                server = started
                database = started.database
            } catch {
                if postgres {
                    FileHandle.standardError.write(Data("pgclient demo: \(error)\n".utf8))
                    throw ExitCode(2)
                }
                FileHandle.standardError.write(Data("pgclient demo: no PostgreSQL server (\(error)); continuing in memory\n".utf8))
            }
        }
        let demo = TutorialDemo(jujuVersion: version, database: database, passwordSeed: passwordSeed)
        let summary: TutorialDemo.Summary
        do {
            summary = try await demo.run()
        } catch {
            await server?.stop()
            print(demo.transcript.joined(separator: "\n"))
            FileHandle.standardError.write(Data("pgclient demo: \(error)\n".utf8))
            throw ExitCode(1)
        }
        await server?.stop()
        print(demo.transcript.joined(separator: "\n"))
        if json {
            let value: JSONValue = [
                "used_postgresql": .bool(summary.usedPostgreSQL),
                "environment": .array(summary.environmentKeys.map(JSONValue.string)),
                "names": .array(summary.namesReadBack.map(JSONValue.string)),
                "other_relation_denied": summary.otherRelationDenied.map(JSONValue.bool) ?? .null,
                "status_after_integrate": .string(summary.statusAfterIntegrate),
                "status_after_remove": .string(summary.statusAfterRemove),
            ]
            print(value.serialized())
        }
    }
}

/// A server the demo started and must stop.
public protocol DemoServer: Sendable {
    var database: any TutorialDemo.DemoDatabase { get }
    func stop() async
}
