#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Pebble

/// The files API's work on the real file system (internals/daemon/api_files.go), with Go's
/// `os` error texts (`stat /x: no such file or directory`). With a root, every container path
/// lives under it and messages still show the container path.
struct FileOperations: Sendable {
    /// A failed file operation: Pebble's message and the errno that decides its kind.
    struct Failure: Error, Sendable {
        var message: String
        var errno: Int32

        /// `not-found`, `permission-denied` or `generic-file-error`.
        var kind: String {
            switch errno {
            case ENOENT: return "not-found"
            case EACCES, EPERM: return "permission-denied"
            default: return "generic-file-error"
            }
        }

        /// The status of a failed list (`fileErrorToStatus`).
        var status: Int {
            switch errno {
            case ENOENT: return 404
            case EACCES, EPERM: return 403
            default: return 400
            }
        }
    }

    var root: String?

    func host(_ path: String) -> String { root.map { $0 + path } ?? path }

    func fail(_ op: String, _ path: String, _ code: Int32 = errno) -> Failure {
        Failure(message: "\(op) \(path): \(ErrnoText.describe(code))", errno: code)
    }

    static func requireAbsolute(_ path: String) throws(Failure) {
        guard path.hasPrefix("/") else { throw Failure(message: "paths must be absolute, got \(PebbleQuoting.quote(path))", errno: EINVAL) }
    }

    // MARK: - Read

    func read(_ path: String) throws(Failure) -> [UInt8] {
        try Self.requireAbsolute(path)
        var st = stat()
        guard stat(host(path), &st) == 0 else { throw fail("stat", path) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw Failure(message: "can only read a regular file: \(PebbleQuoting.quote(path))", errno: EINVAL)
        }
        let fd = open(host(path), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail("open", path) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 { if errno == EINTR { continue }; throw fail("read", path) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    // MARK: - List

    func list(_ path: String, pattern: String, itself: Bool) throws(Failure) -> [FileInfo] {
        var st = stat()
        guard stat(host(path), &st) == 0 else { throw fail("stat", path) }
        var entries: [(name: String, info: stat)] = []
        let directory: String
        if st.st_mode & S_IFMT != S_IFDIR || itself {
            entries = [(Self.base(path), st)]
            directory = Self.dir(path)
        } else {
            guard let handle = opendir(host(path)) else { throw fail("open", path) }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                var est = stat()
                guard lstat(host(Self.join(path, name)), &est) == 0 else { throw fail("lstat", Self.join(path, name)) }
                entries.append((name, est))
            }
            entries.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            directory = path
        }
        var result: [FileInfo] = []
        for (name, info) in entries {
            if !pattern.isEmpty {
                guard let matched = Glob.match(pattern, name) else { throw Failure(message: "syntax error in pattern", errno: EINVAL) }
                if !matched { continue }
            }
            result.append(Self.fileInfo(Self.join(directory, name), info))
        }
        return result
    }

    static func fileInfo(_ path: String, _ st: stat) -> FileInfo {
        let type: FileType
        switch st.st_mode & S_IFMT {
        case S_IFREG: type = .file
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symlink
        case S_IFSOCK: type = .socket
        case S_IFIFO: type = .namedPipe
        case S_IFBLK, S_IFCHR: type = .device
        default: type = .unknown
        }
        let modified = Timestamp(seconds: Int64(st.st_mtim.tv_sec)).rfc3339
        return FileInfo(path: path, name: base(path), type: type, size: type == .file ? Int(st.st_size) : nil,
                        permissions: Int(st.st_mode & 0o777), lastModified: modified, userID: Int(st.st_uid),
                        user: Accounts.user(id: st.st_uid)?.name ?? "", groupID: Int(st.st_gid),
                        group: Accounts.groupName(id: st.st_gid) ?? "")
    }

    // MARK: - Write

    /// Writes a file atomically (a temporary `<path>.<n>~` renamed over it), as Pebble does.
    func write(_ path: String, _ content: [UInt8], makeDirs: Bool, permissions: String,
               ids: (uid: UInt32, gid: UInt32)?) throws(Failure) {
        try Self.requireAbsolute(path)
        if makeDirs {
            do { try makeDirectories(Self.dir(path), mode: 0o755, ids: ids, chmod: true) } catch {
                throw Failure(message: "cannot create directory: \(error.message)", errno: error.errno)
            }
        }
        let mode = try Self.parsePermissions(permissions, default: 0o644)
        let temporary = "\(path).\(UInt32.random(in: 10_000...99_999_999))~"
        let fd = open(host(temporary), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw fail("open", temporary) }
        var offset = 0
        while offset < content.count {
            let n = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let failure = fail("write", temporary)
                close(fd)
                unlink(host(temporary))
                throw failure
            }
            offset += n
        }
        fchmod(fd, mode)
        if let ids, fchown(fd, ids.uid, ids.gid) != 0 {
            let failure = fail("chown", temporary)
            close(fd)
            unlink(host(temporary))
            throw failure
        }
        close(fd)
        guard rename(host(temporary), host(path)) == 0 else {
            // Go's os.Rename refuses a directory target itself (EEXIST); its LinkError names both paths.
            var code = errno
            var st = stat()
            if lstat(host(path), &st) == 0, st.st_mode & S_IFMT == S_IFDIR { code = EEXIST }
            let failure = Failure(message: "rename \(temporary) \(path): \(ErrnoText.describe(code))", errno: code)
            unlink(host(temporary))
            throw failure
        }
    }

    // MARK: - Directories

    func makeDirectory(_ path: String, makeParents: Bool, permissions: String, ids: (uid: UInt32, gid: UInt32)?) throws(Failure) {
        try Self.requireAbsolute(path)
        let mode = try Self.parsePermissions(permissions, default: 0o755)
        if makeParents {
            try makeDirectories(path, mode: mode, ids: ids, chmod: true)
        } else {
            // osutil.Mkdir: an existing path is refused by name; a new directory is made as
            // `<path>.mkdir-new` and renamed, so a failure to make it names that path.
            var st = stat()
            if stat(host(path), &st) == 0 { throw fail("mkdir", path, st.st_mode & S_IFMT == S_IFDIR ? EEXIST : ENOTDIR) }
            guard mkdir(host(path), mode) == 0 else { throw fail("mkdir", path + ".mkdir-new") }
            chmod(host(path), mode)
            if let ids { chown(host(path), ids.uid, ids.gid) }
        }
    }

    /// `mkdir -p`: existing directories are fine; created ones get `mode` and the owner.
    func makeDirectories(_ path: String, mode: mode_t, ids: (uid: UInt32, gid: UInt32)?, chmod doChmod: Bool) throws(Failure) {
        var st = stat()
        if stat(host(path), &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw fail("mkdir", path, ENOTDIR) }
            return
        }
        let parent = Self.dir(path)
        if parent != path { try makeDirectories(parent, mode: mode, ids: ids, chmod: doChmod) }
        if mkdir(host(path), mode) != 0, errno != EEXIST { throw fail("mkdir", path + ".mkdir-new") }
        if doChmod { chmod(host(path), mode) }
        if let ids { chown(host(path), ids.uid, ids.gid) }
    }

    // MARK: - Remove

    func remove(_ path: String, recursive: Bool) throws(Failure) {
        try Self.requireAbsolute(path)
        if recursive {
            try removeAll(path)
            return
        }
        if unlink(host(path)) == 0 { return }
        let unlinkError = errno
        if rmdir(host(path)) == 0 { return }
        // Go's os.Remove reports the rmdir error when the path is a directory, else unlink's.
        let rmdirError = errno
        var st = stat()
        let isDirectory = lstat(host(path), &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
        throw fail("remove", path, isDirectory && rmdirError != ENOTDIR ? rmdirError : unlinkError)
    }

    func removeAll(_ path: String) throws(Failure) {
        var st = stat()
        guard lstat(host(path), &st) == 0 else {
            if errno == ENOENT { return }
            throw fail("lstat", path)
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard let handle = opendir(host(path)) else { throw fail("open", path) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names { try removeAll(Self.join(path, name)) }
            guard rmdir(host(path)) == 0 || errno == ENOENT else { throw fail("unlinkat", path) }
        } else {
            guard unlink(host(path)) == 0 || errno == ENOENT else { throw fail("unlinkat", path) }
        }
    }

    // MARK: - Helpers

    static func parsePermissions(_ text: String, default value: mode_t) throws(Failure) -> mode_t {
        if text.isEmpty { return value }
        guard text.utf8.count == 3, let bits = UInt32(text, radix: 8) else {
            throw Failure(message: "permissions must be a 3-digit octal string, got \(PebbleQuoting.quote(text))", errno: EINVAL)
        }
        return mode_t(bits)
    }

    static func base(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if p == "/" { return "/" }
        return p.split(separator: "/").last.map(String.init) ?? "."
    }

    static func dir(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let head = path[..<slash]
        return head.isEmpty ? "/" : String(head)
    }

    static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }
}
