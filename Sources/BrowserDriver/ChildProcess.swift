import Foundation

/// Processes the tests start: tools run to completion, and servers that run until killed. Both
/// use posix_spawn and waitpid (Foundation's Process can hang on Linux when a tool leaves a daemon
/// behind, as pg_ctl start does); output goes to a file.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// Where its standard output and error go.
    public let outputPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var output: String
        public var description: String { "\(command) failed: \(output)" }
    }

    /// Starts `argv` with standard output and error in `outputPath` and standard input from /dev/null.
    public init(_ argv: [String], outputPath: String, environment: [String: String] = [:]) throws(Failure) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Only 0-2 reach the child: nothing of the test process (its listening sockets, its
        // database connections, a record's locked log) leaks into a child and outlives it there.
        _ = Self.addCloseFrom(&actions, 3)
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        var cargs = argv.map { strdup($0) } + [nil]
        var cenv = env.map { strdup("\($0)=\($1)") } + [nil]
        defer { for p in cargs + cenv { free(p) } }
        // A clean signal state: the spawning thread may be one of libdispatch's workers, which block
        // every asynchronous signal, and a child inherits that mask (a `sleep` then ignored SIGTERM).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cargs, &cenv)
        guard spawned == 0 else { throw Failure(command: argv[0], output: "posix_spawn failed: \(spawned)") }
        self.pid = pid
        self.outputPath = outputPath
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which Swift's Glibc
    /// module does not declare (it is a GNU extension), resolved once.
    private static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed (posix_spawn_file_actions_addclosefrom_np)")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// What it wrote so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Waits for it to end; returns the raw wait status.
    @discardableResult
    public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let s = exitStatus { return s }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exitStatus = status
        return status
    }

    /// Its wait status if it has ended (without blocking), nil while it runs.
    private func reap() -> Int32? {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
            }
            return exitStatus
        }
    }

    /// Sends a signal and waits for it to end.
    public func kill(_ signal: Int32 = SIGKILL) {
        _ = Glibc.kill(pid, signal)
        wait()
    }

    /// Whether the process has ended (reaped).
    public var hasEnded: Bool { reap() != nil }

    /// Polls its output until a line starts with `prefix`; returns the rest of that line. The output
    /// is read once more after the deadline: a test process busy with other suites may wake this
    /// poll late, when the line has long been there (seen in CI: two servers "late" by the whole timeout).
    public func waitForLine(startingWith prefix: String, timeout: Double = 120) async throws(Failure) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        func found() -> String? {
            output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        while Date() < deadline {
            if let line = found() { return line }
            if reap() != nil {
                throw Failure(command: "process \(pid)", output: "ended before printing \(prefix): \(output)")
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        if let line = found() { return line }
        throw Failure(command: "process \(pid)", output: "printed no \(prefix) within \(timeout) s: \(output)")
    }

    /// Runs a tool to completion and returns its output; throws if it fails.
    @discardableResult
    public static func run(_ argv: [String]) throws(Failure) -> String {
        let outPath = "/tmp/plebiscite-spawn-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(outPath) }
        let child = try ChildProcess(argv, outputPath: outPath)
        let status = child.wait()
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failure(command: argv.joined(separator: " "), output: child.output)
        }
        return child.output
    }

    /// Runs a tool to completion and returns its output; throws if it fails. The wait happens on a
    /// thread of its own: Swift's cooperative pool has as many threads as cores (2 here), and a
    /// task blocked in `waitpid` there stalls every other task of the process, a board or an
    /// HTTP client serving the very tool waited for included.
    @discardableResult
    public static func run(_ argv: [String]) async throws(Failure) -> String {
        let outPath = "/tmp/plebiscite-spawn-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(outPath) }
        let child = try ChildProcess(argv, outputPath: outPath)
        let status = await child.waitOffThePool()
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failure(command: argv.joined(separator: " "), output: child.output)
        }
        return child.output
    }

    /// `wait()` on a thread of its own (see the async `run`).
    public func waitOffThePool() async -> Int32 {
        await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
            let thread = Thread { done.resume(returning: self.wait()) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's ephemeral range: the
    /// kernel never hands such a port to a socket bound to port 0 or to an outgoing connection, so
    /// a server stopped and started again on it (a crash test) finds it free, whatever other tests
    /// opened meanwhile. (From the ephemeral range, another test's server took a stopped
    /// PostgreSQL's port and the restart failed: "could not bind ... Address already in use".)
    public static func freePort() -> Int {
        let below = ephemeralPorts.lowerBound
        let range = max(1024, below - 12_000)..<below
        while true {
            let port = Int.random(in: range)
            if bindablePort(port) != nil { return port }
        }
    }

    /// The kernel's ephemeral port range (ip_local_port_range; Linux's default if unreadable).
    public static var ephemeralPorts: ClosedRange<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1], bounds[0] > 2048 else { return 32768...60999 }
        return bounds[0]...bounds[1]
    }

    /// The port a socket binds on 127.0.0.1 for `port` now (0: the kernel's choice), or nil if taken.
    public static func bindablePort(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } } == 0
        guard ok else { return nil }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
