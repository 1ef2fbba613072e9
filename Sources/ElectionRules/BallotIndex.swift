import ElectionRecord
import Ristretto

/// Where the first ballot or spoiled ballot with a given ballot hash stands in a log.
public struct BallotSighting: Sendable, Equatable {
    public var seq: Int
    /// Whether that entry is a `spoiledBallot` (else a `ballot`).
    public var spoiled: Bool

    public init(seq: Int, spoiled: Bool) {
        self.seq = seq
        self.spoiled = spoiled
    }
}

/// The ballot hashes of a log, as the acceptance rules consult them at the tail (check 6.9 and a
/// re-posted ballot's first receipt): the verifier's ledger keeps them in memory, the file board in
/// its index beside the record, the HTTP board asks its store's unique index for the hashes of
/// the entries it decides. Whoever decides passes one to `RecordLedger.decide`: there is no
/// default, so no caller can forget that a ballot may be on the board already.
public protocol BallotIndex {
    /// The first ballot or spoiled ballot stored under `ballotHash`, if any.
    func sighting(of ballotHash: Digest) -> BallotSighting?
}

/// A ballot index of looked-up hashes: what a store answered for the ballots of one decision.
public struct KnownBallots: BallotIndex, Sendable {
    public var found: [Digest: BallotSighting]

    public init(_ found: [Digest: BallotSighting] = [:]) { self.found = found }

    public func sighting(of ballotHash: Digest) -> BallotSighting? { found[ballotHash] }
}

extension RecordLedger: BallotIndex {
    /// The ledger's own index: spoiled ballots always, cast ones only when it indexes ballots (a
    /// ledger that does not must be given another index).
    public func sighting(of ballotHash: Digest) -> BallotSighting? {
        let cast = ballots?[ballotHash]
        let spoilt = spoiled[ballotHash]
        switch (cast, spoilt) {
        case (let c?, let s?): return c < s ? BallotSighting(seq: c, spoiled: false) : BallotSighting(seq: s, spoiled: true)
        case (let c?, nil): return BallotSighting(seq: c, spoiled: false)
        case (nil, let s?): return BallotSighting(seq: s, spoiled: true)
        case (nil, nil): return nil
        }
    }
}
