import ElectionRecord
import Foundation
import Ristretto

/// An entry's value with its place in the log.
public struct Placed<Value: Sendable>: Sendable {
    public var seq: Int
    public var value: Value
}

extension Placed: Codable where Value: Codable {}

/// The state of an election record folded from its log: what the acceptance rules need to decide
/// whether an entry may follow (PROTOCOL.md 6.4), kept by the board, the file-based commands and
/// the verifier alike.
///
/// Memory: the setup, one hash per spoiled ballot, the tally and share sets; cast ballots only when
/// `indexesBallots` (the board leaves them to its store's unique index on ballot hashes).
public struct RecordLedger: Sendable {
    public let manifest: Manifest
    public let manifestHash: Digest
    /// Entries folded so far: the next entry's `seq`.
    public internal(set) var size = 0
    public internal(set) var lastHash = Digest.zero
    public internal(set) var lastTime: Date?
    /// The highest phase reached (PROTOCOL.md 5); -1 before the first entry.
    public internal(set) var phase = -1
    /// Each trustee's first commitment.
    public internal(set) var commitments: [Int: Placed<TrusteeCommitment>] = [:]
    public internal(set) var complaints: [Placed<Complaint>] = []
    public internal(set) var ceremony: Placed<KeyCeremonyResult>?
    /// Derived from the commitments once the ceremony entry is folded (what checks 4.1-4.3 recompute).
    public internal(set) var context: ElectionContext?
    public internal(set) var registry = CredentialRegistry()
    /// Each precinct's first list.
    public internal(set) var lists: [String: Placed<CredentialList>] = [:]
    /// Amendments to the lists, in log order.
    public internal(set) var amendments: [Placed<CredentialAmendment>] = []
    /// Revocations by revoked credential (the first of each).
    public internal(set) var revocations: [Element: Placed<CredentialRevocation>] = [:]
    /// Under `stationFinal`: each credential with a station ballot, and where its first one is.
    public internal(set) var finalBallots: [Element: Int] = [:]
    /// Cast ballots by hash (their first position), when kept.
    public internal(set) var ballots: [Digest: Int]?
    public internal(set) var ballotCount = 0
    /// Spoiled ballots by hash (their first position).
    public internal(set) var spoiled: [Digest: Int] = [:]
    public internal(set) var close: Placed<CloseMarker>?
    public internal(set) var tally: Placed<EncryptedTally>?
    public internal(set) var tallyHash: Digest?
    /// Each trustee's first share set, and which of those passed check 10.1.
    public internal(set) var shares: [Int: Placed<DecryptionShares>] = [:]
    public internal(set) var validShares: Set<Int> = []
    public internal(set) var result: Placed<ElectionResult>?

    /// An empty ledger for the election whose manifest has these exact bytes' hash.
    public init(manifest: Manifest, manifestHash: Digest, indexesBallots: Bool) {
        self.manifest = manifest
        self.manifestHash = manifestHash
        ballots = indexesBallots ? [:] : nil
    }

    /// Folds the next entry of the log. `accepted` says whether its rule accepted it (always, for
    /// what a board built; the verifier folds refused entries too, so that one bad entry does not
    /// hide the checks of the rest): a refused share set never counts towards the result.
    /// `ballotHash` saves hashing a ballot or spoiled ballot again.
    ///
    /// Complexity: O(1) but for the key ceremony (the context is derived: O(n k) multiplications)
    /// and the tally (its hash).
    public mutating func fold(_ e: RecordedEntry, ballotHash: Digest? = nil, accepted: Bool = true) {
        let seq = e.entry.seq
        advance(entryHash: e.hash, at: e.entry.at, phase: e.entry.payload.phase)
        switch e.entry.payload {
        case .manifest: break
        case .trusteeCommitment(let c):
            if commitments[c.trustee] == nil { commitments[c.trustee] = Placed(seq: seq, value: c) }
        case .complaint(let c): complaints.append(Placed(seq: seq, value: c))
        case .keyCeremony(let k):
            guard ceremony == nil else { break }
            ceremony = Placed(seq: seq, value: k)
            context = derivedContext()
        case .credentialList(let l):
            guard lists[l.precinct] == nil else { break }
            lists[l.precinct] = Placed(seq: seq, value: l)
            registry.add(l)
        case .credentialAmendment(let a):
            amendments.append(Placed(seq: seq, value: a))
            registry.add(a.credentials, to: a.precinct)
        case .credentialRevocation(let r):
            guard revocations[r.revoked] == nil else { break }
            revocations[r.revoked] = Placed(seq: seq, value: r)
            registry.revoke(r)
        case .ballot(let b):
            ballotCount += 1
            if accepted { noteFinal(b, seq: seq) }
            if ballots != nil, let hash = ballotHash ?? context.map({ b.hash(contextHash: $0.contextHash) }), ballots![hash] == nil {
                ballots![hash] = seq
            }
        case .spoiledBallot(let s):
            if let hash = ballotHash ?? context.map({ s.ballot.hash(contextHash: $0.contextHash) }), spoiled[hash] == nil {
                spoiled[hash] = seq
            }
        case .close(let m):
            if close == nil { close = Placed(seq: seq, value: m) }
        case .tally(let t):
            guard tally == nil else { break }
            tally = Placed(seq: seq, value: t)
            tallyHash = context.map { ProtocolHashes.tallyHash(contextHash: $0.contextHash, t) }
        case .decryptionShares(let d):
            guard shares[d.trustee] == nil else { break }
            shares[d.trustee] = Placed(seq: seq, value: d)
            if accepted { validShares.insert(d.trustee) }
        case .result(let r):
            if result == nil { result = Placed(seq: seq, value: r) }
        }
    }

    /// This ledger without its indexes of ballots (each credential's final ballot, cast and spoiled
    /// ballots' hashes), which only the decisions at the tail read: what `precheck` needs, for a task
    /// to hold while the board folds new ballots into its own ledger (shared, an index would be
    /// copied whole at the next fold: O(ballots) per group commit).
    public var forPrechecks: RecordLedger {
        var copy = self
        copy.finalBallots = [:]
        copy.spoiled = [:]
        if copy.ballots != nil { copy.ballots = [:] }
        return copy
    }

    /// How far the record has come (the verifier's report and the board's status name it alike).
    public var stage: ElectionStage {
        result != nil ? .decrypted : tally != nil ? .tallied : close != nil ? .closed : context != nil ? .voting : .setup
    }

    /// Under `stationFinal`, a station ballot makes its credential's choice final.
    mutating func noteFinal(_ b: EncryptedBallot, seq: Int) {
        if manifest.rule == .stationFinal, b.channel == .station, finalBallots[b.credential] == nil { finalBallots[b.credential] = seq }
    }

    /// The log grew by one entry.
    mutating func advance(entryHash: Digest, at: Date, phase entryPhase: Int) {
        size += 1
        lastHash = entryHash
        lastTime = at
        phase = max(phase, entryPhase)
    }

    /// Folds a whole log (as `fold`, every entry accepted).
    public init(manifest: Manifest, manifestHash: Digest, entries: [RecordedEntry], indexesBallots: Bool) {
        self.init(manifest: manifest, manifestHash: manifestHash, indexesBallots: indexesBallots)
        for e in entries { fold(e) }
    }

    /// The context the trustees' commitments give, when every trustee has k of them.
    func derivedContext() -> ElectionContext? {
        let indices = manifest.trustees.map(\.index).sorted()
        let all = indices.compactMap { commitments[$0]?.value.commitments }
        guard all.count == indices.count, all.allSatisfy({ $0.count == manifest.threshold }) else { return nil }
        return ElectionContext(manifest: manifest, manifestHash: manifestHash, commitments: all)
    }
}
