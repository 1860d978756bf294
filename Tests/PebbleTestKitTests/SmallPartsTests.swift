#if canImport(Glibc)
import Glibc
#endif
import PebbleTestKit
import Testing

@Suite("Signal names, executable lookup, URL decoding")
struct SmallPartsTests {
    @Test("Signal names as Go's unix.SignalNum accepts them")
    func signalNames() {
        #expect(SignalName.number(for: "SIGTERM") == 15)
        #expect(SignalName.number(for: "SIGKILL") == 9)
        #expect(SignalName.number(for: "SIGHUP") == 1)
        #expect(SignalName.number(for: "SIGUSR1") == 10)
        #expect(SignalName.number(for: "SIGUSR2") == 12)
        #expect(SignalName.number(for: "SIGINT") == 2)
        #expect(SignalName.number(for: "SIGSYS") == 31)
        #expect(SignalName.number(for: "TERM") == nil)
        #expect(SignalName.number(for: "sigterm") == nil)
        #expect(SignalName.number(for: "SIGIOT") == nil)
        #expect(SignalName.name(for: 9) == "SIGKILL")
        #expect(SignalName.all.count == 31)
        #expect(Set(SignalName.all.map(\.number)) == Set(1...31))
    }

    @Test("Go's filepath.Clean")
    func cleanPath() {
        #expect(ExecutableLookup.cleanPath("/usr//bin/./sh") == "/usr/bin/sh")
        #expect(ExecutableLookup.cleanPath("/usr/local/../bin/") == "/usr/bin")
        #expect(ExecutableLookup.cleanPath("/../x") == "/x")
        #expect(ExecutableLookup.cleanPath("./sleep") == "sleep")
        #expect(ExecutableLookup.cleanPath("../a/../../b") == "../../b")
        #expect(ExecutableLookup.cleanPath("") == ".")
        #expect(ExecutableLookup.cleanPath("/") == "/")
    }

    @Test("Go's exec.LookPath: the first executable match, Go's error texts")
    func lookPath() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("tool", "#!/bin/sh\n", mode: 0o755)
        directory.write("plain", "data", mode: 0o644)
        #expect(try ExecutableLookup.lookPath("tool", searchPath: "/nonexistent:\(directory.path)/").get() == directory.file("tool"))
        #expect(throws: SpawnError.self) { try ExecutableLookup.lookPath("plain", searchPath: directory.path).get() }
        do {
            _ = try ExecutableLookup.lookPath("no-such-tool", searchPath: directory.path).get()
            Issue.record("found a missing tool")
        } catch {
            #expect(error.code == .executableNotFound)
            #expect(error.message == "exec: \"no-such-tool\": executable file not found in $PATH")
        }
        do {
            _ = try ExecutableLookup.lookPath("tool", searchPath: "relative-dir-\(getpid()):").get()
            // The empty entry means "."; the test's working directory has no "tool".
            Issue.record("found a tool through a relative entry")
        } catch {
            #expect(error.code == .executableNotFound)
        }
        #expect(ExecutableLookup.findExecutable("/") == EISDIR)
        #expect(ExecutableLookup.goQuote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"")
    }

    @Test("Query strings as Go's url.ParseQuery: + is a space, order and repeats kept, bad pairs skipped")
    func queryDecoding() {
        let pairs = URLDecoding.parseQuery("names=a%2Cb&names=c+d&flag&&x=%zz&semi=a;b&e=%E2%9C%93&=v")
        #expect(pairs.map(\.name) == ["names", "names", "flag", "e", ""])
        #expect(pairs.map(\.value) == ["a,b", "c d", "", "✓", "v"])
        #expect(URLDecoding.percentDecode("/a%20b+c", plusIsSpace: false) == "/a b+c")
        #expect(URLDecoding.percentDecode("%4", plusIsSpace: false) == nil)
    }

    @Test("Errno texts as Go's syscall.Errno gives them")
    func errnoText() {
        #expect(ErrnoText.describe(ENOENT) == "no such file or directory")
        #expect(ErrnoText.describe(EACCES) == "permission denied")
        #expect(ErrnoText.describe(EPERM) == "operation not permitted")
        #expect(ErrnoText.describe(ENOEXEC) == "exec format error")
    }

    @Test("Exit codes as Pebble's reaper computes them")
    func exitCodes() {
        #expect(ProcessSupervisor.exitCode(3 << 8) == 3)
        #expect(ProcessSupervisor.exitCode(0) == 0)
        #expect(ProcessSupervisor.exitCode(SIGTERM) == 143)
        #expect(ProcessSupervisor.exitCode(SIGKILL | 0x80) == 137)  // with a core dump
    }
}
