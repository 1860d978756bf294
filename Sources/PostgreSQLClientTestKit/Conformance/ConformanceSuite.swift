import JujuJSON
import PostgreSQLClient

/// Loads vector files and runs them; what `pgclient conformance` prints.
public struct ConformanceSuite: Sendable {
    /// A vector with the file it came from.
    public struct Entry: Sendable {
        public var file: String
        public var vector: ConformanceVector
    }

    public var entries: [Entry]

    /// Loads vectors from files given as (path, contents). A file whose `format` is not a vector
    /// format is skipped when `fromFolder` (folders may hold other JSON); a named file must be
    /// a vector.
    public init(files: [(path: String, text: String, fromFolder: Bool)]) throws(VectorLoadError) {
        var entries: [Entry] = []
        for file in files {
            if file.fromFolder, let value = try? JSONParser().parse(file.text), value["format"]?.stringValue?.hasPrefix("pgclient-vector/") != true {
                continue
            }
            entries.append(Entry(file: file.path, vector: try ConformanceVector(json: file.text, file: file.path)))
        }
        self.entries = entries
    }

    /// Runs every vector.
    public func run() -> [ConformanceRunner.Result] {
        let runner = ConformanceRunner()
        return entries.map { runner.run($0.vector, file: $0.file) }
    }
}
