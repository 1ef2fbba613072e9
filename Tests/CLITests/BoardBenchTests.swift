import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import ElectionRecord
import Foundation
import Ristretto
import TestVectors
import Testing
import TransparencyLog

@testable import PlebisciteCLI

/// `bench board` and its load generator: small runs that check what they cast, not how fast.
@Suite("Board benchmark and its load generator")
struct BoardBenchTests {
    @Test("A small run casts every ballot through the board and reports consistent figures")
    func smallRun() async throws {
        let command = try #require(
            try PlebisciteCommand.parseAsRoot(["bench", "board", "--ballots", "40", "--clients", "4"]) as? PlebisciteCommand.BoardBench)
        let r = try await command.measure(progress: false)
        #expect(r.ballots == 40 && r.clients == 4)
        #expect(r.castBallotsPerSecond > 0 && r.verifyBallotsPerSecond > 0)
        // Three rounds (the default), each against the mean of the references around it; the median of them.
        #expect(r.rounds.map(\.ballots).reduce(0, +) == 40 && r.rounds.count == 3)
        for round in r.rounds {
            let reference = (round.verifyBeforeBallotsPerSecond + round.verifyAfterBallotsPerSecond) / 2
            #expect(abs(round.ratioToVerification - round.castBallotsPerSecond / reference) < 1e-9)
        }
        #expect(r.ratioToVerification == r.rounds.map(\.ratioToVerification).sorted()[1])
        #expect(r.ratioMin <= r.ratioToVerification && r.ratioToVerification <= r.ratioMax)
        #expect(zip(r.rounds.dropFirst(), r.rounds).allSatisfy { $0.verifyBeforeBallotsPerSecond == $1.verifyAfterBallotsPerSecond })
        #expect(r.latencyP50Milliseconds <= r.latencyP99Milliseconds && r.latencyP99Milliseconds <= r.latencyMaxMilliseconds)
        #expect(r.rssMiB.count == 10)
        #expect(r.peakRssMiB >= r.rssMiB.max()!)
    }

    @Test("The load generator's cast checks the receipt: a refusal, a receipt under another key and a board that is gone are errors")
    func loadCastChecks() async throws {
        let boardKey = Ed25519.SigningKey()
        let election = try LoadElection(voters: 6, boardKey: boardKey.publicKey)
        let ballots = try election.ballots(workers: 2)
        let service = BoardService(
            store: try SQLiteBoardStore(path: NSTemporaryDirectory() + "bench-\(UUID().uuidString).sqlite"), boardKey: boardKey)
        _ = try await service.createElection(manifestBytes: election.manifestBytes)
        for payload in election.setup { _ = try await service.publish(election.id, payload) }
        var config = BoardServerConfiguration(tokenSecret: Sodium.randomBytes(32), operatorToken: "operator")
        config.port = 0
        let board = try await RunningBoard.start(service: service, configuration: config)
        let path = "/elections/\(election.id)/ballots"
        let heads = VerifiedTreeHeads()
        let outcomes = await PlebisciteCommand.BoardBench.onThreads(2) { () throws -> [String] in
            let connection = try LoadConnection(host: "127.0.0.1", port: board.port)
            var seen = [String]()
            func attempt(_ body: () throws -> Void) {
                do {
                    try body()
                    seen.append("ok")
                } catch let e as BoardClientError {
                    switch e {
                    case .refused(let r): seen.append("refused \(r.code)")
                    case .untrustworthy: seen.append("untrustworthy")
                    default: seen.append("\(e)")
                    }
                } catch { seen.append("other \(error)") }
            }
            // Two casts of one ballot on the same keep-alive connection, and another election's path.
            for _ in 0..<2 {
                attempt {
                    try PlebisciteCommand.BoardBench.castChecked(
                        ballots[0], on: connection, path: path, boardKey: boardKey.publicKey, contextHash: election.context.contextHash,
                        heads: heads)
                }
            }
            attempt {
                try PlebisciteCommand.BoardBench.castChecked(
                    ballots[1], on: connection, path: path, boardKey: Ed25519.SigningKey().publicKey,
                    contextHash: election.context.contextHash, heads: heads)
            }
            attempt {
                try PlebisciteCommand.BoardBench.castChecked(
                    ballots[2], on: connection, path: "/elections/nope/ballots", boardKey: boardKey.publicKey,
                    contextHash: election.context.contextHash, heads: heads)
            }
            return seen
        }
        for outcome in outcomes {
            let seen = try outcome.get()
            #expect(seen == ["ok", "ok", "untrustworthy", "refused unknownElection"])
        }
        await board.stop()
        // The board is gone: connecting is an error that says so, not a crash or a hang.
        #expect(throws: LoadConnectionError.self) { _ = try LoadConnection(host: "127.0.0.1", port: board.port) }
    }
}

extension BoardBenchTests {
    @Test("bench booth: the page encrypts in headless Chromium, its ballot passes the checks, and the figures are consistent")
    func boothBench() async throws {
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let command = try #require(
            try PlebisciteCommand.parseAsRoot(["bench", "booth", "--booth", site, "--ballots", "2"]) as? PlebisciteCommand.BoothBench)
        let r = try await command.measure()
        #expect(r.ballots == 2 && r.browserMilliseconds > 0 && r.nativeMilliseconds > 0)
        #expect(abs(r.ratio - r.browserMilliseconds / r.nativeMilliseconds) < 1e-9)
        #expect(Set(r.files.keys).isSuperset(of: BoothAssets.required))
        #expect(r.assetsGzipBytes < r.assetsBytes && r.assetsGzipBytes == r.files.values.reduce(0, +))
    }
}
