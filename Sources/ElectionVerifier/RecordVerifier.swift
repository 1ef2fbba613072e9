import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// Verifies an election record from its published bytes alone (SPEC 10, PROTOCOL.md 7).
///
/// Entries may be fed in several calls as the record grows (`ingest`), so an observer can verify
/// while voting is open; `report()` summarises what has been checked so far. Ballot checks run on
/// `workers` threads. Every failure is reported, with its check number and entry.
public final class RecordVerifier {
    public let workers: Int
    private var failures = [CheckFailure]()
    private var itemsChecked = [Check: Int]()
    private var elapsed: TimeInterval = 0

    // Chain state, and the Merkle tree over the lines (check 1.4).
    private var tree = MerkleTree()
    private var lastHead: SignedTreeHead?
    private var nextSeq = 0
    private var lastHash = Digest.zero

    // Protocol state: the acceptance rules' ledger (the board's own), the entries waiting for a
    // parallel batch, and the accepted ballots in log order for the recount.
    private let manifestBytes: [UInt8]
    private var ledger: RecordLedger?
    private var pending = [RecordedEntry]()
    private var ballots = [CountingRule.Cast]()
    private var countedBallots = 0
    /// Accepted ballots' selections as verification decoded them, by `seq`: the recount adds them.
    private var ballotPoints: [Int: [[CiphertextPoints]]] = [:]
    private var supersededBallots = 0
    private var revokedBallots = 0
    private var resultVerified = false

    public init(manifestBytes: [UInt8], workers: Int = Parallel.cores) {
        self.manifestBytes = manifestBytes
        self.workers = max(1, workers)
        var manifest: Manifest?
        do { manifest = try RecordCoding.decodeStrict(Manifest.self, from: manifestBytes) } catch {
            fail(.manifestWellFormed, nil, "manifest.json does not decode: \(error)")
        }
        if let m = manifest {
            let problems = m.problems()
            for p in problems { fail(.manifestWellFormed, nil, p) }
            count(.manifestWellFormed)
            // Nothing after the manifest means anything under a malformed one: stop at the chain.
            if problems.isEmpty {
                ledger = RecordLedger(manifest: m, manifestHash: ProtocolHashes.manifestHash(manifestBytes), indexesBallots: true)
            }
        }
    }

    /// Verifies a whole record read from disk.
    public static func verify(_ record: LoadedRecord, workers: Int = Parallel.cores) -> VerificationReport {
        let v = RecordVerifier(manifestBytes: record.manifestBytes, workers: workers)
        v.reportLineProblems(record.problems)
        v.ingest(record.entries)
        v.ingest(treeHeads: record.treeHeads, problems: record.treeHeadProblems)
        return v.report()
    }

    /// Verifies the record in a directory; a missing file is a check 1.1 failure.
    public static func verify(directory: RecordDirectory, workers: Int = Parallel.cores) -> VerificationReport {
        do {
            return verify(try LoadedRecord.load(directory), workers: workers)
        } catch {
            let v = RecordVerifier(manifestBytes: [], workers: workers)
            v.failures = [CheckFailure(.logStructure, "\(error)")]
            return v.report()
        }
    }

    /// Records unreadable lines as check 1.1 failures.
    public func reportLineProblems(_ problems: [LineProblem]) {
        for p in problems { fail(.logStructure, nil, "log line \(p.line): \(p.message)") }
    }

    private func fail(_ check: Check, _ entry: Int?, _ message: String) {
        failures.append(CheckFailure(check, entry: entry, message))
    }

    private func count(_ check: Check, _ n: Int = 1) { itemsChecked[check, default: 0] += n }

    private func add(_ found: [CheckFailure], entry: Int) {
        for var f in found {
            f.entry = entry
            failures.append(f)
        }
    }

    // MARK: - Ingest

    /// Checks the next entries of the record, in log order.
    public func ingest(_ entries: [RecordedEntry]) {
        let t0 = Date()
        for e in entries {
            checkChain(e)
            switch e.entry.payload {
            case .ballot, .spoiledBallot: pending.append(e)
            default:
                flushPending()
                checkEntry(e)
            }
        }
        flushPending()
        elapsed += Date().timeIntervalSince(t0)
    }

    /// Check 1.4 for signed tree heads over the entries ingested so far: signed by the board, the
    /// Merkle root of exactly that many entries, and never shrinking or going back in time.
    public func ingest(treeHeads: [SignedTreeHead], problems: [LineProblem] = []) {
        for p in problems { fail(.treeHeads, nil, "treeheads.jsonl line \(p.line): \(p.message)") }
        for head in treeHeads {
            count(.treeHeads)
            if !head.isCanonical {
                fail(.treeHeads, nil, "tree head of size \(head.size) is not in canonical form (lowercase hex, sizes not negative)")
            }
            if let m = ledger?.manifest, !head.verify(boardKey: m.boardKey) {
                fail(.treeHeads, nil, "tree head of size \(head.size) is not signed by the board key")
            }
            if head.size < 0 || head.size > tree.size {
                fail(.treeHeads, nil, "tree head of size \(head.size), but the log has \(tree.size) entries")
            } else if tree.root(size: head.size) != head.rootBytes {
                fail(
                    .treeHeads, nil,
                    "tree head of size \(head.size) has root \(head.root.prefix(16))..., the log's first \(head.size) entries give \(Hex.encode(tree.root(size: head.size)).prefix(16))...: history was rewritten"
                )
            }
            if let last = lastHead, head.size < last.size || head.timestamp < last.timestamp {
                fail(
                    .treeHeads, nil, "tree head of size \(head.size) comes after one of size \(last.size): heads must grow in size and time"
                )
            }
            lastHead = head
        }
    }

    private func checkChain(_ e: RecordedEntry) {
        let entry = e.entry
        tree.append(leafHash: MerkleHash.leaf(e.line))
        count(.logStructure)  // the line was read strictly (1.1)
        count(.hashChain)
        if entry.seq != nextSeq { fail(.hashChain, entry.seq, "sequence number \(entry.seq) where \(nextSeq) was expected") }
        if entry.prev != lastHash { fail(.hashChain, entry.seq, "prev is \(entry.prev), the previous entry hashes to \(lastHash)") }
        nextSeq = entry.seq + 1
        lastHash = e.hash
    }

    /// The checks each kind of entry's rule covers (what "passed" counts), beyond 1.3.
    private static func checks(of payload: EntryPayload, manifest: Manifest) -> [Check] {
        switch payload {
        case .manifest: [.manifestHash]
        case .trusteeCommitment: [.trusteeSignature, .coefficientProofs, .trusteeCommitments]
        case .complaint: [.complaints]
        case .keyCeremony: [.jointKey, .verificationKeys, .contextHash]
        case .credentialList: [.credentialListSignature, .credentialListContents]
        case .credentialAmendment: [.credentialAmendments]
        case .credentialRevocation: [.credentialRevocations]
        case .ballot(let b):
            [
                .ballotElection, .ballotStyle, .ballotChannel, .ballotCredential, .ballotSignature, .countProofs, .ballotWindow,
                .ballotUnique, .selectionNotInClear,
            ] + (manifest.rule == .stationFinal ? [.stationFinal] : [])
        case .spoiledBallot: [.spoiledWellFormed, .spoiledReveal, .ballotWindow, .ballotUnique]
        case .close: [.closeMarker]
        case .tally: [.supersede, .tallyAggregates, .smallCells]
        case .decryptionShares: [.decryptionShareProofs]
        case .result: [.decryptionThreshold, .decryptedCounts, .resultTotals]
        }
    }

    /// Applies the acceptance rules to one entry against the ledger of the entries before it,
    /// reports what they find, and folds the entry.
    private func decide(_ e: RecordedEntry, _ pre: Precheck, ledger: inout RecordLedger) {
        let seq = e.entry.seq
        let decision = ledger.decide(e.entry.payload, pre, at: e.entry.at, ballots: ledger)
        add(decision.failures, entry: seq)
        count(.entryOrder)
        // 11.1 and 11.2 run only on k valid share sets (10.2); 4.1-4.3 only on every trustee's k commitments (3.2).
        var skipped: Set<Check> = []
        if decision.failures.contains(where: { $0.check == .decryptionThreshold }) { skipped = [.decryptedCounts, .resultTotals] }
        if case .keyCeremony = e.entry.payload, decision.failures.contains(where: { $0.check == .trusteeCommitments }) {
            skipped = [.jointKey, .verificationKeys, .contextHash]
        }
        for c in Self.checks(of: e.entry.payload, manifest: ledger.manifest) where !skipped.contains(c) { count(c) }
        switch e.entry.payload {
        case .ballot(let b):
            count(.selectionProofs, b.answers.reduce(0) { $0 + $1.selections.count })
            if decision == .append {
                ballots.append((seq, e.entry.at, b))
                if let points = pre.selectionPoints { ballotPoints[seq] = points }
            }
        case .result where decision == .append:
            resultVerified = true
        default: break
        }
        ledger.fold(e, ballotHash: pre.ballotHash, accepted: decision == .append)
    }

    /// Checks one entry other than a ballot or spoiled ballot.
    private func checkEntry(_ e: RecordedEntry) {
        guard ledger != nil else {
            // Under a malformed manifest only its hash is checked (2.1): nothing else means anything.
            if case .manifest(let ref) = e.entry.payload {
                count(.manifestHash)
                let hash = ProtocolHashes.manifestHash(manifestBytes)
                if ref.manifestHash != hash {
                    fail(.manifestHash, e.entry.seq, "entry names manifest hash \(ref.manifestHash), manifest.json hashes to \(hash)")
                }
            }
            return
        }
        let workers = self.workers
        withLedger { l in
            var recount: EncryptedTally?
            if case .tally = e.entry.payload, l.close != nil {
                let counted = CountingRule.counted(ballots, revoked: l.registry.revoked)
                countedBallots = counted.count
                let voters = Set(ballots.map(\.ballot.credential)).count
                supersededBallots = ballots.count - voters
                revokedBallots = voters - counted.count
                recount = CountingRule.tally(manifest: l.manifest, counted: counted, workers: workers, points: ballotPoints)
            }
            decide(e, l.precheck(e.entry.payload, recount: recount, workers: workers), ledger: &l)
        }
    }

    /// Runs `body` on the ledger while nothing else holds it, so that folding a ballot adds to its
    /// ballot index in place: a second reference would make that index be copied, every ballot so
    /// far, at each call (and incremental verification quadratic).
    private func withLedger(_ body: (inout RecordLedger) -> Void) {
        guard var l = ledger else { return }
        ledger = nil
        body(&l)
        ledger = l
    }

    /// The expensive checks of a run of ballots and spoiled ballots, in parallel, against `ledger`.
    /// Runs of up to `ballotsPerBatch` entries share one batch of proof equations (PROTOCOL.md 8.4):
    /// Pippenger's method costs less than half of a ballot's own chain from 64 ballots on.
    public static let ballotsPerBatch = 128

    private static func prechecks(_ batch: [RecordedEntry], against ledger: RecordLedger, workers: Int) -> [Precheck] {
        // Runs small enough that every worker gets several.
        let size = max(1, min(ballotsPerBatch, batch.count / max(1, 4 * workers)))
        let runs = stride(from: 0, to: batch.count, by: size).map { Array(batch[$0..<min($0 + size, batch.count)]) }
        return Parallel.map(runs, workers: workers) { run in ledger.prechecks(run.map(\.entry.payload)) }.flatMap { $0 }
    }

    /// Checks buffered ballots and spoiled ballots: the expensive part in parallel against the
    /// ledger before them (nothing in a run of ballots changes what those checks read), then the
    /// rules of their place in the log, in log order.
    private func flushPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        let workers = self.workers
        withLedger { l in
            let prechecks = Self.prechecks(batch, against: l, workers: workers)
            for (e, pre) in zip(batch, prechecks) { decide(e, pre, ledger: &l) }
        }
    }

    // MARK: - Report

    /// The report on everything ingested so far.
    public func report() -> VerificationReport {
        flushPending()
        let failedChecks = Set(failures.map(\.check))
        let statuses = Check.allCases.map { c -> VerificationReport.CheckStatus in
            let n = itemsChecked[c, default: 0]
            let f = failures.filter { $0.check == c }.count
            let status: VerificationReport.CheckStatus.Status =
                failedChecks.contains(c) ? .failed : (n > 0 ? .passed : .notYetApplicable)
            return .init(check: c.rawValue, title: c.title, status: status, itemsChecked: n, failures: f)
        }
        let l = ledger
        let phase = (l?.stage ?? .setup).rawValue
        let seconds = max(elapsed, 1e-9)
        let cast = l?.ballotCount ?? 0
        // Before the close is tallied, the ballots that would count if it closed now (each
        // credential's last, revoked ones aside): the same rule the tally's recount applies.
        var (counted, superseded, revoked) = (countedBallots, supersededBallots, revokedBallots)
        if let l, l.tally == nil {
            let now = CountingRule.counted(ballots, revoked: l.registry.revoked)
            let voters = Set(ballots.map(\.ballot.credential)).count
            (counted, superseded, revoked) = (now.count, ballots.count - voters, voters - now.count)
        }
        return VerificationReport(
            ok: failures.isEmpty, phase: phase, checks: statuses,
            failures: failures.sorted { ($0.entry ?? -1, $0.check) < ($1.entry ?? -1, $1.check) },
            statistics: .init(
                entries: nextSeq, ballots: cast, countedBallots: counted, supersededBallots: superseded, revokedBallots: revoked,
                spoiledBallots: l?.spoiled.count ?? 0, seconds: elapsed, ballotsPerSecond: Double(cast) / seconds, workers: workers),
            result: resultVerified && failures.isEmpty ? l?.result?.value.summary : nil)
    }
}
