import ElectionRecord
import Foundation
import Ristretto

extension RecordLedger {
    /// What a ledger holds beside its manifest, without the ballot index (whoever keeps a snapshot
    /// keeps that in an index of its own): the file-based board saves it beside the record, so a
    /// step need not read the log again.
    public struct Snapshot: Codable, Sendable {
        public var manifestHash: Digest
        public var size: Int
        public var lastHash: Digest
        public var lastTime: Date?
        public var phase: Int
        public var commitments: [Placed<TrusteeCommitment>]
        public var complaints: [Placed<Complaint>]
        public var ceremony: Placed<KeyCeremonyResult>?
        public var lists: [Placed<CredentialList>]
        public var amendments: [Placed<CredentialAmendment>]
        public var revocations: [Placed<CredentialRevocation>]
        public var finalBallots: [Placed<Element>]
        public var ballotCount: Int
        public var spoiled: [Placed<Digest>]
        public var close: Placed<CloseMarker>?
        public var tally: Placed<EncryptedTally>?
        public var shares: [Placed<DecryptionShares>]
        public var validShares: [Int]
        public var result: Placed<ElectionResult>?
    }

    /// The snapshot of this ledger.
    public var snapshot: Snapshot {
        Snapshot(
            manifestHash: manifestHash, size: size, lastHash: lastHash, lastTime: lastTime, phase: phase,
            commitments: commitments.values.sorted { $0.seq < $1.seq }, complaints: complaints, ceremony: ceremony,
            lists: lists.values.sorted { $0.seq < $1.seq }, amendments: amendments,
            revocations: revocations.values.sorted { $0.seq < $1.seq },
            finalBallots: finalBallots.map { Placed(seq: $0.value, value: $0.key) }.sorted { $0.seq < $1.seq }, ballotCount: ballotCount,
            spoiled: spoiled.map { Placed(seq: $0.value, value: $0.key) }.sorted { $0.seq < $1.seq }, close: close, tally: tally,
            shares: shares.values.sorted { $0.seq < $1.seq }, validShares: validShares.sorted(), result: result)
    }

    /// The ledger a snapshot describes, under `manifest` (the derived values, context, credential
    /// registry and tally hash, are computed again).
    public init(manifest: Manifest, snapshot s: Snapshot) {
        self.init(manifest: manifest, manifestHash: s.manifestHash, indexesBallots: false)
        size = s.size
        lastHash = s.lastHash
        lastTime = s.lastTime
        phase = s.phase
        for c in s.commitments { commitments[c.value.trustee] = c }
        complaints = s.complaints
        ceremony = s.ceremony
        if ceremony != nil { context = derivedContext() }
        for l in s.lists.sorted(by: { $0.seq < $1.seq }) {
            lists[l.value.precinct] = l
            registry.add(l.value)
        }
        amendments = s.amendments
        for a in s.amendments { registry.add(a.value.credentials, to: a.value.precinct) }
        for r in s.revocations {
            revocations[r.value.revoked] = r
            registry.revoke(r.value)
        }
        for f in s.finalBallots { finalBallots[f.value] = f.seq }
        ballotCount = s.ballotCount
        for h in s.spoiled { spoiled[h.value] = h.seq }
        close = s.close
        tally = s.tally
        tallyHash = tally.flatMap { t in context.map { ProtocolHashes.tallyHash(contextHash: $0.contextHash, t.value) } }
        for d in s.shares { shares[d.value.trustee] = d }
        validShares = Set(s.validShares)
        result = s.result
    }

    /// Folds a ballot or spoiled ballot known from an index (its hashes and time, not its line):
    /// what `fold` does for it. `finalFor` is the credential of a ballot that is final (a station
    /// ballot under `stationFinal`).
    public mutating func foldIndexed(
        seq: Int, spoiled isSpoiled: Bool, ballotHash: Digest, entryHash: Digest, at: Date, finalFor credential: Element? = nil
    ) {
        advance(entryHash: entryHash, at: at, phase: 4)
        if let credential, finalBallots[credential] == nil { finalBallots[credential] = seq }
        if isSpoiled {
            if spoiled[ballotHash] == nil { spoiled[ballotHash] = seq }
        } else {
            ballotCount += 1
            if ballots != nil, ballots![ballotHash] == nil { ballots![ballotHash] = seq }
        }
    }
}
