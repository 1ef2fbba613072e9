import BoardAPI
import BoardClient
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import Testing
import TransparencyLog

@testable import PlebisciteCLI

/// Ballots cast against a board from concurrent clients, and the checks that nothing a voter was
/// told is lost: shared by the crash test and the database restart test.
final class LoadRun: @unchecked Sendable {
    let election: LoadElection
    let ballots: [EncryptedBallot]
    let boardKey: Ed25519.PublicKey
    private let lock = NSLock()
    private var next = 0
    /// Receipts by ballot number, each checked by the client when it arrived.
    private(set) var receipts: [Int: BoardReceipt] = [:]
    /// Errors the clients saw (after their retries).
    private(set) var errors: [BoardClientError] = []

    init(election: LoadElection, boardKey: Ed25519.PublicKey) throws {
        self.election = election
        self.boardKey = boardKey
        ballots = try election.ballots(workers: Parallel.cores)
    }

    /// Creates the election on the board and publishes its setup with the administrator's token.
    @discardableResult
    func setUp(on client: BoardClient, operatorToken: String) async throws -> ElectionCreated {
        let created = try await client.createElection(manifestBytes: election.manifestBytes, operatorToken: operatorToken)
        for payload in election.setup { _ = try await client.publish(election.id, payload, token: created.adminToken) }
        return created
    }

    var receiptCount: Int { lock.withLock { receipts.count } }

    private func take(_ only: [Int]?) -> Int? {
        lock.withLock {
            let list = only ?? Array(ballots.indices)
            guard next < list.count else { return nil }
            defer { next += 1 }
            return list[next]
        }
    }

    /// Casts the ballots numbered `only` (default: all) from `clients` concurrent clients, each
    /// checking its receipt; a client stops at its first error when `stopOnError`.
    func cast(on client: BoardClient, clients: Int, only: [Int]? = nil, retries: Int, stopOnError: Bool) async {
        lock.withLock { next = 0 }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while let i = self.take(only) {
                        do throws(BoardClientError) {
                            let r = try await client.castChecked(
                                self.election.id, self.ballots[i], boardKey: self.boardKey, contextHash: self.election.context.contextHash,
                                retries: retries)
                            self.lock.withLock { self.receipts[i] = r }
                        } catch {
                            self.lock.withLock { self.errors.append(error) }
                            if stopOnError { return }
                        }
                    }
                }
            }
        }
    }

    /// Every receipt issued so far holds on the board as it is now: the line at the receipt's index
    /// is the receipt's line, and every head in a receipt is a prefix of the current head (the
    /// board proves it, a monitor checks it).
    func checkReceiptsHold(on client: BoardClient) async throws {
        let id = election.id
        let head = try await client.treeHead(id)
        let receipts = lock.withLock { self.receipts }
        for (_, r) in receipts {
            #expect(r.index < head.size)
            let line = try await client.lines(id, range: r.index..<r.index + 1)
            #expect(line == [Array(r.line.utf8)], "the line at \(r.index) changed")
        }
        let monitor = HeadMonitor(
            state: MonitorState(
                election: id, manifestHash: election.context.manifestHash, boardKey: boardKey, heads: [head])
        ) { try await client.consistencyProof(id, from: $0, to: $1) }
        var heads = [SignedTreeHead]()
        for r in receipts.values where !heads.contains(r.treeHead) { heads.append(r.treeHead) }
        for earlier in heads { try await monitor.compare(earlier) }
    }

    /// Once every ballot has a receipt: each is on the board exactly once, at its receipt's index,
    /// and the downloaded record verifies.
    func checkRecord(on client: BoardClient) async throws {
        #expect(receiptCount == ballots.count)
        let record = try await client.record(election.id)
        let report = RecordVerifier.verify(record.loaded)
        #expect(report.ok, "\(report.failures.prefix(5))")
        #expect(report.statistics.ballots == ballots.count)
        #expect(Set(receipts.values.map(\.index)).count == ballots.count)
    }
}
