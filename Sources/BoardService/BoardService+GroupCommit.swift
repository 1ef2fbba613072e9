import BoardAPI
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// Casting and spoiling: a ballot's checks in the caller's task, then one group commit per batch of ballots.
extension BoardService {
    /// The ledger for prechecks (`RecordLedger.forPrechecks`, made here: no fold can come between),
    /// as cached without asking the store once the key ceremony is done (the context never changes
    /// once set and the credentials only grow, so a stale copy can only refuse a credential wrongly),
    /// or, `caughtUp`, as of the store's tail.
    func prechecksLedger(_ id: String, caughtUp: Bool) async throws(BoardError) -> RecordLedger {
        if !caughtUp, let cache = elections[id], cache.ledger.context != nil { return cache.ledger.forPrechecks }
        return try await synced(id).ledger.forPrechecks
    }

    /// The expensive checks of a ballot or spoiled ballot (6.1-6.7, 7.1, 7.2) in the caller's task,
    /// in parallel with other requests. A credential the cache does not know yet is looked up again
    /// after catching up with the store.
    nonisolated func prechecked(_ id: String, _ payload: EntryPayload) async throws(BoardError) -> Precheck {
        var pre = try await prechecksLedger(id, caughtUp: false).precheck(payload)
        if pre.code == .invalidCredential { pre = try await prechecksLedger(id, caughtUp: true).precheck(payload) }
        if let code = pre.code { throw .refused(Refusal(code, pre.failures)) }
        return pre
    }

    /// Casts a ballot: its checks run in the caller's task, then the rules of its place in the log
    /// and the append run on the board in a group commit. Casting the same ballot again returns a
    /// receipt for the first one.
    public nonisolated func cast(_ id: String, _ ballot: EncryptedBallot) async throws(BoardError) -> BoardReceipt {
        let pre = try await prechecked(id, .ballot(ballot))
        return try await commit(id, ballot: ballot, precheck: pre)
    }

    /// A checked ballot waiting for the next group commit.
    struct PendingBallot {
        var ballot: EncryptedBallot
        var precheck: Precheck
        var hash: Digest { precheck.ballotHash ?? .zero }
        var reply: CheckedContinuation<BoardReceipt, any Error>
    }

    /// Queues a checked ballot for the election's next group commit and waits for its receipt.
    /// While one batch is being written, the ballots that arrive form the next: one transaction
    /// and one flush to disk per batch, and the receipt only after the flush.
    func commit(_ id: String, ballot: EncryptedBallot, precheck: Precheck) async throws(BoardError) -> BoardReceipt {
        do {
            return try await withCheckedThrowingContinuation { reply in
                pending[id, default: []].append(PendingBallot(ballot: ballot, precheck: precheck, reply: reply))
                if !flushing.contains(id) {
                    flushing.insert(id)
                    Task { await self.flush(id) }
                }
            }
        } catch let e as BoardError { throw e } catch { throw .storage("\(error)") }
    }

    /// Writes queued ballots in batches until none are left. A batch that fails as a whole failed
    /// in the store (a ballot already there is found by the rules, never by a failed write): every
    /// ballot in it is answered with that failure, and nothing of it was stored.
    func flush(_ id: String) async {
        while let queue = pending[id], !queue.isEmpty {
            let batch = queue.prefix(Self.maxBatch)
            pending[id] = Array(queue.dropFirst(Self.maxBatch))
            do { try await commitBatch(id, batch) } catch { for b in batch { b.reply.resume(throwing: error) } }
        }
        flushing.remove(id)
    }

    static let maxBatch = 512

    /// Appends a batch in one store transaction and answers every ballot in it: a receipt (also for
    /// a ballot already on the board: the rules find it through the store's index, in any phase) or
    /// its refusal by the rules. Throws, answering none, only if the store failed.
    func commitBatch(_ id: String, _ batch: ArraySlice<PendingBallot>) async throws(BoardError) {
        let (answers, appended) = try await appendAtTail(id, ballotHashes: batch.map(\.hash)) { cache, time, known in
            var answers = [(PendingBallot, Result<Int, BoardError>)]()
            var payloads = [(payload: EntryPayload, ballotHash: Digest?)]()
            var decided = PendingBallots()
            for b in batch {
                switch cache.ledger.decide(.ballot(b.ballot), b.precheck, at: time, ballots: known, pending: decided) {
                case .refuse(let r): answers.append((b, .failure(.refused(r))))
                case .alreadyThere(let seq, _): answers.append((b, .success(seq)))
                case .append:
                    let seq = cache.tree.size + payloads.count
                    decided.add(b.ballot, hash: b.hash, seq: seq, under: cache.manifest)
                    answers.append((b, .success(seq)))
                    payloads.append((.ballot(b.ballot), b.hash))
                }
            }
            return (answers, payloads)
        }
        guard let cache = elections[id] else { throw .storage("election \(id) is not loaded") }
        let (tree, head) = (cache.tree, cache.signedHead(boardKey))
        var lines = [Int: [UInt8]]()
        for e in appended { lines[e.entry.seq] = e.line }
        for (b, answer) in answers {
            switch answer {
            case .success(let seq):
                // A ballot cast before (a retry) needs its line, perhaps its block's leaves, from the store.
                do {
                    var line = lines[seq] ?? []
                    if line.isEmpty { line = try await storedLine(id, seq) }
                    let proof = try await inclusionProof(id, tree, index: seq, size: head.size)
                    b.reply.resume(
                        returning: BoardReceipt(
                            ballotHash: b.hash, trackingCode: ProtocolHashes.trackingCode(b.hash), index: seq,
                            line: String(decoding: line, as: UTF8.self), treeHead: head, inclusionProof: proof))
                } catch { b.reply.resume(throwing: error) }
            case .failure(let e): b.reply.resume(throwing: e)
            }
        }
    }

    /// Publishes a challenged ballot with its reveal (checks 7.1, 7.2); it can never be cast. Its
    /// line goes into the store under its ballot hash, so the store's unique index refuses a cast
    /// of it and it after a cast, whichever comes second, also from another board server at once.
    /// The same spoiled ballot posted again gets its first index.
    public nonisolated func spoil(_ id: String, _ spoiled: SpoiledBallot) async throws(BoardError) -> Int {
        let pre = try await prechecked(id, .spoiledBallot(spoiled))
        return try await commitEntry(id, .spoiledBallot(spoiled), pre).seq
    }
}
