// Fuzz target `showunit`: the `juju show-unit --format=json` reader behind `pgclient check`,
// `DatabagCheck().run(jsonText:)`, with the side inferred and with each side and scope given.
// `DatabagError` is an expected outcome; crashes are not. Checking is deterministic.
import PostgreSQLClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let checks = [DatabagCheck()] + RelationSide.allCases.flatMap { side in
        BagScope.allCases.map { DatabagCheck(side: side, scope: $0) }
    }
    for check in checks {
        let report: CheckReport
        do { report = try check.run(jsonText: text) } catch {
            _ = error.description
            continue
        }
        for violation in report.violations { _ = "\(violation)" }
        if (try? check.run(jsonText: text)) != report {
            invariantFailed("DatabagCheck.run is not deterministic")
        }
    }
    return 0
}
