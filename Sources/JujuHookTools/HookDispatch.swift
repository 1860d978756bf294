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
            // Split at the first '=' on the bytes (no Character walk: this runs at every hook's start).
            if let equals = strchr(entry, Int32(UInt8(ascii: "="))) {
                let nameLength = equals - entry
                let name = entry.withMemoryRebound(to: UInt8.self, capacity: nameLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: nameLength), as: UTF8.self)
                }
                result[name] = String(cString: equals + 1)
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
