import BoardStoragePostgres
import Foundation

/// Real PostgreSQL servers for the tests: initdb and pg_ctl (Debian's postgresql package) on a
/// temporary folder, listening on 127.0.0.1 and a free port; run as the postgres user when the
/// tests run as root. One shared server per test process, plus dedicated ones for tests that stop
/// and restart theirs; all are stopped at exit.
public enum PostgresTestServer {
    /// One running server.
    public struct Instance: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var directory: String
        let bin: String
        /// More server settings (`-c name=value ...`).
        var settings = ""

        var data: String { "\(directory)/data" }

        /// Stops the server at once, as a crash would (pg_ctl -m immediate: no checkpoint).
        public func stopImmediately() async throws {
            try await PostgresTestServer.run("\(bin)/pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
        }

        /// `stopImmediately` from a `defer` or at exit, where nothing can be awaited (it blocks the
        /// calling thread for the second pg_ctl takes).
        public func stopImmediatelyBlocking() {
            _ = try? PostgresTestServer.runBlocking("\(bin)/pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
        }

        /// Starts it again on the same port and data (crash recovery runs first).
        public func start() async throws {
            try await PostgresTestServer.run(
                "\(bin)/pg_ctl",
                [
                    "-D", data, "-l", "\(directory)/server.log", "-w", "-t", "60", "-o",
                    "-p \(port) -h 127.0.0.1 -k \(directory) -c fsync=on \(settings)",
                    "start",
                ])
        }

        /// A fresh database on this server.
        public func createDatabase(_ name: String) async throws {
            try await PostgresTestServer.run("\(bin)/createdb", ["-h", host, "-p", "\(port)", "-U", username, name])
        }

        /// A board store on database `name` of this server (created if `create`).
        public func store(_ name: String, create: Bool = false, deadline: Duration = .seconds(30)) async throws -> PostgresBoardStore {
            if create { try await createDatabase(name) }
            // The first contact bounded generously: it only guards against a hang, and a loaded
            // machine (a CPU hog beside the suite) may take seconds to create the tables.
            return try await PostgresBoardStore(
                host: host, port: port, username: username, password: nil, database: name, connectTimeout: .seconds(60),
                deadline: deadline)
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        public var description: String {
            "PostgreSQL is not installed (apt-get install postgresql; scripts/install-deps --test does it)"
        }
    }

    nonisolated(unsafe) private static var started: [Instance] = []
    private static let lock = NSLock()

    /// The server shared by the tests that only need a database, started by the first to ask.
    public static func shared() async throws -> Instance { try await SharedServer.one.instance() }

    /// Starts the shared server once, however many tests ask at once.
    private actor SharedServer {
        static let one = SharedServer()
        private var starting: Task<Instance, any Error>?

        func instance() async throws -> Instance {
            if starting == nil { starting = Task { try await PostgresTestServer.start() } }
            return try await starting!.value
        }
    }

    static func binDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.compactMap { name -> Int? in Int(name) }.sorted()
        guard let version = versions.last else { return nil }
        let bin = "\(root)/\(version)/bin"
        return FileManager.default.fileExists(atPath: "\(bin)/initdb") ? bin : nil
    }

    static var asPostgres: Bool { getuid() == 0 }

    /// Runs a PostgreSQL tool (as the postgres user when the tests run as root), waiting off the cooperative pool.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) async throws -> String {
        try await ChildProcess.run(command(tool, args))
    }

    @discardableResult
    static func runBlocking(_ tool: String, _ args: [String]) throws -> String { try ChildProcess.run(command(tool, args)) }

    static func command(_ tool: String, _ args: [String]) -> [String] {
        asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + args : [tool] + args
    }

    /// A new server that takes TLS connections only (`ssl=on`, pg_hba `hostssl` alone), with a
    /// self-signed certificate for 127.0.0.1 (returned, to trust it with `sslrootcert`).
    public static func startTLS() async throws -> (Instance, TestCertificate) {
        nonisolated(unsafe) var certificate: TestCertificate?
        let instance = try await start { instance in
            let cert = try TestCertificate.make(in: instance.directory)
            if asPostgres { try ChildProcess.run(["/usr/bin/chown", "postgres:postgres", cert.certificate, cert.key]) }
            try "hostssl all all 127.0.0.1/32 trust\nlocal all all trust\n".write(
                toFile: "\(instance.data)/pg_hba.conf", atomically: false, encoding: .utf8)
            certificate = cert
            return "-c ssl=on -c ssl_cert_file=\(cert.certificate) -c ssl_key_file=\(cert.key)"
        }
        return (instance, certificate!)
    }

    /// Creates and starts a new server on a free port; `configure` may change the data folder
    /// after initdb and return more settings.
    public static func start(configure: (Instance) throws -> String = { _ in "" }) async throws -> Instance {
        guard let bin = binDirectory() else { throw Failure.notInstalled }
        let dir = "/tmp/plebiscite-pg-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if asPostgres { try await ChildProcess.run(["/usr/bin/chown", "postgres:postgres", dir]) }
        let user = asPostgres ? "postgres" : NSUserName()
        var instance = Instance(host: "127.0.0.1", port: ChildProcess.freePort(), username: user, directory: dir, bin: bin)
        try await run("\(bin)/initdb", ["-D", instance.data, "-A", "trust", "-U", user, "--no-sync"])
        instance.settings = try configure(instance)
        try await instance.start()
        let first = lock.withLock {
            let first = started.isEmpty
            started.append(instance)
            return first
        }
        if first {
            atexit {
                PostgresTestServer.lock.lock()
                let all = PostgresTestServer.started
                PostgresTestServer.lock.unlock()
                for s in all {
                    s.stopImmediatelyBlocking()
                    try? FileManager.default.removeItem(atPath: s.directory)
                }
            }
        }
        return instance
    }

    /// A fresh database on the shared server.
    public static func createDatabase(_ name: String) async throws -> Instance {
        let server = try await shared()
        try await server.createDatabase(name)
        return server
    }
}
