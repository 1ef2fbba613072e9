import ElectionRecord
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
    private var lastPhase = 0
    private var lastTime: Date?

    // Protocol state.
    private let manifestBytes: [UInt8]
    private var manifest: Manifest?
    private var manifestHash: Digest
    private var commitments = [Int: TrusteeCommitment]()
    private var context: ElectionContext?
    private var registry = CredentialRegistry()
    private var listedPrecincts = Set<String>()
    private var pending = [RecordedEntry]()
    private var ballots = [CountingRule.Cast]()
    private var castHashes = Set<Digest>()
    private var spoiledHashes = Set<Digest>()
    private var spoiledCount = 0
    private var closed = false
    private var tally: EncryptedTally?
    private var tallyMatches = false
    private var tallyHash: Digest?
    private var validShares = [Int: DecryptionShares]()
    private var sharesSeen = Set<Int>()
    private var result: ElectionResult?
    private var resultVerified = false
    private var countedBallots = 0

    public init(manifestBytes: [UInt8], workers: Int = Parallel.cores) {
        self.manifestBytes = manifestBytes
        self.workers = max(1, workers)
        manifestHash = ProtocolHashes.manifestHash(manifestBytes)
        do { manifest = try RecordCoding.decode(Manifest.self, from: manifestBytes) } catch {
            fail(.manifestWellFormed, nil, "manifest.json does not decode: \(error)")
        }
        if let m = manifest {
            let problems = m.problems()
            for p in problems { fail(.manifestWellFormed, nil, p) }
            count(.manifestWellFormed)
            // Nothing after the manifest means anything under a malformed one: stop at the chain.
            if !problems.isEmpty { manifest = nil }
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
            if let m = manifest, !head.verify(boardKey: m.boardKey) {
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
        count(.hashChain)
        if entry.seq != nextSeq { fail(.hashChain, entry.seq, "sequence number \(entry.seq) where \(nextSeq) was expected") }
        if entry.prev != lastHash { fail(.hashChain, entry.seq, "prev is \(entry.prev), the previous entry hashes to \(lastHash)") }
        nextSeq = entry.seq + 1
        lastHash = e.hash
        count(.entryOrder)
        let phase = entry.payload.phase
        if nextSeq == 1, phase != 0 { fail(.entryOrder, entry.seq, "the first entry must be the manifest reference") }
        if nextSeq > 1, phase == 0 { fail(.entryOrder, entry.seq, "a second manifest entry") }
        if phase < lastPhase { fail(.entryOrder, entry.seq, "\(entry.payload.kind) entry after the protocol moved past that phase") }
        lastPhase = max(lastPhase, phase)
        if let t = lastTime, entry.at < t { fail(.entryOrder, entry.seq, "entry time goes backwards") }
        lastTime = entry.at
    }

    private func checkEntry(_ e: RecordedEntry) {
        let seq = e.entry.seq
        switch e.entry.payload {
        case .manifest(let ref):
            count(.manifestHash)
            if ref.manifestHash != manifestHash {
                fail(.manifestHash, seq, "entry names manifest hash \(ref.manifestHash), manifest.json hashes to \(manifestHash)")
            }
            if let m = manifest, ref.electionId != m.electionId {
                fail(.manifestHash, seq, "entry names election \(ref.electionId), manifest has \(m.electionId)")
            }
        case .trusteeCommitment(let c):
            guard let m = manifest else { return }
            count(.trusteeSignature)
            count(.coefficientProofs, c.proofs.count)
            count(.trusteeCommitments)
            add(c.check(manifest: m, manifestHash: manifestHash), entry: seq)
            if commitments[c.trustee] != nil { fail(.trusteeCommitments, seq, "second commitment from trustee \(c.trustee)") }
            commitments[c.trustee] = commitments[c.trustee] ?? c
        case .complaint(let c):
            guard let m = manifest else { return }
            count(.complaints)
            guard let accused = commitments[c.accused] else {
                fail(.complaints, seq, "complaint against trustee \(c.accused), who has no commitment")
                return
            }
            switch c.verdict(manifest: m, manifestHash: manifestHash, accusedCommitments: accused.commitments) {
            case .dealerCheated(let t):
                fail(
                    .complaints, seq,
                    "valid complaint by trustee \(c.accuser): trustee \(t) sent a share that does not match its commitments; the key ceremony failed"
                )
            case .unfounded(let why):
                fail(.complaints, seq, "unfounded complaint by trustee \(c.accuser) against \(c.accused): \(why)")
            }
        case .keyCeremony(let k):
            checkCeremony(k, seq: seq)
        case .credentialList(let l):
            guard let m = manifest else { return }
            count(.credentialListSignature)
            count(.credentialListContents)
            add(l.check(manifest: m, manifestHash: manifestHash), entry: seq)
            if !listedPrecincts.insert(l.precinct).inserted { fail(.credentialListContents, seq, "second list for precinct \(l.precinct)") }
            let clashes = registry.add(l)
            if !clashes.isEmpty { fail(.credentialListContents, seq, "\(clashes.count) credential(s) already listed for another precinct") }
        case .ballot, .spoiledBallot:
            break  // handled in batches
        case .close(let marker):
            checkClose(marker, seq: seq, previous: e.entry.prev)
        case .tally(let t):
            checkTally(t, seq: seq)
        case .decryptionShares(let d):
            checkShares(d, seq: seq)
        case .result(let r):
            checkResult(r, seq: seq)
        }
    }

    private func checkCeremony(_ k: KeyCeremonyResult, seq: Int) {
        guard let m = manifest else { return }
        count(.jointKey)
        count(.verificationKeys)
        count(.contextHash)
        let indices = m.trustees.map(\.index).sorted()
        let missing = indices.filter { commitments[$0] == nil }
        if !missing.isEmpty {
            fail(.trusteeCommitments, seq, "no commitment from trustee(s) \(missing)")
            return
        }
        if let p = m.precincts.first, listedPrecincts.contains(p.id) { fail(.entryOrder, seq, "key ceremony after credential lists") }
        let all = indices.map { commitments[$0]!.commitments }
        guard all.allSatisfy({ $0.count == m.threshold }) else { return }  // already reported by 3.2
        let derived = ElectionContext(manifest: m, manifestHash: manifestHash, commitments: all)
        if derived.jointKey != k.jointKey || k.jointKey.isIdentity {
            fail(.jointKey, seq, "published joint key \(k.jointKey.hex.prefix(16))... is not the sum of the constant-term commitments")
        }
        if derived.verificationKeys != k.verificationKeys {
            fail(.verificationKeys, seq, "published verification keys differ from those computed from the commitments")
        }
        if derived.contextHash != k.contextHash {
            fail(.contextHash, seq, "published context hash \(k.contextHash) differs from the recomputed \(derived.contextHash)")
        }
        context = derived
    }

    /// Checks buffered ballots and spoiled ballots: the expensive part in parallel, then the
    /// order-dependent rules (uniqueness, window) in log order.
    private func flushPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        guard let context else {
            for e in batch { fail(.entryOrder, e.entry.seq, "\(e.entry.payload.kind) before the key ceremony result") }
            return
        }
        let registry = self.registry
        let checked = Parallel.map(batch, workers: workers) { e -> (Digest, [CheckFailure]) in
            switch e.entry.payload {
            case .ballot(let b):
                let h = b.hash(contextHash: context.contextHash)
                return (h, b.check(in: context, credentials: registry, hash: h))
            case .spoiledBallot(let s):
                let h = s.ballot.hash(contextHash: context.contextHash)
                let wellFormed = s.ballot.check(in: context, credentials: registry, hash: h).map {
                    CheckFailure(.spoiledWellFormed, "\($0.check.rawValue): \($0.message)")
                }
                return (h, wellFormed + s.checkReveal(in: context))
            default:
                return (Digest.zero, [])
            }
        }
        let window = context.manifest.window
        for (e, (hash, found)) in zip(batch, checked) {
            let seq = e.entry.seq
            add(found, entry: seq)
            switch e.entry.payload {
            case .ballot(let b):
                for c in [
                    Check.ballotElection, .ballotStyle, .ballotChannel, .ballotCredential, .ballotSignature, .countProofs, .ballotWindow,
                    .ballotUnique,
                ] {
                    count(c)
                }
                count(.selectionProofs, b.answers.reduce(0) { $0 + $1.selections.count })
                if !window.contains(e.entry.at) { fail(.ballotWindow, seq, "received at \(e.entry.at), outside the voting window") }
                if closed { fail(.ballotWindow, seq, "ballot after the close marker") }
                if !castHashes.insert(hash).inserted { fail(.ballotUnique, seq, "ballot \(hash) appears twice") }
                if spoiledHashes.contains(hash) { fail(.ballotUnique, seq, "ballot \(hash) was spoiled and cannot be cast") }
                ballots.append((seq, b))
            case .spoiledBallot:
                count(.spoiledWellFormed)
                count(.spoiledReveal)
                spoiledCount += 1
                if !window.contains(e.entry.at) {
                    fail(.ballotWindow, seq, "spoiled ballot received at \(e.entry.at), outside the voting window")
                }
                if castHashes.contains(hash) { fail(.ballotUnique, seq, "spoiled ballot \(hash) was already cast") }
                spoiledHashes.insert(hash)
            default: break
            }
        }
    }

    private func checkClose(_ marker: CloseMarker, seq: Int, previous: Digest) {
        guard let m = manifest else { return }
        count(.closeMarker)
        if closed { fail(.closeMarker, seq, "second close marker") }
        closed = true
        let message = ProtocolHashes.closeMessage(
            manifestHash: manifestHash, previous: previous, closedAt: Int64(marker.closedAt.timeIntervalSince1970))
        if !m.boardKey.isValidSignature(marker.signature.bytes, for: message) {
            fail(.closeMarker, seq, "close marker is not signed by the board key")
        }
        if marker.closedAt < m.window.closes { fail(.closeMarker, seq, "closed at \(marker.closedAt), before the window ends") }
    }

    private func checkTally(_ t: EncryptedTally, seq: Int) {
        guard let m = manifest, let context else { return }
        count(.supersede)
        count(.tallyAggregates)
        if !closed { fail(.entryOrder, seq, "tally before the close marker") }
        let counted = CountingRule.counted(ballots)
        countedBallots = counted.count
        // 8.2: counted per precinct never exceeds its credentials.
        var perPrecinct = [String: Int]()
        for c in counted { perPrecinct[c.ballot.precinct, default: 0] += 1 }
        for (p, n) in perPrecinct.sorted(by: { $0.key < $1.key }) where n > registry.counts[p, default: 0] {
            fail(.supersede, seq, "precinct \(p): \(n) counted ballots for \(registry.counts[p, default: 0]) credentials")
        }
        let recomputed = CountingRule.aggregate(manifest: m, counted: counted.map(\.ballot), workers: workers)
        if recomputed != t {
            let differing = zip(recomputed.cells, t.cells).filter { $0 != $1 }.map { "\($0.0.precinct)/\($0.0.channel.rawValue)" }
            fail(
                .tallyAggregates, seq,
                recomputed.cells.count != t.cells.count
                    ? "tally has \(t.cells.count) cells, the counted ballots give \(recomputed.cells.count)"
                    : "tally cells differ from the recomputed sums: \(differing.prefix(5).joined(separator: ", "))")
        }
        tallyMatches = recomputed == t
        tally = t
        tallyHash = ProtocolHashes.tallyHash(contextHash: context.contextHash, t)
    }

    private func checkShares(_ d: DecryptionShares, seq: Int) {
        guard let context, let tally, let tallyHash else {
            fail(.entryOrder, seq, "decryption shares before the tally")
            return
        }
        count(.decryptionShareProofs, d.partials.count)
        if !sharesSeen.insert(d.trustee).inserted { fail(.decryptionShareProofs, seq, "second set of shares from trustee \(d.trustee)") }
        let found = d.check(in: context, tally: tally, tallyHash: tallyHash, workers: workers)
        add(found, entry: seq)
        if found.isEmpty, validShares[d.trustee] == nil { validShares[d.trustee] = d }
    }

    private func checkResult(_ r: ElectionResult, seq: Int) {
        guard let m = manifest, let tally else {
            fail(.entryOrder, seq, "result before the tally")
            return
        }
        count(.decryptionThreshold)
        count(.decryptedCounts)
        count(.resultTotals)
        result = r
        let used = r.trustees
        let usable = used.compactMap { validShares[$0] }
        if Set(used).count != m.threshold || usable.count != m.threshold {
            fail(
                .decryptionThreshold, seq,
                "result names trustees \(used); \(m.threshold) distinct trustees with valid shares are needed, valid: \(validShares.keys.sorted())"
            )
            return
        }
        guard tallyMatches else {
            fail(.decryptedCounts, seq, "the counts cannot be checked: the tally itself failed check 9.1")
            return
        }
        do {
            let cells = try TallyDecryption.decrypt(tally: tally, shares: usable, threshold: m.threshold, workers: workers)
            if cells != r.cells {
                let bad = zip(cells, r.cells).filter { $0 != $1 }.map { "\($0.0.precinct)/\($0.0.channel.rawValue)" }
                fail(
                    .decryptedCounts, seq,
                    r.cells.count != cells.count
                        ? "result has \(r.cells.count) cells, the tally has \(cells.count)"
                        : "published counts differ from the decryption in cells \(bad.prefix(5).joined(separator: ", "))")
                return
            }
        } catch {
            fail(.decryptedCounts, seq, "the shares do not decrypt the tally to counts within range: \(error)")
            return
        }
        let summary = ResultSummary.summarize(manifest: m, cells: r.cells, credentials: registry.counts)
        if summary != r.summary {
            fail(.resultTotals, seq, "the published totals, turnout or per-scope counts differ from the sums of the cells")
            return
        }
        resultVerified = true
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
        let phase =
            result != nil ? "decrypted" : tally != nil ? "tallied" : closed ? "closed" : context != nil ? "voting" : "setup"
        let seconds = max(elapsed, 1e-9)
        return VerificationReport(
            ok: failures.isEmpty, phase: phase, checks: statuses,
            failures: failures.sorted { ($0.entry ?? -1, $0.check) < ($1.entry ?? -1, $1.check) },
            statistics: .init(
                entries: nextSeq, ballots: ballots.count, countedBallots: countedBallots, spoiledBallots: spoiledCount,
                seconds: elapsed, ballotsPerSecond: Double(ballots.count) / seconds, workers: workers),
            result: resultVerified && failures.isEmpty ? result?.summary : nil)
    }
}
