import ElectionRecord
import Foundation
import PlebisciteCrypto
import Ristretto

/// The outcome of an entry's expensive checks (signatures, proofs, recomputations), run before
/// the decision at the tail and outside any critical section.
public struct Precheck: Sendable {
    /// Every failed check, as the verifier reports them.
    public var failures: [CheckFailure]
    /// The refusal code the first failure gives.
    public var code: RefusalCode?
    /// A ballot's or spoiled ballot's hash.
    public var ballotHash: Digest?
    /// A cast ballot's selections as the batch decoded them (per answer, per selection), so the
    /// recount adds them without decoding them again; nil where not decoded.
    public var selectionPoints: [[CiphertextPoints]]?

    public init(failures: [CheckFailure] = [], code: RefusalCode? = nil, ballotHash: Digest? = nil) {
        self.failures = failures
        self.code = failures.isEmpty ? nil : (code ?? .invalidEntry)
        self.ballotHash = ballotHash
    }
}

extension RecordLedger {
    /// Runs the checks of `payload` that need no more of the log than what never changes once it
    /// is there (manifest, context, credentials, tally, share sets): so a precheck against any
    /// recent state holds at the tail. Pure: safe on many threads at once.
    ///
    /// `recount` is the tally of the counted ballots, needed for a `tally` entry only (checks 8.2
    /// and 9.1): whoever holds the ballots computes it once the log is closed.
    public func precheck(_ payload: EntryPayload, recount: EncryptedTally? = nil, workers: Int = 1) -> Precheck {
        switch payload {
        case .manifest, .complaint, .keyCeremony, .close:
            return Precheck()  // cheap: decided at the tail
        case .trusteeCommitment(let c):
            return Precheck(failures: c.check(manifest: manifest, manifestHash: manifestHash))
        case .credentialList(let l):
            return Precheck(failures: l.check(manifest: manifest, manifestHash: manifestHash))
        case .credentialAmendment(let a):
            return Precheck(failures: a.check(manifest: manifest, manifestHash: manifestHash))
        case .credentialRevocation(let r):
            return Precheck(failures: r.check(manifest: manifest, manifestHash: manifestHash))
        case .ballot, .spoiledBallot:
            return prechecks(ofBallots: [payload])[0]
        case .tally(let t):
            return precheckTally(t, recount: recount)
        case .decryptionShares(let d):
            guard let context, let tally, let tallyHash else {
                return Precheck(failures: [CheckFailure(.entryOrder, "decryption shares before the tally")], code: .wrongPhase)
            }
            return Precheck(failures: d.check(in: context, tally: tally.value, tallyHash: tallyHash, workers: workers))
        case .result(let r):
            return precheckResult(r, workers: workers)
        }
    }

    /// The prechecks of a run of entries, as `precheck` gives them one by one, except that the
    /// proofs' equations of all its ballots and spoiled ballots are checked as one batch
    /// (PROTOCOL.md 8.4); only should it not hold are they checked ballot by ballot, and the
    /// proofs of each ballot that fails alone one by one, so the failures named are the same.
    ///
    /// Complexity: per ballot its hashes and decodings; one multi-scalar multiplication for the
    /// run (Pippenger's method: from 64 ballots on, less than half of a ballot's own Straus chain).
    public func prechecks(_ payloads: [EntryPayload]) -> [Precheck] {
        let ballots = payloads.indices.filter {
            switch payloads[$0] {
            case .ballot, .spoiledBallot: true
            default: false
            }
        }
        var results = payloads.map { payload -> Precheck? in
            switch payload {
            case .ballot, .spoiledBallot: nil
            default: precheck(payload)
            }
        }
        for (i, precheck) in zip(ballots, prechecks(ofBallots: ballots.map { payloads[$0] })) { results[i] = precheck }
        return results.map { $0! }
    }

    /// Prechecks of ballots and spoiled ballots, their equations in one batch.
    private func prechecks(ofBallots payloads: [EntryPayload]) -> [Precheck] {
        guard let context else { return payloads.map(beforeCeremony) }
        var batch = ProofBatch()
        let checked = payloads.map {
            payload -> (ballot: EncryptedBallot, hash: Digest, failures: [CheckFailure], deferred: DeferredProofs) in
            let ballot: EncryptedBallot
            switch payload {
            case .spoiledBallot(let s): ballot = s.ballot
            case .ballot(let b): ballot = b
            default: preconditionFailure("only ballots are batched")
            }
            let hash = ballot.hash(contextHash: context.contextHash)
            let (failures, deferred) = ballot.check(in: context, credentials: registry, hash: hash, equationsInto: &batch)
            return (ballot, hash, failures, deferred)
        }
        let holds = batch.holds()
        // A batch that fails while each ballot holds alone (probability 2^-128): every ballot is
        // then refused with its proofs named, rather than any accepted unchecked.
        let failsAlone = holds ? [] : checked.map { !$0.deferred.hold() }
        let noneAlone = !holds && !failsAlone.contains(true)
        return zip(payloads, checked).enumerated().map { i, item in
            let (payload, c) = item
            var found = c.failures
            if !holds && (failsAlone[i] || noneAlone) { found += c.deferred.failures() }
            guard case .spoiledBallot(let s) = payload else {
                var precheck = Precheck(failures: found, code: Refusal.ballot(found)?.code, ballotHash: c.hash)
                if found.isEmpty {
                    precheck.selectionPoints = c.ballot.answers.map { $0.selections.compactMap { batch.points($0.ciphertext) } }
                }
                return precheck
            }
            let reveal = s.checkReveal(in: context)
            let code = Refusal.ballot(found)?.code ?? Refusal.ballot(reveal)?.code
            let failures = found.map { CheckFailure(.spoiledWellFormed, "\($0.check.rawValue): \($0.message)") } + reveal
            return Precheck(failures: failures, code: code, ballotHash: c.hash)
        }
    }

    private func beforeCeremony(_ payload: EntryPayload) -> Precheck {
        Precheck(failures: [CheckFailure(.entryOrder, "\(payload.kind) before the key ceremony result")], code: .wrongPhase)
    }

    /// Checks 8.2, 9.1 and 9.2: the tally is the recount, and no precinct counts more ballots than credentials.
    private func precheckTally(_ t: EncryptedTally, recount: EncryptedTally?) -> Precheck {
        guard close != nil else {
            return Precheck(failures: [CheckFailure(.entryOrder, "tally before the close marker")], code: .wrongPhase)
        }
        guard let recount else { return Precheck(failures: [CheckFailure(.tallyAggregates, "no recount to compare with")]) }
        // 8.2 on the published tally alone (an observer checks it without recounting): the recount
        // could never break it, since each counted ballot has its own listed credential.
        var found = [CheckFailure]()
        var perPrecinct = [String: Int]()
        for member in t.cells.flatMap(\.cells) { perPrecinct[member.precinct, default: 0] += member.ballots }
        for (p, n) in perPrecinct.sorted(by: { $0.key < $1.key }) where n > registry.counts[p, default: 0] {
            found.append(CheckFailure(.supersede, "precinct \(p): \(n) counted ballots for \(registry.counts[p, default: 0]) credentials"))
        }
        func layout(_ tally: EncryptedTally) -> [String] {
            tally.cells.map { cell in
                cell.key.label + (cell.members == nil ? "" : " merging ") + (cell.members ?? []).map(\.label).joined(separator: " ")
            }
        }
        if layout(recount) != layout(t) {
            found.append(
                CheckFailure(
                    .smallCells,
                    "the tally's aggregates are not the cells the counted ballots give with minimumCell \(manifest.cellMinimum) (section 6.3)"
                ))
        } else if recount != t {
            let differing = zip(recount.cells, t.cells).filter { $0 != $1 }.map(\.0.key.label)
            found.append(
                CheckFailure(
                    .tallyAggregates,
                    recount.cells.count != t.cells.count
                        ? "tally has \(t.cells.count) cells, the counted ballots give \(recount.cells.count)"
                        : "tally cells differ from the recomputed sums: \(differing.prefix(5).joined(separator: ", "))"))
        }
        return Precheck(failures: found)
    }

    /// Checks 10.2, 11.1 and 11.2: k distinct trustees with valid shares, the counts they decrypt
    /// the tally to, and the summaries added up from those counts.
    private func precheckResult(_ r: ElectionResult, workers: Int) -> Precheck {
        guard let tally else { return Precheck(failures: [CheckFailure(.entryOrder, "result before the tally")], code: .wrongPhase) }
        let k = manifest.threshold
        let usable = r.trustees.compactMap { validShares.contains($0) ? shares[$0]?.value : nil }
        // 10.2 with 6.3: the k indices in ascending order, so one set of trustees is written one way.
        guard zip(r.trustees, r.trustees.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return Precheck(failures: [
                CheckFailure(.decryptionThreshold, "result names trustees \(r.trustees), not in strictly ascending order (section 6.3)")
            ])
        }
        guard Set(r.trustees).count == k, r.trustees.count == k, usable.count == k else {
            return Precheck(failures: [
                CheckFailure(
                    .decryptionThreshold,
                    "result names trustees \(r.trustees); \(k) distinct trustees with valid shares are needed, valid: \(validShares.sorted())"
                )
            ])
        }
        do {
            let cells = try TallyDecryption.decrypt(tally: tally.value, shares: usable, threshold: k, workers: workers)
            if cells != r.cells {
                let bad = zip(cells, r.cells).filter { $0 != $1 }.map(\.0.key.label)
                return Precheck(failures: [
                    CheckFailure(
                        .decryptedCounts,
                        r.cells.count != cells.count
                            ? "result has \(r.cells.count) cells, the tally has \(cells.count)"
                            : "published counts differ from the decryption in cells \(bad.prefix(5).joined(separator: ", "))")
                ])
            }
        } catch {
            return Precheck(failures: [
                CheckFailure(.decryptedCounts, "the shares do not decrypt the tally to counts within range: \(error)")
            ])
        }
        if ResultSummary.summarize(manifest: manifest, cells: r.cells, credentials: registry.counts) != r.summary {
            return Precheck(failures: [
                CheckFailure(.resultTotals, "the published totals, turnout or per-scope counts differ from the sums of the cells")
            ])
        }
        return Precheck()
    }
}
