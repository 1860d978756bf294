#if canImport(Glibc)
import Glibc
#endif

/// Linux signal names and numbers, as Go's `unix.SignalNum` and `unix.SignalName` know them: the
/// 31 standard signals, spelled exactly with their `SIG` prefix in upper case (`SIGTERM`, not
/// `TERM` or `sigterm`), without aliases (`SIGIOT`, `SIGPOLL`, `SIGCLD`) or real-time signals.
/// This is what Pebble accepts in `POST /v1/signals` (anything else is an "invalid signal name").
package enum SignalName {
    /// The names in signal-number order (index 0 is signal 1), the x86-64 and arm64 numbering.
    package static let all: [(name: String, number: Int32)] = [
        ("SIGHUP", SIGHUP), ("SIGINT", SIGINT), ("SIGQUIT", SIGQUIT), ("SIGILL", SIGILL),
        ("SIGTRAP", SIGTRAP), ("SIGABRT", SIGABRT), ("SIGBUS", SIGBUS), ("SIGFPE", SIGFPE),
        ("SIGKILL", SIGKILL), ("SIGUSR1", SIGUSR1), ("SIGSEGV", SIGSEGV), ("SIGUSR2", SIGUSR2),
        ("SIGPIPE", SIGPIPE), ("SIGALRM", SIGALRM), ("SIGTERM", SIGTERM), ("SIGSTKFLT", SIGSTKFLT),
        ("SIGCHLD", SIGCHLD), ("SIGCONT", SIGCONT), ("SIGSTOP", SIGSTOP), ("SIGTSTP", SIGTSTP),
        ("SIGTTIN", SIGTTIN), ("SIGTTOU", SIGTTOU), ("SIGURG", SIGURG), ("SIGXCPU", SIGXCPU),
        ("SIGXFSZ", SIGXFSZ), ("SIGVTALRM", SIGVTALRM), ("SIGPROF", SIGPROF), ("SIGWINCH", SIGWINCH),
        ("SIGIO", SIGIO), ("SIGPWR", SIGPWR), ("SIGSYS", SIGSYS),
    ]

    /// The number of the signal named `name` (exactly, e.g. `SIGTERM` → 15), or `nil`.
    package static func number(for name: String) -> Int32? {
        all.first { $0.name == name }?.number
    }

    /// The name of signal `number` (e.g. 9 → `SIGKILL`), or `nil`.
    package static func name(for number: Int32) -> String? {
        all.first { $0.number == number }?.name
    }
}
