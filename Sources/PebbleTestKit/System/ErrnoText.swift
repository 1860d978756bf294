#if canImport(Glibc)
import Glibc
#endif

/// The text of an errno value as Go's `syscall.Errno.Error()` gives it on Linux: the C library's
/// message with its first letter in lower case (`no such file or directory`), which is how Go's
/// table is generated. Thread-safe (`strerror_r`, not `strerror`).
package enum ErrnoText {
    /// The text for `code`, e.g. `permission denied` for `EACCES`; `errno N` for an unknown one.
    package static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard strerror_r(code, &buffer, buffer.count) == 0 else { return "errno \(code)" }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let first = text.first, !text.hasPrefix("Unknown error") else { return "errno \(code)" }
        return first.lowercased() + text.dropFirst()
    }

    /// The text for the calling thread's current `errno`.
    package static func current() -> String { describe(errno) }
}
