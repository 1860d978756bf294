#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp (short paths: unix socket paths must fit in 107 bytes), removed
/// with everything in it by ``remove()``.
final class TemporaryDirectory {
    /// The directory's path.
    let path: String

    /// Creates `/tmp/ptk-XXXXXX`.
    init() {
        var template = Array("/tmp/ptk-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { fatalError("cannot create a temporary directory: errno \(errno)") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` with `mode`; returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o644) -> String {
        let filePath = file(name)
        let fd = open(filePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        precondition(fd >= 0, "cannot create \(filePath)")
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        chmod(filePath, mode)
        return filePath
    }

    /// Removes the directory and everything in it.
    func remove() {
        Self.removeTree(path)
    }

    /// Removes `path`, recursively when it is a directory.
    static func removeTree(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            if let directory = opendir(path) {
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(directory)
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
