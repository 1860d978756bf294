import Foundation
import JujuJSON
import PostgreSQLClient

/// The repository's `Fixtures/` and `Specs/` folders, found from this file's path.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relative)))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }
}

/// One entry of `Fixtures/databags/manifest.json`.
struct DatabagFixture: Codable, Sendable, CustomTestStringConvertible {
    var file: String
    var side: RelationSide?
    var bag: String
    var exit: Int32
    var rules: [String]
    var note: String?

    var testDescription: String { file }

    var scope: BagScope { bag == "unit" ? .unit : .app }

    static let all: [DatabagFixture] = {
        struct Manifest: Codable { var fixtures: [DatabagFixture] }
        do {
            let text = try Repository.text("Fixtures/databags/manifest.json")
            return try JSONValueDecoder().decode(Manifest.self, fromJSON: text).fixtures
        } catch {
            fatalError("Fixtures/databags/manifest.json is unreadable: \(error)")
        }
    }()
}

import Testing
