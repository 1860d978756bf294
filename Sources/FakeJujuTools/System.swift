// Files, locks and process plumbing for fake-juju-tools, on Glibc (no Foundation).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed call: `ERROR <message>` on stderr, then `exit(code)`.
struct ToolFailure: Error {
    var message: String
    var code: Int32 = 1

    init(_ message: String, code: Int32 = 1) {
        self.message = message
        self.code = code
    }
}

enum System {
    static func env(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Reads a whole file descriptor.
    static func readAll(fd: Int32) throws(ToolFailure) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](unsafeUninitializedCapacity: 65536) { _, count in count = 65536 }  // read() fills it
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ToolFailure("cannot read: \(errnoText())")
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    static func readFile(_ path: String) throws(ToolFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ToolFailure("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        return try readAll(fd: fd)
    }

    static func writeAll(fd: Int32, _ bytes: [UInt8]) throws(ToolFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ToolFailure("cannot write: \(errnoText())")
            }
            offset += n
        }
    }

    /// Writes `text` to `path` atomically (a temporary file renamed over it).
    static func writeFileAtomically(_ path: String, _ text: String) throws(ToolFailure) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ToolFailure("cannot write \(temporary): \(errnoText())") }
        do {
            try writeAll(fd: fd, Array(text.utf8))
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let text = errnoText()
            unlink(temporary)
            throw ToolFailure("cannot replace \(path): \(text)")
        }
    }

    /// Appends one line to `path` (O_APPEND: whole lines even from concurrent writers).
    static func appendLine(_ path: String, _ line: String) throws(ToolFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ToolFailure("cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        try writeAll(fd: fd, Array((line + "\n").utf8))
    }

    /// Takes an exclusive `flock` on `path` (created if needed); released when the process exits
    /// or ``unlock(_:)`` is called.
    static func lockExclusive(_ path: String) throws(ToolFailure) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ToolFailure("cannot open lock file \(path): \(errnoText())") }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let text = errnoText()
            close(fd)
            throw ToolFailure("cannot lock \(path): \(text)")
        }
        return fd
    }

    static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    static func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func removeFile(_ path: String) { unlink(path) }

    /// This executable's absolute path.
    static func executablePath(argv0: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        if let resolved = realpath(argv0, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        return argv0
    }

    static func makeDirectories(_ path: String) throws(ToolFailure) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw ToolFailure("cannot create \(current): \(errnoText())")
            }
        }
    }

    static func symlink(target: String, at path: String) throws(ToolFailure) {
        unlink(path)
        #if canImport(Glibc)
        let result = Glibc.symlink(target, path)
        #else
        let result = Darwin.symlink(target, path)
        #endif
        guard result == 0 else { throw ToolFailure("cannot create symlink \(path): \(errnoText())") }
    }

    static func printOut(_ text: String) {
        try? writeAll(fd: 1, Array(text.utf8))
    }

    static func printError(_ text: String) {
        try? writeAll(fd: 2, Array(text.utf8))
    }
}

/// Base64 (standard alphabet, padding optional) for `key#base64=...` secret values.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - 48 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i + 1 < values.count {
            let a = values[i], b = values[i + 1]
            out.append(a << 2 | b >> 4)
            if i + 2 < values.count {
                let c = values[i + 2]
                out.append((b & 0x0F) << 4 | c >> 2)
                if i + 3 < values.count { out.append((c & 0x03) << 6 | values[i + 3]) }
            }
            i += 4
        }
        return values.count % 4 == 1 ? nil : out
    }
}
