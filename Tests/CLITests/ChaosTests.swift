import BoardAPI
import BoardClient
import BoardTestSupport
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import Testing
import TransparencyLog

@testable import PlebisciteCLI

/// Three `plebiscite serve` on one PostgreSQL database, clocks 2 minutes behind, right and 2
/// minutes ahead, one of them SIGKILLed and restarted after every few acknowledged entries, while
/// voters cast, re-vote and spoil and the administrator and the trustee close, tally, decrypt and
/// publish the result. Every client retries on another server when one dies under it, as a
/// voter's device would.
@Suite("Chaos: three servers on one PostgreSQL, skewed clocks, killed and restarted through a whole referendum")
struct ChaosTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-chaos-\(UUID().uuidString)").path

    /// The servers, each restartable on its own port.
    final class Fleet: @unchecked Sendable {
        let database: String
        let passphrase: [String]
        let dir: String
        let skews: [String?] = ["-2m", nil, "+2m"]
        private(set) var ports: [Int] = []
        private var processes: [ChildProcess?] = []
        private var starts = 0
        private(set) var kills = 0
        let lock = NSLock()

        init(database: String, passphrase: [String], dir: String) {
            self.database = database
            self.passphrase = passphrase
            self.dir = dir
        }

        /// Starts server `i` (again), on its port; returns once it listens, with the operator token.
        @discardableResult
        func start(_ i: Int) async throws -> String {
            let (name, port) = lock.withLock { () -> (String, Int) in
                starts += 1
                if ports.count <= i { ports.append(ChildProcess.freePort()) }
                return ("\(i)-\(starts)", ports[i])
            }
            let (process, token, _, _) = try await SkewedClockTests.serve(
                name, database: database, skew: skews[i], passphrase: passphrase, dir: dir, port: port)
            lock.withLock {
                while processes.count <= i { processes.append(nil) }
                processes[i] = process
            }
            return token
        }

        /// SIGKILLs server `i` (and the faketime wrapper) and waits until it is gone.
        func kill(_ i: Int) async throws {
            guard let process = lock.withLock({ processes[i] }) else { return }
            SkewedClockTests.stop(process, signal: SIGKILL)
            _ = await process.waitOffThePool()
            lock.withLock {
                processes[i] = nil
                kills += 1
            }
        }

        func stopAll() {
            for p in lock.withLock({ processes }) { if let p { SkewedClockTests.stop(p) } }
        }

        var clients: [BoardClient] { lock.withLock { ports.map { BoardClient(board: "http://127.0.0.1:\($0)", timeout: .seconds(30)) } } }
    }

    /// Runs `operation` on server `first`, then the next ones, until one answers: a server killed
    /// under a request leaves the client unreachable, and the request is sent again elsewhere.
    /// Refusals other than transient ones are returned to the caller as errors.
    static func anyServer<T: Sendable>(
        _ clients: [BoardClient], first: Int, _ operation: (BoardClient) async throws -> T
    ) async throws -> T {
        var lastError: (any Error)?
        for attempt in 0..<30 {
            do { return try await operation(clients[(first + attempt) % clients.count]) } catch {
                guard (error as? BoardClientError)?.isTransient == true else { throw error }
                lastError = error
                await Task.yield()
            }
        }
        throw lastError!
    }

    @Test("Every acknowledged entry survives kills and restarts; every acknowledged prefix and the final record verify; receipts hold")
    func chaos() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: SkewedClockTests.faketime), "scripts/install-deps --test installs faketime")
        let passphrase = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "plebiscite_chaos_\(UUID().uuidString.prefix(8).lowercased())"
        let pg = try await PostgresTestServer.createDatabase(db)
        let fleet = Fleet(database: "postgres://\(pg.username)@\(pg.host):\(pg.port)/\(db)", passphrase: passphrase, dir: dir)
        defer { fleet.stopAll() }
        // The first server writes the board key and secret; the others read them.
        let operatorToken = try await fleet.start(0)
        try await fleet.start(1)
        try await fleet.start(2)
        let clients = fleet.clients
        let boardKey = try await clients[1].info().boardKey

        // 30 voters cast, 10 of them again with the other answer, 6 more challenge and spoil.
        // The window closes 60 s from now for the server ahead (a tail time it pushes on all).
        let start = Date()
        let election = try LoadElection(
            voters: 36, boardKey: boardKey,
            window: VotingWindow(
                opens: Date(timeIntervalSince1970: (start.timeIntervalSince1970 - 1_800).rounded(.down)),
                closes: Date(timeIntervalSince1970: (start.timeIntervalSince1970 + 180).rounded(.down))))
        let id = election.id
        let created = try await clients[0].createElection(manifestBytes: election.manifestBytes, operatorToken: operatorToken)
        for payload in election.setup {
            _ = try await Self.anyServer(clients, first: 1) { try await $0.publish(id, payload, token: created.adminToken) }
        }
        let encryptor = BallotEncryptor(context: election.context)
        func seal(_ voter: Int, _ answer: Int) throws -> (EncryptedBallot, BallotSecrets) {
            let sealed = try encryptor.encrypt(
                precinct: election.issued[voter].precinct, channel: .remote, credential: election.issued[voter].credential,
                choices: ["q": [answer]])
            return (sealed.ballot, sealed.secrets)
        }
        enum Operation: Sendable {
            case cast(EncryptedBallot)
            case spoil(SpoiledBallot)
        }
        var operations = [Operation]()
        for v in 0..<30 { operations.append(.cast(try seal(v, v % 3 == 0 ? 1 : 0).0)) }
        for v in 0..<10 { operations.append(.cast(try seal(v, v % 3 == 0 ? 0 : 1).0)) }
        for v in 30..<36 {
            let (b, secrets) = try seal(v, 0)
            operations.append(.spoil(SpoiledBallot(ballot: b, reveals: secrets.reveals)))
        }

        // What the board acknowledged: receipts by ballot hash, spoils by index.
        actor Acknowledged {
            var receipts: [Digest: BoardReceipt] = [:]
            var spoiled: [Int] = []
            var count = 0
            func add(_ r: BoardReceipt, _ hash: Digest) -> Int {
                receipts[hash] = r
                count += 1
                return count
            }
            func add(spoiled index: Int) -> Int {
                spoiled.append(index)
                count += 1
                return count
            }
        }
        let acknowledged = Acknowledged()
        let contextHash = election.context.contextHash
        // The kills follow the acknowledgements: after every 5th, a server chosen in turn dies and comes back.
        let (ackStream, acks) = AsyncStream.makeStream(of: Int.self)
        let killer = Task {
            var victim = 0
            for await n in ackStream where n % 5 == 0 {
                try await fleet.kill(victim)
                try await fleet.start(victim)
                victim = (victim + 1) % 3
            }
        }
        // Three voters' devices at once; the first 30 casts come first (a re-vote after its first vote).
        let firstRound = operations.prefix(30), secondRound = operations.dropFirst(30)
        for round in [Array(firstRound), Array(secondRound)] {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<3 {
                    group.addTask {
                        for (k, op) in round.enumerated() where k % 3 == lane {
                            switch op {
                            case .cast(let b):
                                let r = try await Self.anyServer(clients, first: k) {
                                    try await $0.castChecked(id, b, boardKey: boardKey, contextHash: contextHash, retries: 0)
                                }
                                acks.yield(await acknowledged.add(r, b.hash(contextHash: contextHash)))
                            case .spoil(let s):
                                let index = try await Self.anyServer(clients, first: k) { try await $0.spoil(id, s) }
                                acks.yield(await acknowledged.add(spoiled: index))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // The prefix acknowledged so far verifies, through any server.
            let record = try await Self.anyServer(clients, first: 2) { try await $0.record(id) }
            let report = RecordVerifier.verify(record.loaded, workers: 2)
            #expect(report.ok, "\(report.failures.prefix(3))")
        }
        acks.finish()
        try await killer.value
        #expect(fleet.kills >= 9, "kills: \(fleet.kills)")

        // Posting every ballot again through a server just restarted: the first receipts.
        try await fleet.kill(1)
        try await fleet.start(1)
        let receipts = await acknowledged.receipts
        for case .cast(let b) in operations {
            let again = try await Self.anyServer(clients, first: 1) { try await $0.cast(id, b) }
            #expect(again.index == receipts[b.hash(contextHash: contextHash)]?.index)
        }

        // The close, through the server ahead once its clock passes the window's end (windowOpen
        // until then; the outer bound only guards against a hang), then the others are killed and
        // restarted between each of the administrator's and the trustee's steps.
        var closeHead: SignedTreeHead?
        for _ in 0..<3_000 where closeHead == nil {
            do { closeHead = try await Self.anyServer([clients[2]], first: 0) { try await $0.close(id, token: created.adminToken) } } catch
            {
                guard case .refused(let e) = error as? BoardClientError, e.code == "windowOpen" else { throw error }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        _ = try #require(closeHead)
        func state() async throws -> RecordState {
            let record = try await Self.anyServer(clients, first: 0) { try await $0.record(id) }
            #expect(RecordVerifier.verify(record.loaded, workers: 2).ok, "a prefix acknowledged so far does not verify")
            return try RecordState(record.loaded)
        }
        func publish(_ payload: EntryPayload, token: String, victim: Int) async throws -> Int {
            try await fleet.kill(victim)
            // One server is down while the entry is posted; posting it again once it is back gives the same index.
            let index = try await Self.anyServer(clients, first: victim) { try await $0.publish(id, payload, token: token) }
            try await fleet.start(victim)
            let again = try await Self.anyServer(clients, first: victim) { try await $0.publish(id, payload, token: token) }
            #expect(again == index)
            return index
        }
        let tally = try Tallier.tally(try await state(), workers: 2)
        _ = try await publish(.tally(tally), token: created.adminToken, victim: 0)
        guard
            case .accepted(let secret) = try election.trustee.receiveShares(
                manifest: election.manifest, manifestHash: election.context.manifestHash, commitments: [election.commitment])
        else { throw CeremonyError.missingCommitment(trustee: 1) }
        let shares = try election.trustee.decrypt(tally: tally, secretShare: secret, context: election.context)
        _ = try await publish(.decryptionShares(shares), token: try #require(created.trusteeTokens["1"]), victim: 1)
        let (result, _) = try Tallier.combine(try await state(), context: election.context, workers: 2)
        _ = try await publish(.result(result), token: created.adminToken, victim: 2)

        // Every receipt holds on every server, and the whole record verifies through each, with
        // the figures of what was cast.
        for client in clients {
            let head = try await client.treeHead(id)
            for r in receipts.values {
                #expect(try await client.lines(id, range: r.index..<r.index + 1) == [Array(r.line.utf8)])
            }
            let monitor = HeadMonitor(
                state: MonitorState(election: id, manifestHash: election.context.manifestHash, boardKey: boardKey, heads: [head])
            ) { try await client.consistencyProof(id, from: $0, to: $1) }
            for r in receipts.values { try await monitor.compare(r.treeHead) }
            let record = try await client.record(id)
            let report = RecordVerifier.verify(record.loaded, workers: 2)
            #expect(report.ok, "\(report.failures.prefix(3))")
            #expect(report.statistics.ballots == 40)
            #expect(report.statistics.spoiledBallots == 6)
            #expect(report.statistics.countedBallots == 30)
            let heads = record.treeHeads
            #expect(zip(heads, heads.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp && $0.size <= $1.size })
        }
        #expect(await acknowledged.spoiled.count == 6)
    }
}
