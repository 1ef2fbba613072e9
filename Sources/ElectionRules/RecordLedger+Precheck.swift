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
        case .ballot(let b):
            guard let context else { return beforeCeremony(payload) }
            let hash = b.hash(contextHash: context.contextHash)
            let found = b.check(in: context, credentials: registry, hash: hash)
            return Precheck(failures: found, code: Refusal.ballot(found)?.code, ballotHash: hash)
        case .spoiledBallot(let s):
            guard let context else { return beforeCeremony(payload) }
            let hash = s.ballot.hash(contextHash: context.contextHash)
            let wellFormed = s.ballot.check(in: context, credentials: registry, hash: hash)
            let reveal = s.checkReveal(in: context)
            let code = Refusal.ballot(wellFormed)?.code ?? Refusal.ballot(reveal)?.code
            let found = wellFormed.map { CheckFailure(.spoiledWellFormed, "\($0.check.rawValue): \($0.message)") } + reveal
            return Precheck(failures: found, code: code, ballotHash: hash)
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
