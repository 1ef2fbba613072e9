import BoardAPI
import ElectionRecord
import Foundation
import Ristretto
import TransparencyLog

/// What a monitor keeps between runs: the manifest it first saw and every head since.
public struct MonitorState: Codable, Sendable, Equatable {
    public var election: String
    public var manifestHash: Digest
    public var boardKey: Ed25519.PublicKey
    /// Heads seen and checked, in the order seen; each is consistent with the one before.
    public var heads: [SignedTreeHead]

    public init(election: String, manifestHash: Digest, boardKey: Ed25519.PublicKey, heads: [SignedTreeHead] = []) {
        self.election = election
        self.manifestHash = manifestHash
        self.boardKey = boardKey
        self.heads = heads
    }
}

/// Evidence that the board rewrote its history or showed different logs to different observers.
/// Two heads signed by the board key that no append-only log can both have are a proof anyone can check.
public enum MonitorAlarm: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest bytes differ from those first seen.
    case manifestChanged(was: Digest, now: Digest)
    /// A head's signature does not verify under the manifest's board key.
    case badSignature(SignedTreeHead)
    /// A later head is smaller than an earlier one.
    case logShrank(earlier: SignedTreeHead, later: SignedTreeHead)
    /// Two heads of the same size with different roots: a split view or a rewrite.
    case forkedRoots(SignedTreeHead, SignedTreeHead)
    /// The board's consistency proof from an earlier head to a later one does not verify (or it gave none).
    case inconsistent(earlier: SignedTreeHead, later: SignedTreeHead, why: String)
    /// A head's time goes back before an earlier head's.
    case timeWentBack(earlier: SignedTreeHead, later: SignedTreeHead)

    public var description: String {
        switch self {
        case .manifestChanged(let a, let b): "the manifest changed: first seen with hash \(a), now \(b)"
        case .badSignature(let h): "a head of size \(h.size) is not signed by the board key"
        case .logShrank(let a, let b): "the log shrank from \(a.size) to \(b.size) entries"
        case .forkedRoots(let a, let b):
            "two signed heads of size \(a.size) have different roots (\(a.root) and \(b.root)): split view or rewrite"
        case .inconsistent(let a, let b, let why):
            "the head of size \(b.size) is not an append-only extension of the head of size \(a.size): \(why)"
        case .timeWentBack(let a, let b): "a head of size \(b.size) is older than the earlier head of size \(a.size)"
        }
    }
}

/// Checks new tree heads against the ones already seen, asking the board for consistency proofs.
public struct HeadMonitor: Sendable {
    public private(set) var state: MonitorState
    /// Gives the board's consistency proof between two sizes.
    let prove: @Sendable (Int, Int) async throws -> [[UInt8]]

    public init(state: MonitorState, prove: @escaping @Sendable (Int, Int) async throws -> [[UInt8]]) {
        self.state = state
        self.prove = prove
    }

    /// Checks `head` against the last head seen (signature, growth, time, consistency) and keeps it.
    public mutating func observe(_ head: SignedTreeHead) async throws(MonitorAlarm) {
        try await check(head, against: state.heads.last)
        if state.heads.last != head { state.heads.append(head) }
    }

    /// Checks a head another observer saw (gossip) against the latest head seen here: both must be
    /// prefixes of one log. It is not kept.
    public func compare(_ other: SignedTreeHead) async throws(MonitorAlarm) {
        guard let mine = state.heads.last else { return }
        guard other.verify(boardKey: state.boardKey) else { throw .badSignature(other) }
        if other.size <= mine.size {
            try await consistent(other, mine)
        } else {
            try await consistent(mine, other)
        }
    }

    func check(_ head: SignedTreeHead, against last: SignedTreeHead?) async throws(MonitorAlarm) {
        guard head.verify(boardKey: state.boardKey) else { throw .badSignature(head) }
        guard let last else { return }
        guard head.size >= last.size else { throw .logShrank(earlier: last, later: head) }
        guard head.timestamp >= last.timestamp else { throw .timeWentBack(earlier: last, later: head) }
        try await consistent(last, head)
    }

    /// Asks the board to prove that `earlier` is a prefix of `later`, and checks the proof.
    func consistent(_ earlier: SignedTreeHead, _ later: SignedTreeHead) async throws(MonitorAlarm) {
        if earlier.size == later.size {
            guard earlier.root == later.root else { throw .forkedRoots(earlier, later) }
            return
        }
        let proof: [[UInt8]]
        do { proof = try await prove(earlier.size, later.size) } catch {
            throw .inconsistent(earlier: earlier, later: later, why: "the board gives no proof: \(error)")
        }
        do {
            try MerkleProof.verifyConsistency(
                oldSize: earlier.size, newSize: later.size, oldRoot: earlier.rootBytes, newRoot: later.rootBytes, proof: proof)
        } catch {
            throw .inconsistent(earlier: earlier, later: later, why: "the proof fails: \(error)")
        }
    }
}
