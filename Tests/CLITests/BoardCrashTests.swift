import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStoragePostgres
import BoardTestSupport
import ElectionRecord
import Foundation
import Logging
import Ristretto
import Testing

@testable import PlebisciteCLI

/// The board under load when something dies: the server process (SIGKILL) or its database.
/// Whatever a voter got a receipt for stays on the board at its index, every head signed before
/// stays a prefix of the log, and the record verifies.
@Suite("Board crash and database restart under load")
struct BoardCrashTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-crash-\(UUID().uuidString)").path

    /// The `plebiscite` executable built beside this test binary.
    static var executable: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("plebiscite").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return here.appendingPathComponent("plebiscite").path
    }

    /// `plebiscite serve` on loopback over DIR/board.sqlite (its key and token secret beside it),
    /// once it listens; returns the process and the operator token. Started again on the same
    /// files after a kill, it is the same board.
    static func serve(in dir: String, run: Int, port: Int, passphrase: [String]) async throws -> (ChildProcess, String) {
        let server = try ChildProcess(
            [
                executable, "serve", "--database", "\(dir)/board.sqlite", "--port", "\(port)", "--board-key", "\(dir)/board.key.json",
                "--token-secret", "\(dir)/secret", "--log-level", "error",
            ] + passphrase, outputPath: "\(dir)/serve-\(run).log")
        let token = try await server.waitForLine(startingWith: "Operator token (create elections with it): ")
        _ = try await server.waitForLine(startingWith: "Listening on ")
        return (server, token)
    }

    @Test("SIGKILL mid-load: every receipted ballot stays at its index, earlier heads stay prefixes, the record verifies")
    func killedMidLoad() async throws {
        let passphrase = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "build plebiscite first (swift build)")
        let port = ChildProcess.freePort()
        func serve(_ run: Int) async throws -> (ChildProcess, String) {
            try await Self.serve(in: dir, run: run, port: port, passphrase: passphrase)
        }

        var (server, operatorToken) = try await serve(1)
        let client = BoardClient(board: "http://127.0.0.1:\(port)", timeout: .seconds(20))
        let boardKey = try await client.info().boardKey
        let run = try LoadRun(election: try LoadElection(voters: 160, boardKey: boardKey), boardKey: boardKey)
        try await run.setUp(on: client, operatorToken: operatorToken)

        // Eight clients cast without retrying; the server is killed once 40 ballots have receipts.
        async let load: Void = run.cast(on: client, clients: 8, retries: 0, stopOnError: true)
        while run.receiptCount < 40 { try await Task.sleep(nanoseconds: 5_000_000) }
        server.kill(SIGKILL)
        await load
        let beforeCrash = run.receiptCount
        #expect(beforeCrash >= 40 && beforeCrash < run.ballots.count, "the kill came mid-load")
        #expect(!run.errors.isEmpty && run.errors.allSatisfy { $0.isTransient }, "clients saw the server die: \(run.errors.prefix(3))")

        // Restarted on the same file: nothing receipted is lost or moved, and the log only grew.
        (server, _) = try await serve(2)
        defer { server.kill(SIGTERM) }
        do { try await checkAfterRestart(run, client) } catch {
            Issue.record("\(error)\nthe restarted server's output:\n\(server.output)")
        }
    }

    /// The checks on the restarted board: receipts hold, re-casts, the record.
    func checkAfterRestart(_ run: LoadRun, _ client: BoardClient) async throws {
        let beforeCrash = run.receiptCount
        // The first answer, as a client that keeps trying would get it (under a loaded test run the
        // first connection has been seen refused right after the server printed that it listens).
        var answered = false
        for _ in 0..<300 where !answered {  // 60 s: a hang guard
            answered = (try? await client.info()) != nil
            if !answered { try await Task.sleep(nanoseconds: 200_000_000) }
        }
        #expect(answered, "the restarted board answers")
        try await run.checkReceiptsHold(on: client)
        let sizeAfterRestart = try await client.treeHead(run.election.id).size

        // The voters without a receipt cast again (some ballots may have been stored without an answer:
        // casting is idempotent); receipted ballots cast again get their first index back.
        let missing = run.ballots.indices.filter { run.receipts[$0] == nil }
        let earlier = run.receipts
        let errorsBefore = run.errors.count
        await run.cast(on: client, clients: 4, only: missing + Array(earlier.keys.prefix(5)), retries: 3, stopOnError: false)
        #expect(run.errors.count == errorsBefore, "\(run.errors.suffix(3))")
        for (i, r) in earlier { #expect(run.receipts[i]?.index == r.index) }
        try await run.checkReceiptsHold(on: client)
        try await run.checkRecord(on: client)
        let storedUnanswered = missing.filter { (run.receipts[$0]?.index ?? .max) < sizeAfterRestart }.count
        print(
            "crash test: \(beforeCrash) receipts before SIGKILL, \(run.errors.count) clients cut off, log of \(sizeAfterRestart) after restart,"
                + " \(storedUnanswered) ballots stored without an answer, \(missing.count) cast again")
    }

    @Test("PostgreSQL restarted mid-load: clients retry or get a clear error, nothing acknowledged is lost")
    func databaseRestartedMidLoad() async throws {
        let pg = try await PostgresTestServer.start()  // its own server: the other tests share theirs
        defer { pg.stopImmediatelyBlocking() }
        let store = try await pg.store("board", create: true, deadline: .seconds(5))
        defer { store.close() }
        let key = Ed25519.SigningKey()
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "operator-token-for-tests")
        config.port = 0
        config.rateLimit = nil
        var logger = Logger(label: "plebiscite.board")
        logger.logLevel = .critical
        let metrics = BoardMetrics()
        let board = try await RunningBoard.start(
            service: BoardService(store: store, boardKey: key), configuration: config, metrics: metrics, logger: logger)
        let client = BoardClient(board: board.url, timeout: .seconds(30))
        let run = try LoadRun(election: try LoadElection(voters: 160, boardKey: key.publicKey), boardKey: key.publicKey)
        try await run.setUp(on: client, operatorToken: config.operatorToken)

        // Eight clients cast with retries; the database stops as a crash would and comes back a second later.
        async let load: Void = run.cast(on: client, clients: 8, retries: 6, stopOnError: false)
        while run.receiptCount < 40 { try await Task.sleep(nanoseconds: 5_000_000) }
        let beforeStop = run.receiptCount
        try await pg.stopImmediately()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(run.receiptCount <= beforeStop + 8, "no receipts while the database is down (at most those in flight)")
        try await pg.start()
        await load
        // Whatever retries could not cover is a clear, transient refusal (storage unavailable), never a wrong answer.
        #expect(run.errors.allSatisfy { $0.isTransient }, "\(run.errors.prefix(3))")
        try await run.checkReceiptsHold(on: client)

        let missing = run.ballots.indices.filter { run.receipts[$0] == nil }
        await run.cast(on: client, clients: 4, only: missing, retries: 6, stopOnError: false)
        try await run.checkReceiptsHold(on: client)
        try await run.checkRecord(on: client)
        let refused = metrics.exposition().split(separator: "\n").first { $0.contains("reason=\"storageUnavailable\"") }
        print(
            "database restart test: \(beforeStop) receipts before the stop, \(run.errors.count) refusals after retries,"
                + " \(missing.count) cast again; board metrics: \(refused ?? "no storageUnavailable refusals")")
        await board.stop()
    }
}
