import Foundation

/// A real PostgreSQL server for the tests: initdb and pg_ctl (Debian's postgresql package) on a
/// temporary folder, listening on 127.0.0.1 and a free port; run as the postgres user when the
/// tests run as root. Started once per test process and stopped at exit.
enum PostgresTestServer {
    struct Instance: Sendable {
        var host: String
        var port: Int
        var username: String
        var directory: String
    }

    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String, String)
        var description: String {
            switch self {
            case .notInstalled: "PostgreSQL is not installed (apt-get install postgresql; scripts/install-deps --test does it)"
            case .command(let c, let out): "\(c) failed: \(out)"
            }
        }
    }

    nonisolated(unsafe) static var stopCommand: (String, [String])?

    static let shared = Result { () throws(Failure) -> Instance in try start() }

    static func binDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.compactMap { name -> Int? in Int(name) }.sorted()
        guard let version = versions.last else { return nil }
        let bin = "\(root)/\(version)/bin"
        return FileManager.default.fileExists(atPath: "\(bin)/initdb") ? bin : nil
    }

    /// Runs a tool to completion (posix_spawn and waitpid: Foundation's Process can hang on Linux
    /// when the tool leaves a daemon behind, as pg_ctl start does). Output goes to a file.
    @discardableResult
    static func run(_ tool: String, _ args: [String], asPostgres: Bool) throws(Failure) -> String {
        let argv = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + args : [tool] + args
        let outPath = "/tmp/plebiscite-spawn-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
        guard spawned == 0 else { throw .command(argv[0], "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw .command("\(tool) \(args.joined(separator: " "))", output)
        }
        return output
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func start() throws(Failure) -> Instance {
        guard let bin = binDirectory() else { throw .notInstalled }
        let asPostgres = getuid() == 0
        let dir = "/tmp/plebiscite-pg-\(getpid())-\(UUID().uuidString.prefix(6))"
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw .command("mkdir", "\(error)")
        }
        if asPostgres { try run("/usr/bin/chown", ["postgres:postgres", dir], asPostgres: false) }
        let data = "\(dir)/data"
        let user = asPostgres ? "postgres" : NSUserName()
        try run("\(bin)/initdb", ["-D", data, "-A", "trust", "-U", user, "--no-sync"], asPostgres: asPostgres)
        let port = freePort()
        try run(
            "\(bin)/pg_ctl",
            ["-D", data, "-l", "\(dir)/server.log", "-w", "-t", "60", "-o", "-p \(port) -h 127.0.0.1 -k \(dir) -c fsync=on", "start"],
            asPostgres: asPostgres)
        stopCommand = ("\(bin)/pg_ctl", ["-D", data, "-m", "immediate", "stop"])
        atexit {
            if let (tool, args) = PostgresTestServer.stopCommand {
                _ = try? PostgresTestServer.run(tool, args, asPostgres: getuid() == 0)
                try? FileManager.default.removeItem(atPath: args[1].replacingOccurrences(of: "/data", with: ""))
            }
        }
        return Instance(host: "127.0.0.1", port: port, username: user, directory: dir)
    }

    /// A fresh database on the shared server.
    static func createDatabase(_ name: String) throws -> Instance {
        let server = try shared.get()
        guard let bin = binDirectory() else { throw Failure.notInstalled }
        try run("\(bin)/createdb", ["-h", server.host, "-p", "\(server.port)", "-U", server.username, name], asPostgres: getuid() == 0)
        return server
    }
}
