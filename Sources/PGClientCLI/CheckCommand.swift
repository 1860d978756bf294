import ArgumentParser
import Foundation
import PostgreSQLClient

/// `pgclient check`: validates a databag or a `juju show-unit --format=json` document.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a databag, or every postgresql_client bag of `juju show-unit --format=json` output.",
        discussion: """
            FILE is a JSON object of strings (one databag, e.g. from `relation-get --format=json`)
            or the output of `juju show-unit UNIT --format=json`. Use - for standard input.

            Prints one line per violation, `RULE-ID field: what is wrong; expected ...`, then a
            summary. Rules are listed in Specs/postgresql_client-v0.md.
            Exit 0: no violations. 1: violations. 2: unusable input (not JSON, not an object,
            a value that is not a string, or a bag whose side cannot be told without --side).
            Passwords, URIs and secret contents are never printed.
            """
    )

    @Option(name: .long, help: "Which side wrote the bag: provider or requirer (for show-unit documents: the side of the application-data bags). Inferred from the keys when left out.")
    var side: RelationSide?

    @Option(name: .long, help: "Whether a single bag is an application bag or a unit bag.")
    var bag: BagScope = .app

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Argument(help: "The file to check, or - for standard input.")
    var file: String

    public init() {}

    public func run() throws {
        let input: [UInt8]
        do {
            input = try Self.read(file)
        } catch {
            let result = CheckRunner.unusable(message: "cannot read \(file): \(error.localizedDescription)", json: json)
            emit(result)
            throw ExitCode(result.exitCode)
        }
        let result = CheckRunner(side: side, scope: bag, json: json).run(input: input)
        emit(result)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    func emit(_ result: CheckRunner.Result) {
        if !result.standardOutput.isEmpty {
            FileHandle.standardOutput.write(Data(result.standardOutput.utf8))
        }
        if !result.standardError.isEmpty {
            FileHandle.standardError.write(Data(result.standardError.utf8))
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

extension RelationSide: ExpressibleByArgument {}
extension BagScope: ExpressibleByArgument {}
