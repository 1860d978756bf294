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
            if file.fromFolder {
                // In folders, other JSON (databag fixtures, manifests) is skipped; a file that
                // looks like a vector but is broken is not (it must not vanish silently).
                if let value = try? JSONParser().parse(file.text) {
                    guard value["format"]?.stringValue?.hasPrefix("pgclient-vector/") == true else { continue }
                } else if !file.text.contains("pgclient-vector/") {
                    continue
                }
            }
            entries.append(Entry(file: file.path, vector: try ConformanceVector(json: file.text, file: file.path)))
        }
        guard !entries.isEmpty else {
            throw VectorLoadError(file: files.first?.path ?? "(no files)", field: "(files)", problem: "no conformance vector found; a run that checks nothing is not a pass")
        }
        self.entries = entries
    }

    /// Runs every vector.
    public func run() -> [ConformanceRunner.Result] {
        let runner = ConformanceRunner()
        return entries.map { runner.run($0.vector, file: $0.file) }
    }
}
