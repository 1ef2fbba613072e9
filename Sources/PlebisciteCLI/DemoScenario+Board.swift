import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import Logging
import Ristretto
import TransparencyLog

extension DemoScenario {
    /// Runs the referendum through a real board: an HTTP server on loopback over an embedded SQLite
    /// store (`DIR/board.sqlite`). Every party talks to it as a client would: trustees and the
    /// administrator with their tokens, voting devices and voters casting concurrently and checking
    /// each receipt's signed head and inclusion proof. The record is then downloaded from the board
    /// into DIR and verified there.
    ///
    /// With `open`, it stops before the close and keeps the board serving the booth until the
    /// process is stopped (or the task cancelled): see `OpenBoard`.
    public func runOnBoard(at dir: RecordDirectory, open: BoothAssets? = nil) async throws -> Outcome {
        let stopwatch = Stopwatch()
        let lap = stopwatch.lap
        let plan = try plan(lap: lap)
        let manifest = plan.manifest, context = plan.context
        let id = manifest.electionId

        try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
        let storePath = dir.url.appendingPathComponent("board.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        let clock = SimulatedClock(plan.setupTime)
        let service = BoardService(store: try SQLiteBoardStore(path: storePath), boardKey: plan.boardKey) { clock.now }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: Hex.encode(Sodium.randomBytes(16)))
        config.port = 0
        config.rateLimit = nil  // every simulated device and voter connects from 127.0.0.1
        config.booth = open
        var logger = Logger(label: "plebiscite.board")
        logger.logLevel = .critical  // the demo prints its own account; the server's per-request log would drown it
        let board = try await RunningBoard.start(service: service, configuration: config, logger: logger)
        let client = BoardClient(board: board.url)
        do {
            let team = try OfflineTeam(directory: dir, manifest: manifest, manifestHash: context.manifestHash, opens: plan.opens)
            let outcome = try await drive(team)
            await board.stop()
            let ballots = plan.actions.count { if case .cast = $0.step { true } else { false } }
            return plan.outcome(
                directory: dir, result: outcome.result, report: outcome.report,
                matchesIntent: try matchesIntent(plan, outcome.result, record: dir),
                ballotsCast: ballots - outcome.refused, refused: outcome.refused, offline: team, timings: stopwatch.laps)
        } catch {
            await board.stop()
            throw error
        }

        /// Every step over HTTP.
        func drive(_ team: OfflineTeam) async throws -> (result: ElectionResult, report: VerificationReport, refused: Int) {
            let created = try await client.createElection(manifestBytes: plan.manifestBytes, operatorToken: config.operatorToken)
            let admin = created.adminToken
            func tick() { clock.set(clock.now.addingTimeInterval(60)) }
            for c in plan.commitments {
                tick()
                _ = try await client.publish(id, .trusteeCommitment(c), token: created.trusteeTokens[String(c.trustee)] ?? "")
            }
            tick()
            _ = try await client.publish(
                id,
                .keyCeremony(
                    KeyCeremonyResult(
                        jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash)),
                token: admin)
            for l in plan.lists {
                tick()
                _ = try await client.publish(id, .credentialList(l), token: admin)
            }
            lap("setup on the board")

            // Cast in time order: each batch goes concurrently, at most one ballot per credential in
            // a batch so that a re-vote always follows the ballot it overrides.
            let bar = ProgressBar("casting through the board", total: plan.actions.count, enabled: showProgress)
            var batch = [(Action, EncryptedBallot)]()
            var voters = Set<Int>()
            let refusals = Counter()
            func flush() async throws {
                guard let last = batch.last else { return }
                clock.set(last.0.time)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (a, b) in batch {  // the client's connection pool bounds how many are in flight
                        group.addTask {
                            let outcome: Result<Void, any Error>
                            do {
                                _ = try await client.castChecked(id, b, boardKey: manifest.boardKey, contextHash: context.contextHash)
                                outcome = .success(())
                            } catch { outcome = .failure(error) }
                            if try DemoScenario.expect(a, outcome) { _ = refusals.next(below: .max) }
                            bar.advance()
                        }
                    }
                    try await group.waitForAll()
                }
                batch.removeAll()
                voters.removeAll()
            }
            /// The offline team reaches a network: its outbox goes to the board, each receipt checked and kept.
            func upload(at time: Date) async throws {
                try await flush()
                clock.set(time)
                for (item, ballot) in try team.startUpload(at: time) {
                    let receipt = try await client.castChecked(id, ballot, boardKey: manifest.boardKey, contextHash: context.contextHash)
                    try team.outbox.markCast(item.number, seq: receipt.index, receipt: try RecordCoding.encode(receipt))
                    bar.advance()
                }
            }
            for (a, sealed) in zip(plan.actions, plan.encrypted) {
                if team.due(at: a.time) { try await upload(at: a.time) }
                switch a.step {
                case .cast where a.offline:
                    try team.collect(sealed!.0, hash: sealed!.0.hash(contextHash: context.contextHash), at: a.time)
                case .cast:
                    if voters.contains(a.voter) || batch.count >= 256 { try await flush() }
                    batch.append((a, sealed!.0))
                    voters.insert(a.voter)
                case .spoil:
                    try await flush()
                    clock.set(a.time)
                    _ = try await client.spoil(id, SpoiledBallot(ballot: sealed!.0, reveals: sealed!.1.reveals))
                    bar.advance()
                case .amend(let amendment):
                    try await flush()
                    clock.set(a.time)
                    _ = try await client.publish(id, .credentialAmendment(amendment), token: admin)
                case .revoke(let revocation):
                    try await flush()
                    clock.set(a.time)
                    _ = try await client.publish(id, .credentialRevocation(revocation), token: admin)
                }
            }
            try await upload(at: plan.closes.addingTimeInterval(-60))
            bar.finish()
            lap("casting through the board (receipts checked)")
            if open != nil { try await keepOpen() }

            // Close, tally, decrypt with two of three trustees, combine: each published on the board, which checks it.
            clock.set(plan.closes)
            _ = try await client.close(id, token: admin)
            var state = try RecordState(try await client.record(id).loaded)
            let tally = try Tallier.tally(state, workers: workers)
            clock.set(plan.closes.addingTimeInterval(600))
            _ = try await client.publish(id, .tally(tally), token: admin)
            lap("close and tally")
            for (i, t) in plan.trustees.enumerated() where i + 1 != plan.absent {
                clock.set(plan.closes.addingTimeInterval(3_600 + Double(i)))
                let shares = try t.decrypt(tally: tally, secretShare: plan.secretShares[i], context: context, workers: workers)
                _ = try await client.publish(id, .decryptionShares(shares), token: created.trusteeTokens[String(i + 1)] ?? "")
            }
            state = try RecordState(try await client.record(id).loaded)
            let (result, _) = try Tallier.combine(state, context: context, workers: workers)
            clock.set(plan.closes.addingTimeInterval(7_200))
            _ = try await client.publish(id, .result(result), token: admin)
            lap("decryption")

            // An observer downloads the record from the board and verifies it.
            try await client.record(id).write(to: dir)
            let report = RecordVerifier.verify(try LoadedRecord.load(dir), workers: workers)
            lap("download and verification")
            return (result, report, refusals.issued)
        }

        /// Stops the clock inside the window, after the last entry, and serves until cancelled,
        /// with the booth's address and unused credentials printed and written to DIR/open.json.
        func keepOpen() async throws -> Never {
            clock.set(plan.closes.addingTimeInterval(-30))
            let registry = try await service.context(id).1
            let voted = Set(plan.actions.map(\.voter))
            let unused = plan.issued.indices.filter {
                !voted.contains($0) && !registry.revoked.contains(plan.issued[$0].credential.publicKey)
                    && registry.precinctOf[plan.issued[$0].credential.publicKey] != nil
            }.prefix(5).map { plan.issued[$0] }
            let info = OpenBoard(
                board: board.url, election: id, observers: "\(board.url)/elections/\(id)/",
                credentials: unused.map {
                    .init(
                        precinct: $0.precinct, credential: $0.credential.text,
                        vote: "\(board.url)/elections/\(id)/vote#c=\($0.credential.text)")
                })
            try Data(try RecordCoding.encode(info, pretty: true)).write(to: dir.url.appendingPathComponent("open.json"))
            print("\nThe board stays open before the close (its clock stopped inside the voting window). Vote in a browser:")
            for c in info.credentials { print("  precinct \(c.precinct): \(c.vote)") }
            print("Observers' page: \(info.observers)\nThe board's front page: \(info.board)/\nStop with Ctrl-C.")
            while true { try await Task.sleep(for: .seconds(3_600)) }
        }
    }
}

/// What `plebiscite demo --open` writes to DIR/open.json: where the board serves, and credentials
/// no simulated voter used (each with the voting link that carries it in the fragment).
public struct OpenBoard: Codable, Sendable {
    public struct Credential: Codable, Sendable {
        public var precinct: String
        public var credential: String
        public var vote: String
    }

    public var board: String
    public var election: String
    public var observers: String
    public var credentials: [Credential]
}
