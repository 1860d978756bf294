import Foundation
import PostgresNIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a ``ThrowawayPostgres`` could not start.
public struct ThrowawayPostgresError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The message says "PostgreSQL binaries not found: install postgresql".
    public static func binariesNotFound(searched: [String]) -> Self {
        Self("PostgreSQL binaries not found: install postgresql (apt-get install -y postgresql); looked for initdb, pg_ctl and postgres in \(searched.joined(separator: ", "))")
    }
}

/// A PostgreSQL server of its own, for tests and demos: a fresh cluster in a temporary directory,
/// listening on 127.0.0.1 only, on a free port, with password (SCRAM-SHA-256) authentication
/// for every connection and a generated superuser password.
///
/// ``start(binDirectory:timeout:)`` returns once the server accepts connections; ``stop()``
/// stops it (`pg_ctl stop -m fast`) and removes the directory. It is also stopped when the
/// object goes away.
///
/// When running as root, the cluster belongs to the `postgres` OS user (`runuser -u postgres`),
/// since PostgreSQL refuses to run as root.
public final class ThrowawayPostgres: @unchecked Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    /// The bootstrap superuser.
    public let adminUser: String
    /// Generated at start, 24 letters and digits.
    public let adminPassword: String
    /// The temporary directory: the cluster (`data/`), the Unix socket, the server log.
    public let directory: String
    public let binDirectory: String
    /// `SHOW server_version`, for example `15.14 (Debian 15.14-0+deb12u1)`.
    public let serverVersion: String
    /// How long ``start(binDirectory:timeout:)`` took, initdb included.
    public let startupDuration: Duration

    let runAs: String?
    let runuser: String?
    let watchdog: pid_t?
    private let lock = NSLock()
    private var stopped = false

    public var dataDirectory: String { directory + "/data" }
    public var logFile: String { directory + "/server.log" }

    private init(watchdog: pid_t?, port: Int, adminUser: String, adminPassword: String, directory: String, binDirectory: String,
                 serverVersion: String, startupDuration: Duration, runAs: String?, runuser: String?) {
        self.watchdog = watchdog
        self.port = port
        self.adminUser = adminUser
        self.adminPassword = adminPassword
        self.directory = directory
        self.binDirectory = binDirectory
        self.serverVersion = serverVersion
        self.startupDuration = startupDuration
        self.runAs = runAs
        self.runuser = runuser
    }

    deinit {
        stop()
    }

    // MARK: Connecting

    /// A connection configuration for `user` to `database` on this server (no TLS).
    public func connectionConfiguration(user: String, password: String?, database: String) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// A pool configuration for `user` to `database` on this server (no TLS).
    public func clientConfiguration(user: String, password: String?, database: String) -> PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    /// A pool for `user` to `database`; the caller runs it (`await client.run()` in a task).
    public func makeClient(user: String, password: String?, database: String) -> PostgresClient {
        PostgresClient(configuration: clientConfiguration(user: user, password: password, database: database))
    }

    /// A single connection for `user` to `database`; the caller closes it.
    public func connect(user: String, password: String?, database: String, logger: Logger? = nil) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: connectionConfiguration(user: user, password: password, database: database),
            id: 1,
            logger: logger ?? Self.quietLogger)
    }

    /// Runs `body` on a connection for `user` to `database`, then closes it.
    @discardableResult
    public func withConnection<Result: Sendable>(
        user: String, password: String?, database: String,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(user: user, password: password, database: database)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `body` on a connection of the administrator to `database`.
    @discardableResult
    public func withAdminConnection<Result: Sendable>(
        database: String = "postgres",
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection(user: adminUser, password: adminPassword, database: database, body)
    }

    /// A ``PostgresAllocator`` working on this server as its administrator.
    public func makeAllocator() -> PostgresAllocator {
        PostgresAllocator(host: host, port: port, adminUser: adminUser, adminPassword: adminPassword)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "PostgreSQLClientPostgres.ThrowawayPostgres")
        logger.logLevel = .critical
        return logger
    }

    // MARK: Starting

    /// Where PostgreSQL's binaries are looked for, in order, when no directory is given: only
    /// `$THROWAWAY_POSTGRES_BIN_DIR` if it is set; else `/usr/lib/postgresql/15/bin`, the other
    /// `/usr/lib/postgresql/*/bin` (newest first), Homebrew's, then `$PATH`.
    public static func candidateBinDirectories() -> [String] {
        if let dir = ProcessInfo.processInfo.environment["THROWAWAY_POSTGRES_BIN_DIR"], !dir.isEmpty {
            return [dir]
        }
        var candidates = ["/usr/lib/postgresql/15/bin"]
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).filter { $0 != 15 }.sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += ["/opt/homebrew/opt/postgresql@15/bin", "/usr/local/opt/postgresql@15/bin"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map(String.init)
        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted }
    }

    static func hasBinaries(_ dir: String) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: dir + "/" + $0) }
    }

    /// Starts a new server and waits until it accepts connections (at most `timeout`).
    ///
    /// - Parameter binDirectory: where `initdb`, `pg_ctl` and `postgres` are; `nil` searches
    ///   ``candidateBinDirectories()``.
    /// - Throws: ``ThrowawayPostgresError``; when the binaries are missing, its message says
    ///   "PostgreSQL binaries not found: install postgresql".
    public static func start(binDirectory: String? = nil, timeout: Duration = .seconds(60)) async throws -> ThrowawayPostgres {
        let clock = ContinuousClock()
        let began = clock.now
        let deadline = began + timeout

        let searched = binDirectory.map { [$0] } ?? candidateBinDirectories()
        guard let bin = searched.first(where: hasBinaries) else {
            throw ThrowawayPostgresError.binariesNotFound(searched: searched)
        }

        // Who runs the server: PostgreSQL refuses root.
        var runAs: String? = nil
        var runuser: String? = nil
        var owner: (uid: uid_t, gid: gid_t)? = nil
        if geteuid() == 0 {
            guard let pw = getpwnam("postgres") else {
                throw ThrowawayPostgresError("running as root, but there is no 'postgres' OS user to run PostgreSQL as (install postgresql)")
            }
            owner = (pw.pointee.pw_uid, pw.pointee.pw_gid)
            runAs = "postgres"
            runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) }
            guard runuser != nil else {
                throw ThrowawayPostgresError("running as root, but runuser(1) was not found to run PostgreSQL as 'postgres'")
            }
        }

        // The directory; short, since the Unix socket path must fit in 107 bytes.
        var base = NSTemporaryDirectory()
        if base.utf8.count > 40 || !FileManager.default.fileExists(atPath: base) { base = "/tmp" }
        if base.hasSuffix("/") { base.removeLast() }
        let directory = base + "/throwaway-pg-" + UUID().uuidString.prefix(8).lowercased()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ThrowawayPostgresError("could not create \(directory): \(error)")
        }
        var cleanUp = true
        defer { if cleanUp { try? FileManager.default.removeItem(atPath: directory) } }
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            throw ThrowawayPostgresError("could not give \(directory) to the postgres user (errno \(errno))")
        }

        let password = Self.generatePassword()
        let runner = Runner(bin: bin, directory: directory, runuser: runuser, runAs: runAs)

        // initdb, with the password from a file that is removed right after.
        let pwfile = directory + "/pwfile"
        try writeFile(pwfile, password + "\n", owner: owner)
        let initdb = try await runner.run(
            "initdb",
            ["-D", directory + "/data", "-U", "postgres", "--pwfile=" + pwfile, "-A", "scram-sha-256",
             "--encoding=UTF8", "--no-locale", "--no-sync"],
            log: "initdb.log", timeout: max(.seconds(1), deadline - clock.now))
        try? FileManager.default.removeItem(atPath: pwfile)
        guard initdb.status == 0 else {
            throw ThrowawayPostgresError("initdb failed (status \(initdb.status)): \(initdb.output)")
        }

        // Authentication: a password for every connection, over the socket as over TCP.
        try writeFile(directory + "/data/pg_hba.conf", """
            # ThrowawayPostgres: passwords only, loopback only.
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256

            """, owner: owner)
        let settings = """

            # ThrowawayPostgres
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(directory)'
            password_encryption = 'scram-sha-256'
            max_connections = 40
            shared_buffers = 16MB
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """
        do {
            let conf = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/data/postgresql.conf"))
            try conf.seekToEnd()
            try conf.write(contentsOf: Data(settings.utf8))
            try conf.close()
        } catch {
            throw ThrowawayPostgresError("could not write postgresql.conf: \(error)")
        }

        // A free loopback port; if another process takes it before the server binds, try again.
        var port = 0
        var started = false
        var lastFailure = ""
        for _ in 0..<4 where !started {
            port = try freeLoopbackPort()
            let seconds = max(1, Int((deadline - clock.now).components.seconds))
            let ctl = try await runner.run(
                "pg_ctl",
                ["-D", directory + "/data", "-l", directory + "/server.log", "-o", "-p \(port)", "-w", "-t", "\(seconds)", "start"],
                log: "pg_ctl-start.log", timeout: .seconds(seconds + 5))
            if ctl.status == 0 {
                started = true
            } else {
                let log = tail(directory + "/server.log")
                lastFailure = "pg_ctl start failed (status \(ctl.status)): \(ctl.output)\n\(log)"
                _ = try? await runner.run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"],
                                          log: "pg_ctl-stop.log", timeout: .seconds(30))
                guard log.contains("could not bind") || log.contains("already in use"), clock.now < deadline else { break }
            }
        }
        guard started else { throw ThrowawayPostgresError(lastFailure) }

        // The server is up for pg_ctl; wait until it takes a password login over TCP.
        let configuration: PostgresConnection.Configuration = {
            var c = PostgresConnection.Configuration(
                host: "127.0.0.1", port: port, username: "postgres", password: password, database: "postgres", tls: .disable)
            c.options.connectTimeout = .seconds(5)
            return c
        }()
        var version: String? = nil
        var lastError = ""
        while version == nil {
            do {
                let conn = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: quietLogger)
                do {
                    let rows = try await conn.query("SHOW server_version", logger: quietLogger).collect()
                    version = try rows.first?.decode(String.self) ?? "unknown"
                    try await conn.close()
                } catch {
                    try? await conn.close()
                    throw error
                }
            } catch {
                lastError = "\(error)"
                if let e = error as? PSQLError, let message = e.serverInfo?[.message] { lastError = message }
                if clock.now >= deadline {
                    _ = try? await runner.run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"],
                                              log: "pg_ctl-stop.log", timeout: .seconds(30))
                    throw ThrowawayPostgresError("PostgreSQL did not accept connections within \(timeout): \(lastError)\n\(tail(directory + "/server.log"))")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        // If this process dies without stop() (a crash), a watchdog stops the server and
        // removes the directory.
        let watchdog = try? runner.spawnWatchdog(for: getpid())

        cleanUp = false
        return ThrowawayPostgres(watchdog: watchdog, 
            port: port, adminUser: "postgres", adminPassword: password, directory: directory, binDirectory: bin,
            serverVersion: version ?? "unknown", startupDuration: clock.now - began, runAs: runAs, runuser: runuser)
    }

    // MARK: Stopping

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { lock.withLock { stopped } }

    /// Stops the server (`pg_ctl stop -m fast`, then `-m immediate` if that fails) and removes
    /// its directory. Safe to call more than once.
    public func stop() {
        let already = lock.withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        if already { return }
        if let watchdog {
            kill(watchdog, SIGTERM)
            var status: Int32 = 0
            _ = waitpid(watchdog, &status, 0)
        }
        let runner = Runner(bin: binDirectory, directory: directory, runuser: runuser, runAs: runAs)
        let fast = try? runner.runBlocking("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"],
                                           log: "pg_ctl-stop.log", timeout: .seconds(40))
        if fast?.status != 0 {
            _ = try? runner.runBlocking("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"],
                                        log: "pg_ctl-stop.log", timeout: .seconds(40))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Helpers

    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    static func writeFile(_ path: String, _ text: String, owner: (uid: uid_t, gid: gid_t)?) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ThrowawayPostgresError("could not write \(path)")
        }
        if let owner, chown(path, owner.uid, owner.gid) != 0 {
            throw ThrowawayPostgresError("could not give \(path) to the postgres user (errno \(errno))")
        }
    }

    static func tail(_ path: String, bytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    public static func freeLoopbackPort() throws -> Int {
        #if canImport(Darwin)
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { throw ThrowawayPostgresError("socket() failed (errno \(errno))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        guard inet_pton(AF_INET, "127.0.0.1", &address.sin_addr) == 1 else {
            throw ThrowawayPostgresError("inet_pton failed")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ThrowawayPostgresError("bind(127.0.0.1:0) failed (errno \(errno))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ThrowawayPostgresError("getsockname failed (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs PostgreSQL's programs, as `postgres` through runuser when we are root, with their output
/// in a log file of the server's directory.
///
/// posix_spawn and waitpid rather than Foundation's `Process`: `pg_ctl start` leaves a daemon
/// behind, and `Process` on Linux waits for descriptors the daemon inherits, so it never sees
/// pg_ctl end. Here the child gets only stdin (/dev/null), stdout and stderr (the log).
struct Runner: Sendable {
    let bin: String
    let directory: String
    let runuser: String?
    let runAs: String?

    struct Outcome: Sendable {
        var status: Int32
        var output: String
    }

    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static func lookUp<F>(_ name: String, as type: F.Type) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    /// `posix_spawn_file_actions_addclosefrom_np`: the child gets no descriptor above 2.
    static let addClosefrom: AddClosefrom? = lookUp("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)
    /// `posix_spawn_file_actions_addchdir_np`: the child starts in the server's directory.
    static let addChdir: AddChdir? = lookUp("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)

    func run(_ program: String, _ arguments: [String], log: String, timeout: Duration) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.runBlocking(program, arguments, log: log, timeout: timeout) })
            }
        }
    }

    /// The command line for `program`, through runuser if needed.
    func commandLine(_ program: String, _ arguments: [String]) -> [String] {
        if let runuser, let runAs {
            return [runuser, "-u", runAs, "--", bin + "/" + program] + arguments
        }
        return [bin + "/" + program] + arguments
    }

    /// Starts a shell that waits, checking every second, until process `pid` is gone or the
    /// cluster directory was removed; if the process went first, it stops the server
    /// (`-m immediate`) and removes the directory. Values reach the script as arguments only.
    func spawnWatchdog(for pid: pid_t) throws -> pid_t {
        let script = """
            pid=$1; dir=$2; shift 2
            while kill -0 "$pid" 2>/dev/null && [ -d "$dir/data" ]; do sleep 1; done
            if [ -d "$dir/data" ]; then "$@"; rm -rf "$dir"; fi
            """
        let stop = commandLine("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        return try spawn(["/bin/sh", "-c", script, "throwaway-postgres-watchdog", String(pid), directory] + stop,
                         logPath: "/dev/null")
    }

    /// posix_spawn with stdin from /dev/null, stdout and stderr to `logPath`, no other descriptor.
    func spawn(_ argv: [String], logPath: String) throws -> pid_t {
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw ThrowawayPostgresError("could not open \(logPath) (errno \(errno))") }
        defer { close(logFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)
        // Not imported by Swift's Glibc module: found at run time (glibc 2.34 and 2.29).
        if let closefrom = Self.addClosefrom { _ = closefrom(&actions, 3) }
        if let chdir = Self.addChdir { _ = directory.withCString { chdir(&actions, $0) } }

        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw ThrowawayPostgresError("could not run \(argv[0]) (posix_spawn: \(String(cString: strerror(spawned))))")
        }
        return pid
    }

    func runBlocking(_ program: String, _ arguments: [String], log: String, timeout: Duration) throws -> Outcome {
        let logPath = directory + "/" + log
        let pid = try spawn(commandLine(program, arguments), logPath: logPath)

        // Wait, bounded: past the timeout the child is killed.
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        var killed = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR {
                throw ThrowawayPostgresError("waitpid failed for \(program) (errno \(errno))")
            }
            if !killed && clock.now >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(20_000)
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        var output = ThrowawayPostgres.tail(logPath)
        if killed { output = "timed out after \(timeout)\n" + output }
        return Outcome(status: exitStatus, output: output)
    }
}
