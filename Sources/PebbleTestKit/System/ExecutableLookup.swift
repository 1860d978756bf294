#if canImport(Glibc)
import Glibc
#endif

/// Go's `exec.LookPath` on Linux: how `exec.Command` turns a command name without a slash into
/// a path, and the texts of its errors.
package enum ExecutableLookup {
    /// Searches `searchPath` (a colon-separated list, an empty entry meaning the current
    /// directory; the daemon's `PATH` when `nil`) for an executable named `file` (which has no
    /// slash). A match is `dir/file` cleaned (Go's `filepath.Join`). A relative match is refused,
    /// as Go 1.19+ does.
    package static func lookPath(_ file: String, searchPath: String? = nil) -> Result<String, SpawnError> {
        let path = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? ""
        for entry in path.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            let candidate = cleanPath(directory + "/" + file)
            guard findExecutable(candidate) == 0 else { continue }
            if !candidate.hasPrefix("/") {
                return .failure(SpawnError(
                    .relativeExecutable,
                    message: "exec: \(goQuote(file)): cannot run executable found relative to current directory",
                    hint: "give the command as an absolute path, or remove relative entries from the daemon's PATH"))
            }
            return .success(candidate)
        }
        return .failure(SpawnError(
            .executableNotFound,
            message: "exec: \(goQuote(file)): executable file not found in $PATH",
            hint: "install \(file) on the daemon's PATH or give the command as an absolute path"))
    }

    /// Go's `findExecutable`: 0 when `path` exists, is not a directory and is executable for the
    /// effective user; otherwise an errno value.
    package static func findExecutable(_ path: String) -> Int32 {
        var status = stat()
        guard stat(path, &status) == 0 else { return errno }
        if status.st_mode & S_IFMT == S_IFDIR { return EISDIR }
        if faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 { return 0 }
        let error = errno
        if error != ENOSYS && error != EPERM { return error }
        return status.st_mode & 0o111 != 0 ? 0 : EACCES
    }

    /// Go's `filepath.Clean`: one slash between elements, no `.` elements, `..` resolved
    /// lexically (and dropped at the root), no trailing slash; `.` for an empty result.
    package static func cleanPath(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for element in path.split(separator: "/") {
            switch element {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(element)
                }
            default:
                parts.append(element)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Go's `strconv.Quote` (the Pebble module's, shared with the layer decoder).
    package static func goQuote(_ text: String) -> String { PebbleQuoting.quote(text) }
}
