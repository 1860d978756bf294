// Fuzz target `showunit`: the `juju show-unit --format=json` reader behind `pgclient check`,
// `DatabagCheck().run(jsonText:)`, with the side inferred and with each side and scope given.
// `DatabagError` is an expected outcome; crashes are not. Invariants:
// - checking is deterministic, and depends on the JSON value only: the document re-serialised
//   gives the same report (or the same error);
// - a single bag (not a show-unit document) checked with a side gives exactly
//   `DatabagValidator().validate(bag, as: side.bagKind(scope))`, one bag checked;
// - in a show-unit document every violation's field is located under
//   `<unit>/relation-info[<n>]/`, and there are violations only if bags were checked.
import JujuJSON
import PostgreSQLClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let document = try? JSONParser().parse(text)
    let members = document?.objectValue ?? [:]
    let isShowUnit = !members.isEmpty && members.allSatisfy { $0.key.contains("/") && $0.value["relation-info"] != nil }
    let checks = [DatabagCheck()] + RelationSide.allCases.flatMap { side in
        BagScope.allCases.map { DatabagCheck(side: side, scope: $0) }
    }
    for check in checks {
        let outcome: Result<CheckReport, DatabagError>
        do throws(DatabagError) { outcome = .success(try check.run(jsonText: text)) } catch { outcome = .failure(error) }
        let again: Result<CheckReport, DatabagError>
        do throws(DatabagError) { again = .success(try check.run(jsonText: text)) } catch { again = .failure(error) }
        if again != outcome { invariantFailed("DatabagCheck.run is not deterministic") }
        if let document {
            let respelled: Result<CheckReport, DatabagError>
            do throws(DatabagError) {
                respelled = .success(try check.run(jsonText: document.serialized(style: .python)))
            } catch { respelled = .failure(error) }
            if respelled != outcome { invariantFailed("the report depends on how the document is spelled, not only on its value") }
        }
        guard case .success(let report) = outcome else { continue }
        guard let document else { invariantFailed("a report for text that is not JSON") }
        for violation in report.violations { _ = "\(violation)" }
        if isShowUnit {
            if !report.violations.isEmpty, report.bagsChecked == 0 { invariantFailed("violations without a bag checked") }
            for violation in report.violations {
                guard let slash = violation.field.firstRange(of: "/relation-info["),
                    members[String(violation.field[..<slash.lowerBound])] != nil
                else { invariantFailed("violation field \(violation.field) is not located under a unit's relation-info") }
            }
        } else if let side = check.side {
            guard let bag = try? Databag(jsonValue: document) else { invariantFailed("a report for a bag that is not a databag") }
            if report.bagsChecked != 1 || report.violations != DatabagValidator().validate(bag, as: side.bagKind(check.scope)) {
                invariantFailed("checking one bag differs from validating it")
            }
        }
    }
    return 0
}
