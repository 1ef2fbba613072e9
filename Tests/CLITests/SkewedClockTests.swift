import BoardAPI
import BoardClient
import BoardTestSupport
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import Testing
import TransparencyLog

@testable import PlebisciteCLI

/// The documented scale-out with real processes: several `plebiscite serve` on one PostgreSQL
/// database, their clocks set apart by `faketime` (Debian's libfaketime).
@Suite("Several board servers on one PostgreSQL database, clocks 10 minutes apart")
struct SkewedClockTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-skew-\(UUID().uuidString)").path

    static let faketime = "/usr/bin/faketime"

    /// Stops a server started by `serve`: `signal` to the server alone (the `faketime` wrapper's child,
    /// if there is a wrapper), then waits for the process the test started. Never the wrapper: once its
    /// child is gone it removes its semaphore and shared memory (/dev/shm/sem.faketime_sem_PID,
    /// faketime_shm_PID) and exits, while a wrapper killed leaves them behind, and a later wrapper
    /// given the same PID then fails at start with "faketime: sem_open: File exists".
    static func stop(_ process: ChildProcess, signal: Int32 = SIGTERM) {
        let children = (try? String(contentsOfFile: "/proc/\(process.pid)/task/\(process.pid)/children", encoding: .utf8)) ?? ""
        let servers = children.split(separator: " ").compactMap { pid_t($0) }
        if servers.isEmpty {
            process.kill(signal)
        } else {
            for server in servers { _ = kill(server, signal) }
            _ = process.wait()
        }
    }

    /// `plebiscite serve` on `database`, its clock shifted by `skew` (a faketime offset such as
    /// "-10m"), once it listens; the servers share the board key and token secret in `dir`.
    func serve(_ name: String, database: String, skew: String?, passphrase: [String]) async throws -> (
        ChildProcess, String, BoardClient, url: String
    ) {
        try await Self.serve(name, database: database, skew: skew, passphrase: passphrase, dir: dir)
    }

    /// `serve` with the workspace `dir` and the port given (a restarted server keeps its address).
    static func serve(
        _ name: String, database: String, skew: String?, passphrase: [String], dir: String, port: Int = ChildProcess.freePort()
    ) async throws -> (ChildProcess, String, BoardClient, url: String) {
        // Through Debian's `faketime` wrapper (libfaketime preloaded by hand leaves the Swift
        // runtime without its arguments); `stop` signals the server behind the wrapper.
        let server = try ChildProcess(
            (skew.map { [Self.faketime, "-f", $0] } ?? []) + [
                BoardCrashTests.executable, "serve", "--database", database, "--port", "\(port)", "--board-key", "\(dir)/board.key.json",
                "--token-secret", "\(dir)/secret", "--log-level", "error",
            ] + passphrase, outputPath: "\(dir)/serve-\(name).log")
        let token = try await server.waitForLine(startingWith: "Operator token (create elections with it): ")
        _ = try await server.waitForLine(startingWith: "Listening on ")
        let url = "http://127.0.0.1:\(port)"
        return (server, token, BoardClient(board: url, timeout: .seconds(30)), url)
    }

    @Test(
        "Ballots through servers 10 minutes behind and ahead: heads never go back, the monitor stays quiet, the record verifies through each"
    )
    func skewedServers() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.faketime), "scripts/install-deps --test installs faketime")
        let passphrase = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "plebiscite_skew_\(UUID().uuidString.prefix(8).lowercased())"
        let pg = try await PostgresTestServer.createDatabase(db)
        let database = "postgres://\(pg.username)@\(pg.host):\(pg.port)/\(db)"
        // The first server writes the key and the secret; the others read them.
        let (a, token, atA, _) = try await serve("a", database: database, skew: nil, passphrase: passphrase)
        defer { Self.stop(a) }
        let (b, _, behind, behindURL) = try await serve("b", database: database, skew: "-10m", passphrase: passphrase)
        defer { Self.stop(b) }
        let (c, _, ahead, _) = try await serve("c", database: database, skew: "+10m", passphrase: passphrase)
        defer { Self.stop(c) }
        let servers = [atA, behind, ahead]

        let boardKey = try await atA.info().boardKey
        #expect(try await ahead.info().boardKey == boardKey)
        // Open for the server behind; closing once the server ahead reaches the end, 90 s from now.
        let start = Date()
        let election = try LoadElection(
            voters: 30, boardKey: boardKey,
            window: VotingWindow(
                opens: Date(timeIntervalSince1970: (start.timeIntervalSince1970 - 1_800).rounded(.down)),
                closes: Date(timeIntervalSince1970: (start.timeIntervalSince1970 + 690).rounded(.down))))
        let run = try LoadRun(election: election, boardKey: boardKey)
        let created = try await run.setUp(on: behind, operatorToken: token)
        let id = election.id
        var monitor = HeadMonitor(
            state: MonitorState(election: id, manifestHash: ProtocolHashes.manifestHash(election.manifestBytes), boardKey: boardKey)
        ) { m, n in try await atA.consistencyProof(id, from: m, to: n) }

        // Ballots through each server in turn; after each, every server's head is observed.
        for round in 0..<3 {
            for (s, server) in servers.enumerated() {
                await run.cast(
                    on: server, clients: 2, only: Array((round * 10 + s * 3)..<(round * 10 + s * 3 + 3)), retries: 2, stopOnError: false)
                for observed in servers { try await monitor.observe(try await observed.treeHead(id)) }
            }
        }
        #expect(run.errors.isEmpty, "\(run.errors.prefix(3))")
        #expect(run.receiptCount == 27)
        let heads = monitor.state.heads
        #expect(zip(heads, heads.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp && $0.size <= $1.size })

        // The close, through the server ahead once its clock passes the window's end (an event the
        // board reports: windowOpen until then; the outer bound only guards against a hang).
        var closed: SignedTreeHead?
        for _ in 0..<600 where closed == nil {
            do { closed = try await ahead.close(id, token: created.adminToken) } catch {
                guard case .refused(let e) = error, e.code == "windowOpen" else { throw error }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        let closeHead = try #require(closed)
        try await monitor.observe(closeHead)
        // Ballots posted again after the close, through the server behind, get their first receipts.
        let earlier = run.receipts
        await run.cast(on: behind, clients: 2, only: Array(earlier.keys.sorted().prefix(6)), retries: 2, stopOnError: false)
        #expect(run.errors.isEmpty, "\(run.errors.prefix(3))")
        for (i, r) in earlier { #expect(run.receipts[i]?.index == r.index) }

        // Each server serves a record that verifies (stored heads and a fresh one), and every head
        // any of them signs for the closed log is the same.
        for server in servers {
            try await monitor.observe(try await server.treeHead(id))
            let record = try await server.record(id)
            let report = RecordVerifier.verify(record.loaded, workers: 2)
            #expect(report.ok, "\(report.failures.prefix(3))")
            #expect(try await server.treeHead(id) == closeHead)
        }
        let stored = try await behind.storedTreeHeads(id)
        #expect(stored == [closeHead])
        #expect(await CLIRunner.exitStatus(["verify", "\(behindURL)/elections/\(id)"]) == 0)
    }

    @Test("A server behind faketime, stopped even by SIGKILL, leaves no semaphore that a later wrapper with its PID would trip on")
    func stoppedWrapperCleansUp() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.faketime), "scripts/install-deps --test installs faketime")
        let log = NSTemporaryDirectory() + "plebiscite-faketime-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        func wrapped() async throws -> (ChildProcess, [String]) {
            let p = try ChildProcess([Self.faketime, "-f", "+10m", "/bin/sh", "-c", "echo ready; exec sleep 600"], outputPath: log)
            _ = try await p.waitForLine(startingWith: "ready")
            let files = ["/dev/shm/sem.faketime_sem_\(p.pid)", "/dev/shm/faketime_shm_\(p.pid)"]
            #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "the wrapper's semaphore and shared memory")
            return (p, files)
        }
        // The cause: a wrapper killed keeps them (as `stop` did before it signalled the server alone).
        let (killed, left) = try await wrapped()
        let children = try String(contentsOfFile: "/proc/\(killed.pid)/task/\(killed.pid)/children", encoding: .utf8)
        killed.kill(SIGKILL)
        for child in children.split(separator: " ").compactMap({ pid_t($0) }) { _ = kill(child, SIGKILL) }
        #expect(left.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        for f in left { try? FileManager.default.removeItem(atPath: f) }
        // The fix: the server alone is signalled; its wrapper removes both and exits.
        for signal in [SIGKILL, SIGTERM] {
            let (stopped, files) = try await wrapped()
            Self.stop(stopped, signal: signal)
            #expect(stopped.hasEnded)
            #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: $0) }, "signal \(signal)")
        }
    }
}
