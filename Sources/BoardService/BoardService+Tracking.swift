import BoardAPI
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// Tracking a ballot: its line, what became of it, and proofs to a freshly signed head.
extension BoardService {
    /// What became of a ballot named by its hash or tracking code (PROTOCOL.md 6.2): its line, the
    /// status, proofs to a freshly signed head and, given `since` (the size of the head in the
    /// voter's receipt), a consistency proof from it. A tracking code that names several ballots
    /// (80 bits: it does not happen by chance) is refused as ambiguous.
    public func track(_ id: String, _ reference: BallotReference, since: Int? = nil) async throws(BoardError) -> BallotTrack {
        guard let contextHash = try await synced(id).ledger.context?.contextHash else {
            throw BoardError(.unknownBallot, "no ballot \(reference) in election \(id)")
        }
        let found: [(seq: Int, ballotHash: Digest)]
        do { found = try await store.ballots(electionId: id, hashPrefix: reference.prefix, limit: 2) } catch { throw .storage("\(error)") }
        guard let (seq, hash) = found.first else { throw BoardError(.unknownBallot, "no ballot \(reference) in election \(id)") }
        guard found.count == 1 else { throw .malformed("tracking code \(reference) names several ballots: give the whole ballot hash") }
        let line = try await storedLine(id, seq)
        let payload = try Self.decodeStored(LogEntry.self, line).payload
        var credential: Element?
        if case .ballot(let b) = payload { credential = b.credential }
        // One view of the log, caught up past `seq`, taken without an await between its parts.
        let view = try await trackingView(id, credential: credential)
        guard seq < view.tree.size else {
            throw BoardError(.unknownBallot, "no ballot \(reference) in election \(id)")
        }
        let size = view.tree.size
        if let since, !(0...size).contains(since) {
            throw .malformed("since=\(since): the log has \(size) entries, and a receipt's head cannot be larger")
        }
        let status: BallotTrack.Status
        var laterSeq: Int?
        switch payload {
        case .spoiledBallot: status = .spoiled
        case .ballot: (status, laterSeq) = BallotTrack.Status.ofCast(at: seq, revocation: view.revocation, latestBallot: view.latestBallot)
        default: throw .storage("entry \(seq) is stored under a ballot hash but holds no ballot")
        }
        func proof(_ index: Int) async throws(BoardError) -> [String] {
            try await inclusionProof(id, view.tree, index: index, size: view.head.size)
        }
        var later: BallotTrack.Evidence?
        if let laterSeq {
            later = BallotTrack.Evidence(
                index: laterSeq, line: String(decoding: try await storedLine(id, laterSeq), as: UTF8.self),
                inclusionProof: try await proof(laterSeq))
        }
        var consistency: [String]?
        if let since { consistency = try await consistencyProof(id, from: since, to: view.head.size) }
        return BallotTrack(
            ballotHash: hash, contextHash: contextHash, index: seq, line: String(decoding: line, as: UTF8.self), status: status,
            treeHead: view.head, inclusionProof: try await proof(seq), since: since, consistencyProof: consistency, later: later)
    }

    /// What tracking a ballot needs of the log as of the store's tail: the tree and its signed head,
    /// and the revocation and latest ballot of `credential`. Only these are kept across the awaits
    /// that follow (the tree forgets old blocks, so it stays small), never the cache's dictionaries:
    /// a copy of them held there would be copied whole by the next commit's absorb.
    func trackingView(_ id: String, credential: Element?) async throws(BoardError) -> (
        tree: MerkleTree, head: SignedTreeHead, revocation: Int?, latestBallot: Int?
    ) {
        let cache = try await synced(id)
        return (
            cache.tree, cache.signedHead(boardKey), credential.flatMap { cache.ledger.revocations[$0]?.seq },
            credential.flatMap { cache.latestBallot[$0] }
        )
    }
}
