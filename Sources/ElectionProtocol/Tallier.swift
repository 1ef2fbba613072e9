import ElectionRecord
import PlebisciteCrypto
import Ristretto

/// Why the tally or its decryption could not be produced.
public enum TallyError: Error, Equatable, Sendable, CustomStringConvertible {
    case notClosed
    case noTally
    case notEnoughValidShares(valid: [Int], need: Int, rejected: [CheckFailure])
    case decryptionFailed(String)

    public var description: String {
        switch self {
        case .notClosed: "the election is not closed: no tally before the close marker"
        case .noTally: "no tally has been published yet"
        case .notEnoughValidShares(let valid, let need, let rejected):
            "only \(valid.count) \(valid.count == 1 ? "trustee" : "trustees") (\(valid)) published valid shares, \(need) needed"
                + (rejected.isEmpty ? "" : "; rejected: " + rejected.map(\.description).joined(separator: "; "))
        case .decryptionFailed(let m): "decryption failed: \(m)"
        }
    }
}

/// Tally and result steps run by the administrator after the close.
public enum Tallier {
    /// Sums the counted ballots (last per credential, none revoked) per (precinct, channel),
    /// question and option, small cells merged.
    public static func tally(_ state: RecordState, workers: Int) throws(TallyError) -> EncryptedTally {
        guard state.close != nil else { throw .notClosed }
        return CountingRule.tally(manifest: state.manifest, ballots: state.ballots, revoked: state.registry.revoked, workers: workers)
    }

    /// Checks every trustee's shares, drops invalid ones (naming them), combines any k valid ones,
    /// and summarises per precinct, region, channel and in total.
    public static func combine(
        _ state: RecordState, context: ElectionContext, workers: Int
    ) throws(TallyError) -> (result: ElectionResult, rejected: [CheckFailure]) {
        guard let tally = state.tally else { throw .noTally }
        let tallyHash = ProtocolHashes.tallyHash(contextHash: context.contextHash, tally)
        var valid = [DecryptionShares]()
        var rejected = [CheckFailure]()
        var seen = Set<Int>()
        for s in state.shares where seen.insert(s.trustee).inserted {
            let failures = s.check(in: context, tally: tally, tallyHash: tallyHash, workers: workers)
            if failures.isEmpty { valid.append(s) } else { rejected += failures }
        }
        let k = context.manifest.threshold
        guard valid.count >= k else { throw .notEnoughValidShares(valid: valid.map(\.trustee), need: k, rejected: rejected) }
        let used = Array(valid.sorted { $0.trustee < $1.trustee }.prefix(k))
        let cells: [ResultCell]
        do { cells = try TallyDecryption.decrypt(tally: tally, shares: used, threshold: k, workers: workers) } catch {
            throw .decryptionFailed("\(error)")
        }
        let summary = ResultSummary.summarize(manifest: state.manifest, cells: cells, credentials: state.registry.counts)
        return (ElectionResult(trustees: used.map(\.trustee), cells: cells, summary: summary), rejected)
    }
}
