#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PostgreSQLClient

/// What a charm binary needs to start: the process environment and the hook it runs.
public enum HookDispatch {
    /// The process environment, read without Foundation.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// The relation hook a hook name stands for, when it is one of `endpoint`'s
    /// (`database-relation-changed` → `.changed`).
    public static func relationHook(_ environment: HookEnvironment, endpoint: String) -> RelationHook? {
        guard environment.hookName.hasPrefix("\(endpoint)-relation-") else { return nil }
        switch environment.hookName.dropFirst("\(endpoint)-relation-".count) {
        case "created": return .created
        case "joined": return .joined(remoteUnit: environment.remoteUnit ?? "")
        case "changed": return .changed(remoteUnit: environment.remoteUnit)
        case "departed": return .departed(remoteUnit: environment.remoteUnit ?? "")
        case "broken": return .broken
        default: return nil
        }
    }

    /// Writes one line to standard error (for the operator running the hook by hand).
    public static func printError(_ message: String) {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
