import ElectionRecord
import Foundation
import Ristretto

/// What the acceptance rules decide for an entry at the tail of the log.
public enum Decision: Sendable, Equatable {
    /// The entry may be appended.
    case append
    /// The same entry is already in the log at `seq`: a re-post appends nothing and gets the first
    /// entry's receipt. In a log, the repeat is a failure (`failure` says of which check).
    case alreadyThere(seq: Int, failure: CheckFailure)
    /// The entry may not follow this log.
    case refuse(Refusal)

    /// What the verifier reports for an entry of the log with this decision.
    public var failures: [CheckFailure] {
        switch self {
        case .append: []
        case .alreadyThere(_, let f): [f]
        case .refuse(let r): r.failures
        }
    }
}

extension RecordLedger {
    /// The one rule for every entry kind (PROTOCOL.md 6.4): may `payload`, whose expensive checks
    /// gave `pre`, follow this log as an entry at `time`? Cheap: the board takes this decision
    /// inside its append at the tail. Every failure found is reported; the code is the first's.
    ///
    /// `ballots` says where ballot hashes already stand in the log (the ledger itself when it
    /// indexes ballots, else the holder's index): a ballot or spoiled ballot posted again is
    /// found there before any rule of its position, so a retry gets its first receipt in every phase
    /// and under every counting rule. `pending` holds the entries decided for the same group commit
    /// but not yet folded (the board decides a batch of ballots against one ledger): the next
    /// ballot's rule sees them too.
    public func decide(
        _ payload: EntryPayload, _ pre: Precheck, at time: Date, ballots: some BallotIndex, pending: PendingBallots = PendingBallots()
    ) -> Decision {
        let seen = pre.ballotHash.flatMap { pending.sighting(of: $0) ?? ballots.sighting(of: $0) }
        if pre.failures.isEmpty, let repeated = repeatedEntry(payload, ballotSeen: seen, hash: pre.ballotHash) { return repeated }
        var found = pre.failures
        var code = pre.code
        func refuse(_ c: RefusalCode, _ check: Check, _ message: String) {
            if code == nil { code = c }
            found.append(CheckFailure(check, message))
        }
        switch payload {
        case .manifest(let ref):
            if ref.manifestHash != manifestHash {
                refuse(
                    .invalidEntry, .manifestHash, "entry names manifest hash \(ref.manifestHash), manifest.json hashes to \(manifestHash)")
            }
            if ref.electionId != manifest.electionId {
                refuse(.invalidEntry, .manifestHash, "entry names election \(ref.electionId), the manifest \(manifest.electionId)")
            }
        case .trusteeCommitment(let c):
            if commitments[c.trustee] != nil {
                refuse(.conflictingEntry, .trusteeCommitments, "trustee \(c.trustee) already committed, to other values")
            }
        case .complaint(let c):
            if let accused = commitments[c.accused] {
                if case .unfounded(let why) = c.verdict(
                    manifest: manifest, manifestHash: manifestHash, accusedCommitments: accused.value.commitments)
                {
                    refuse(.invalidEntry, .complaints, "unfounded complaint by trustee \(c.accuser) against \(c.accused): \(why)")
                }
            } else {
                refuse(.invalidEntry, .complaints, "complaint against trustee \(c.accused), who has no commitment")
            }
        case .keyCeremony(let k):
            decideCeremony(k, refuse)
        case .credentialList(let l):
            if context == nil { refuse(.wrongPhase, .entryOrder, "credential list before the key ceremony result") }
            if lists[l.precinct] != nil {
                refuse(.conflictingEntry, .credentialListContents, "precinct \(l.precinct) already has another list")
            } else {
                let clashes = l.credentials.filter { registry.precinctOf[$0] != nil }
                if let first = clashes.first {
                    refuse(
                        .invalidEntry, .credentialListContents,
                        "\(clashes.count) credential(s) already listed, \(first.hex.prefix(16))... for precinct \(registry.precinctOf[first]!)"
                    )
                }
            }
        case .credentialAmendment(let a):
            decideRollChange(payload, refuse)
            let clashes = a.credentials.filter { registry.precinctOf[$0] != nil }
            if let first = clashes.first {
                refuse(
                    .invalidEntry, .credentialAmendments,
                    "\(clashes.count) credential(s) already listed, \(first.hex.prefix(16))... for precinct \(registry.precinctOf[first]!)")
            }
        case .credentialRevocation(let r):
            decideRollChange(payload, refuse)
            if let revoked = revocations[r.revoked] {
                refuse(
                    .revokedCredential, .credentialRevocations,
                    "credential \(r.revoked.hex.prefix(16))... was revoked at entry \(revoked.seq)")
            } else if let listed = registry.precinctOf[r.revoked] {
                if listed != r.precinct {
                    refuse(
                        .invalidEntry, .credentialRevocations,
                        "credential \(r.revoked.hex.prefix(16))... belongs to precinct \(listed), not \(r.precinct)")
                }
            } else {
                refuse(.invalidEntry, .credentialRevocations, "credential \(r.revoked.hex.prefix(16))... is on no list: nothing to revoke")
            }
            if let other = registry.precinctOf[r.replacement] {
                refuse(
                    .invalidEntry, .credentialRevocations,
                    "the replacement \(r.replacement.hex.prefix(16))... is already listed, for precinct \(other)")
            }
        case .ballot, .spoiledBallot:
            decidePosition(payload, hash: pre.ballotHash, seen: seen, at: time, pending: pending, refuse)
        case .close(let marker):
            if close != nil { refuse(.electionClosed, .closeMarker, "the election is already closed") }
            if time < manifest.window.closes {
                refuse(.windowOpen, .closeMarker, "a close at \(time) is before the window ends at \(manifest.window.closes)")
            }
            if marker.closedAt != time {
                refuse(.invalidEntry, .closeMarker, "closedAt \(marker.closedAt) differs from the entry's time \(time)")
            }
            let message = ProtocolHashes.closeMessage(
                manifestHash: manifestHash, previous: lastHash, closedAt: Int64(marker.closedAt.timeIntervalSince1970))
            if !manifest.boardKey.isValidSignature(marker.signature.bytes, for: message) {
                refuse(.invalidEntry, .closeMarker, "the close marker is not signed by the board key over the entry before it")
            }
        case .tally:
            if close == nil { refuse(.wrongPhase, .entryOrder, "tally before the close marker") }
            if tally != nil { refuse(.conflictingEntry, .tallyAggregates, "a different tally is already published") }
        case .decryptionShares(let d):
            if tally == nil { refuse(.wrongPhase, .entryOrder, "decryption shares before the tally") }
            if shares[d.trustee] != nil {
                refuse(.conflictingEntry, .decryptionShareProofs, "trustee \(d.trustee) already published other shares")
            }
        case .result:
            if tally == nil { refuse(.wrongPhase, .entryOrder, "result before the tally") }
            if result != nil { refuse(.conflictingEntry, .decryptionThreshold, "a different result is already published") }
        }
        // 1.3, after the kind's own rules so that theirs is the code (a ballot after the close is
        // `electionClosed`): the first entry is the manifest reference, phases never go back, nor time.
        if size == 0, payload.phase != 0 { refuse(.wrongPhase, .entryOrder, "the first entry must be the manifest reference") }
        if size > 0, payload.phase == 0 { refuse(.wrongPhase, .entryOrder, "a second manifest entry") }
        if payload.phase < phase {
            refuse(.wrongPhase, .entryOrder, "\(payload.kind) entry after the record moved past that phase (\(phaseName))")
        }
        if let last = lastTime, time < last { refuse(.invalidEntry, .entryOrder, "entry time \(time) goes back before \(last)") }
        return found.isEmpty ? .append : .refuse(Refusal(code ?? .invalidEntry, found))
    }

    /// Runs `precheck` and `decide` in one go, as the file-based commands and the verifier do.
    public func admit(
        _ payload: EntryPayload, at time: Date, ballots: some BallotIndex, recount: EncryptedTally? = nil, workers: Int = 1
    ) -> (Decision, Precheck) {
        let pre = precheck(payload, recount: recount, workers: workers)
        return (decide(payload, pre, at: time, ballots: ballots), pre)
    }

    private var phaseName: String {
        ["manifest", "key ceremony", "key ceremony result", "credential lists", "voting", "closed", "tallied", "decryption", "result"][
            max(0, min(8, phase))]
    }

    /// The same entry already in the log, where an entry may be posted again (a client's retry).
    private func repeatedEntry(_ payload: EntryPayload, ballotSeen seen: BallotSighting?, hash ballotHash: Digest?) -> Decision? {
        func same(_ seq: Int?, _ check: Check, _ what: String) -> Decision? {
            seq.map { .alreadyThere(seq: $0, failure: CheckFailure(check, "\(what) repeats entry \($0)")) }
        }
        switch payload {
        case .manifest, .complaint, .close: return nil
        case .trusteeCommitment(let c):
            return same(commitments[c.trustee].flatMap { $0.value == c ? $0.seq : nil }, .trusteeCommitments, "the commitment")
        case .keyCeremony(let k):
            return same(ceremony.flatMap { $0.value == k ? $0.seq : nil }, .jointKey, "the key ceremony result")
        case .credentialList(let l):
            return same(lists[l.precinct].flatMap { $0.value == l ? $0.seq : nil }, .credentialListContents, "the credential list")
        case .credentialAmendment(let a):
            return same(amendments.first { $0.value == a }?.seq, .credentialAmendments, "the amendment")
        case .credentialRevocation(let r):
            return same(revocations[r.revoked].flatMap { $0.value == r ? $0.seq : nil }, .credentialRevocations, "the revocation")
        case .ballot:
            return same(seen.flatMap { $0.spoiled ? nil : $0.seq }, .ballotUnique, "ballot \(ballotHash?.hex ?? "")")
        case .spoiledBallot:
            return same(seen.flatMap { $0.spoiled ? $0.seq : nil }, .ballotUnique, "spoiled ballot \(ballotHash?.hex ?? "")")
        case .tally(let t): return same(tally.flatMap { $0.value == t ? $0.seq : nil }, .tallyAggregates, "the tally")
        case .decryptionShares(let d):
            return same(shares[d.trustee].flatMap { $0.value == d ? $0.seq : nil }, .decryptionShareProofs, "the share set")
        case .result(let r): return same(result.flatMap { $0.value == r ? $0.seq : nil }, .decryptionThreshold, "the result")
        }
    }

    /// The key ceremony result: every trustee committed, no complaint, and the published values
    /// are what the commitments give (4.1-4.3).
    private func decideCeremony(_ k: KeyCeremonyResult, _ refuse: (RefusalCode, Check, String) -> Void) {
        if ceremony != nil {
            refuse(.conflictingEntry, .jointKey, "a different key ceremony result is already published")
            return
        }
        let missing = manifest.trustees.map(\.index).sorted().filter { commitments[$0] == nil }
        if !missing.isEmpty {
            refuse(.wrongPhase, .trusteeCommitments, "no commitment from trustee(s) \(missing)")
            return
        }
        if let c = complaints.first {
            refuse(
                .ceremonyFailed, .complaints, "trustee \(c.value.accuser) complained about trustee \(c.value.accused): the ceremony failed")
        }
        guard let derived = derivedContext() else {
            refuse(.invalidEntry, .trusteeCommitments, "a trustee's commitments are not k elements")
            return
        }
        if derived.jointKey != k.jointKey || k.jointKey.isIdentity {
            refuse(.invalidEntry, .jointKey, "joint key \(k.jointKey.hex.prefix(16))... is not the sum of the constant-term commitments")
        }
        if derived.verificationKeys != k.verificationKeys {
            refuse(.invalidEntry, .verificationKeys, "verification keys differ from those computed from the commitments")
        }
        if derived.contextHash != k.contextHash {
            refuse(.invalidEntry, .contextHash, "context hash \(k.contextHash) differs from the recomputed \(derived.contextHash)")
        }
    }

    /// Checks 1.3 and 5.3 or 5.4 that an amendment or revocation shares: after the key ceremony,
    /// before the close.
    private func decideRollChange(_ payload: EntryPayload, _ refuse: (RefusalCode, Check, String) -> Void) {
        let check: Check = payload.kind == "credentialAmendment" ? .credentialAmendments : .credentialRevocations
        if close != nil { refuse(.electionClosed, check, "the roll cannot change after the close marker") }
        if context == nil { refuse(.wrongPhase, .entryOrder, "\(payload.kind) before the key ceremony result") }
    }

    /// Checks 6.4 (revocation), 6.8, 6.9 and 6.10 for a ballot or spoiled ballot received at `time`.
    private func decidePosition(
        _ payload: EntryPayload, hash: Digest?, seen: BallotSighting?, at time: Date, pending: PendingBallots,
        _ refuse: (RefusalCode, Check, String) -> Void
    ) {
        let isBallot = if case .ballot = payload { true } else { false }
        let what = isBallot ? "ballot" : "spoiled ballot"
        // 6.9 first, so that its code is the one given: the hash's fate never changes with the phase.
        if let hash, let seen {
            switch (isBallot, seen.spoiled) {
            case (true, true):
                refuse(.spoiledBallot, .ballotUnique, "ballot \(hash) was challenged and spoiled at entry \(seen.seq); encrypt afresh")
            case (false, false):
                refuse(.duplicateBallot, .ballotUnique, "ballot \(hash) was cast at entry \(seen.seq) and cannot be spoiled")
            default: refuse(.duplicateBallot, .ballotUnique, "\(what) \(hash) repeats entry \(seen.seq)")
            }
        }
        let ballot: EncryptedBallot? =
            switch payload {
            case .ballot(let b): b
            case .spoiledBallot(let s): s.ballot
            default: nil
            }
        if let ballot, let revocation = revocations[ballot.credential] {
            let check: Check = payload.kind == "ballot" ? .ballotCredential : .spoiledWellFormed
            refuse(
                .revokedCredential, check,
                "\(check == .spoiledWellFormed ? "6.4: " : "")credential \(ballot.credential.hex.prefix(16))... was revoked at entry \(revocation.seq); vote with its replacement"
            )
        }
        if case .ballot(let b) = payload, manifest.rule == .stationFinal {
            if let seq = finalBallots[b.credential] {
                refuse(
                    .finalBallotCast, .stationFinal,
                    "credential \(b.credential.hex.prefix(16))... cast a final station ballot at entry \(seq)")
            } else if pending.finals.contains(b.credential) {
                refuse(
                    .finalBallotCast, .stationFinal, "credential \(b.credential.hex.prefix(16))... cast a final station ballot just before")
            }
        }
        if close != nil {
            refuse(.electionClosed, .ballotWindow, "\(what) after the close marker")
        } else if time < manifest.window.opens {
            refuse(.notOpenYet, .ballotWindow, "\(what) at \(time): voting opens at \(manifest.window.opens)")
        } else if time >= manifest.window.closes {
            refuse(.outsideWindow, .ballotWindow, "\(what) at \(time): voting closed at \(manifest.window.closes)")
        }
    }
}

/// Ballots decided for one group commit but not folded into the ledger yet: what the rule for the
/// next ballot of the same batch must know of them.
public struct PendingBallots: Sendable, BallotIndex {
    /// Credentials whose station ballot in the batch is final (`stationFinal`).
    public private(set) var finals: Set<Element> = []
    /// The batch's ballot hashes and where they go.
    private var hashes: [Digest: BallotSighting] = [:]

    public init() {}

    /// Notes a ballot the rules let append at `seq`, with its ballot hash.
    public mutating func add(_ ballot: EncryptedBallot, hash: Digest, seq: Int, under manifest: Manifest) {
        if manifest.rule == .stationFinal, ballot.channel == .station { finals.insert(ballot.credential) }
        if hashes[hash] == nil { hashes[hash] = BallotSighting(seq: seq, spoiled: false) }
    }

    public func sighting(of ballotHash: Digest) -> BallotSighting? { hashes[ballotHash] }
}
