import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto

/// What a voter keeps after casting into a record on disk: enough to find and check the ballot.
public struct CastReceipt: Codable, Sendable, Equatable {
    public var ballotHash: Digest
    public var trackingCode: String
    public var seq: Int
    public var entryHash: Digest
    public var receivedAt: Date
    /// The log index of the same credential's ballot this one supersedes (a re-vote), if any.
    public var supersedes: Int?
}

/// Where an entry stands after it was submitted: appended now, or found already in the log.
public struct Placement: Sendable, Equatable {
    public var seq: Int
    public var entryHash: Digest
    public var at: Date
    /// False when the same entry was already in the log (nothing was appended).
    public var appended: Bool
}

/// The board for a record on disk: every entry goes through the acceptance rules
/// (`RecordLedger.decide`) against the log it follows, then is appended. The file-based commands
/// and the demo's direct run append only through it. Not thread-safe: one per record and process.
///
/// The rules' state is kept beside the record (`RecordIndex`) and read instead of the log (a step
/// reads 121 bytes per ballot, not the log), and the log is read again only to rebuild that state
/// when it does not match the log or was written by another version, to recount for the tally,
/// and to sign a tree head. A rebuild decides every entry of the log by the acceptance rules, as
/// the verifier does: a log that fails them is refused on opening, with the failing check.
public final class FileBoard {
    public private(set) var ledger: RecordLedger
    private let writer: RecordWriter
    private let index: RecordIndex
    /// The indexed ballots and spoiled ballots: cast ballots by hash (check 6.9, with their place,
    /// hash and time for a receipt again) and each credential's latest (a re-vote's supersede).
    private var indexed = RecordIndex.Ballots(raw: [])
    /// Whether the index was rebuilt from the log when this board opened (tests, diagnostics).
    public private(set) var rebuiltIndex = false

    /// Opens the record in `directory` to append to it: locks its log against other processes
    /// (until this board is released), then reads the state the rules decide on under that lock,
    /// from the index beside the record, or from the log when the index does not match it.
    public init(directory: RecordDirectory, durable: Bool = true) throws {
        writer = try RecordWriter(directory, durable: durable)
        try writer.lockExclusively()
        index = RecordIndex(directory)
        let manifestBytes: [UInt8]
        do { manifestBytes = Array(try Data(contentsOf: directory.manifestURL)) } catch {
            throw RecordError.io("cannot read \(directory.manifestURL.path): \(error.localizedDescription)")
        }
        let manifest = try RecordCoding.decodeStrict(Manifest.self, from: manifestBytes)
        let manifestHash = ProtocolHashes.manifestHash(manifestBytes)
        ledger = RecordLedger(manifest: manifest, manifestHash: manifestHash, indexesBallots: false)
        if !(try resumeFromIndex(manifest: manifest, manifestHash: manifestHash)) {
            try rebuild(manifest: manifest, manifestHash: manifestHash)
        }
    }

    /// Reads the state from the index, if it describes exactly this log. Cost: the ledger file,
    /// 121 bytes per ballot, and the log's last line.
    private func resumeFromIndex(manifest: Manifest, manifestHash: Digest) throws -> Bool {
        guard let saved = index.ledger(), saved.version == RecordIndex.version, saved.ledger.manifestHash == manifestHash,
            let ballots = index.ballots()
        else { return false }
        var l = RecordLedger(manifest: manifest, snapshot: saved.ledger)
        var end = saved.logEnd
        // Only the ballots after the snapshot are folded; the others are searched when needed.
        var first = ballots.count
        while first > 0, let b = ballots.ballot(first - 1), b.seq >= l.size { first -= 1 }
        for j in first..<ballots.count {
            guard let b = ballots.ballot(j), b.seq == l.size else { return false }
            let final = b.final ? try? Element(rawRepresentation: b.credential.bytes) : nil
            guard final != nil || !b.final else { return false }
            l.foldIndexed(seq: b.seq, spoiled: b.spoiled, ballotHash: b.ballotHash, entryHash: b.entryHash, at: b.at, finalFor: final)
            end = b.logEnd
        }
        indexed = ballots
        guard end == writer.endOffset, l.size > 0 || end == 0 else { return false }
        if let last = try RecordIndex.lastLine(of: writer.directory.logURL) {
            guard ProtocolHashes.entryHash(last) == l.lastHash else { return false }
        }
        ledger = l
        writer.resume(count: l.size, lastHash: l.lastHash, lastTime: l.lastTime)
        return true
    }

    /// Reads the whole log (strictly), decides every entry by the acceptance rules against the
    /// entries before it (as the verifier does: chain, phases, signatures, proofs, uniqueness,
    /// recount), and writes the index afresh. A log that fails is refused with its first failure.
    /// Cost: a verification of the log (runs of ballots are checked on every core).
    private func rebuild(manifest: Manifest, manifestHash: Digest) throws {
        let record = try LoadedRecord.load(writer.directory)
        let log = writer.directory.logURL.path
        if let p = record.problems.first { throw RecordError.malformed("\(log) line \(p.line): check 1.1: \(p.message)") }
        var l = RecordLedger(manifest: manifest, manifestHash: manifestHash, indexesBallots: false)
        var fresh = RecordIndex.Ballots(raw: [])
        var cast = [CountingRule.Cast]()
        var end: UInt64 = 0
        let entries = record.entries
        var i = 0
        while i < entries.count {
            // A run of ballots and spoiled ballots: their expensive checks read nothing the run changes.
            var runEnd = i
            while runEnd < entries.count, Self.ballot(of: entries[runEnd].entry.payload) != nil { runEnd += 1 }
            let run = runEnd > i ? Array(entries[i..<runEnd]) : [entries[i]]
            let ledger = l.forPrechecks  // sharing no index with `l`, which the folds below change
            let prechecks: [Precheck]
            if runEnd > i {
                prechecks = Parallel.map(run, workers: Parallel.cores) { ledger.precheck($0.entry.payload) }
            } else {
                var recount: EncryptedTally?
                if case .tally = run[0].entry.payload, l.close != nil {
                    recount = CountingRule.tally(manifest: manifest, ballots: cast, revoked: l.registry.revoked, workers: Parallel.cores)
                }
                prechecks = [l.precheck(run[0].entry.payload, recount: recount, workers: Parallel.cores)]
            }
            for (e, pre) in zip(run, prechecks) {
                let seq = e.entry.seq
                guard seq == l.size, e.entry.prev == l.lastHash else {
                    throw RecordError.malformed("\(log) entry \(l.size): check 1.2: seq \(seq) or prev \(e.entry.prev) breaks the chain")
                }
                let decision = l.decide(e.entry.payload, pre, at: e.entry.at, ballots: fresh)
                if let failure = decision.failures.first {
                    throw RecordError.malformed(
                        "\(log) entry \(seq) fails the acceptance rules: \(CheckFailure(failure.check, entry: seq, failure.message))")
                }
                end += UInt64(e.line.count + 1)
                l.fold(e, ballotHash: pre.ballotHash)
                if let (b, isSpoiled) = Self.ballot(of: e.entry.payload), let hash = pre.ballotHash {
                    if !isSpoiled { cast.append((seq, e.entry.at, b)) }
                    let final = l.finalBallots[b.credential] == seq
                    fresh.append(try Self.indexed(e, b, spoiled: isSpoiled, hash: hash, logEnd: end, final: final))
                }
            }
            i += run.count
        }
        ledger = l
        writer.resume(after: entries)
        indexed = fresh
        try index.reset(raw: fresh.raw)
        try index.save(l.snapshot, logEnd: end)
        rebuiltIndex = true
    }

    /// The index record of a ballot or spoiled-ballot entry whose line ends the log at `logEnd`.
    private static func indexed(
        _ e: RecordedEntry, _ ballot: EncryptedBallot, spoiled: Bool, hash: Digest, logEnd: UInt64, final: Bool
    ) throws -> RecordIndex.Ballot {
        RecordIndex.Ballot(
            spoiled: spoiled, final: final, seq: e.entry.seq, logEnd: logEnd, at: e.entry.at, ballotHash: hash,
            credential: try Digest(bytes: ballot.credential.rawRepresentation), entryHash: e.hash)
    }

    /// The ballot a ballot or spoiled-ballot entry carries, and which of the two it is.
    private static func ballot(of payload: EntryPayload) -> (EncryptedBallot, Bool)? {
        switch payload {
        case .ballot(let b): (b, false)
        case .spoiledBallot(let s): (s.ballot, true)
        default: nil
        }
    }

    /// Creates a record: manifest bytes and the manifest reference, through the rules like every entry.
    public static func create(at dir: RecordDirectory, manifestBytes: [UInt8], at time: Date, durable: Bool = true) throws -> FileBoard {
        let manifest = try RecordCoding.decode(Manifest.self, from: manifestBytes)
        try? FileManager.default.removeItem(at: RecordIndex(dir).folder)
        _ = try RecordWriter.create(at: dir, manifestBytes: manifestBytes, durable: durable)
        let board = try FileBoard(directory: dir, durable: durable)
        try board.submit(
            .manifest(ManifestReference(electionId: manifest.electionId, manifestHash: ProtocolHashes.manifestHash(manifestBytes))),
            at: time)
        return board
    }

    public var directory: RecordDirectory { writer.directory }

    /// The tally of the counted ballots (each credential's last, none revoked; small cells merged),
    /// once closed: the log is read for it.
    public func recount(workers: Int) throws -> EncryptedTally? {
        guard ledger.close != nil else { return nil }
        let record = try LoadedRecord.load(writer.directory)
        let ballots = record.entries.compactMap { e -> CountingRule.Cast? in
            if case .ballot(let b) = e.entry.payload { (e.entry.seq, e.entry.at, b) } else { nil }
        }
        return CountingRule.tally(manifest: ledger.manifest, ballots: ballots, revoked: ledger.registry.revoked, workers: workers)
    }

    /// Submits an entry at `time` (never before the last entry's): appended if the rules accept it,
    /// the first entry's placement if it is already there, or the rules' `Refusal`; a record that
    /// cannot be written throws `RecordError.io`.
    @discardableResult
    public func submit(_ payload: EntryPayload, at time: Date, workers: Int = 1) throws -> Placement {
        var recount: EncryptedTally?
        if case .tally = payload { recount = try self.recount(workers: workers) }
        return try place(payload, ledger.precheck(payload, recount: recount, workers: workers), at: time)
    }

    private func place(_ payload: EntryPayload, _ pre: Precheck, at requested: Date) throws -> Placement {
        let time = writer.effectiveTime(requested)
        switch ledger.decide(payload, pre, at: time, ballots: indexed) {
        case .refuse(let r): throw r
        case .alreadyThere(let seq, _):
            // A ballot's placement is in the index; another entry's is read from the log.
            if let hash = pre.ballotHash, let first = indexed.first(hash), first.seq == seq {
                return Placement(seq: seq, entryHash: first.entryHash, at: first.at, appended: false)
            }
            let (hash, at) = try entry(seq)
            return Placement(seq: seq, entryHash: hash, at: at, appended: false)
        case .append:
            let e: RecordedEntry
            do { e = try writer.append(payload, at: time) } catch {
                throw RecordError.io("could not write \(writer.directory.logURL.path): \(error)")
            }
            ledger.fold(e, ballotHash: pre.ballotHash)
            // The index follows the log; if this write fails, the next step finds them apart and rebuilds.
            if let (ballot, isSpoiled) = Self.ballot(of: payload), let hash = pre.ballotHash {
                let b = try Self.indexed(
                    e, ballot, spoiled: isSpoiled, hash: hash, logEnd: writer.endOffset,
                    final: ledger.finalBallots[ballot.credential] == e.entry.seq)
                try? index.append([b])
                indexed.append(b)
            } else {
                try? index.save(ledger.snapshot, logEnd: writer.endOffset)
            }
            return Placement(seq: e.entry.seq, entryHash: e.hash, at: e.entry.at, appended: true)
        }
    }

    /// The hash and time of the entry at `seq`, read from the log (a re-posted entry's receipt).
    private func entry(_ seq: Int) throws -> (Digest, Date) {
        let log = try Data(contentsOf: writer.directory.logURL)
        guard let line = log.split(separator: UInt8(ascii: "\n")).dropFirst(seq).first else {
            throw RecordError.io("the log has no entry \(seq)")
        }
        let header = try RecordCoding.decode(LogEntryHeader.self, from: Array(line))
        return (ProtocolHashes.entryHash(Array(line)), header.at)
    }

    /// Casts a ballot received at `time`; an identical ballot cast again gets its first receipt.
    public func cast(_ ballot: EncryptedBallot, at time: Date) throws -> CastReceipt {
        try cast(ballot, ledger.precheck(.ballot(ballot)), at: time)
    }

    private func cast(_ ballot: EncryptedBallot, _ pre: Precheck, at time: Date) throws -> CastReceipt {
        let credential = try Digest(bytes: ballot.credential.rawRepresentation)
        let before = indexed.latest(of: credential)?.seq
        var r = receipt(try place(.ballot(ballot), pre, at: time), pre)
        r.supersedes = before.flatMap { $0 < r.seq ? $0 : nil }
        return r
    }

    /// Casts many ballots: their checks on `workers` threads, then each decided and appended in order.
    public func castBatch(_ batch: [(EncryptedBallot, Date)], workers: Int) -> [Result<CastReceipt, any Error>] {
        // Without the ballot indexes: a copy sharing them would make each fold below copy them whole.
        let ledger = self.ledger.forPrechecks
        let checked = Parallel.map(batch.map(\.0), workers: workers) { ledger.precheck(.ballot($0)) }
        return zip(batch, checked).map { item, pre in Result { try cast(item.0, pre, at: item.1) } }
    }

    /// Publishes a challenged ballot with its reveal (never counted; its hash can no longer be cast).
    public func spoil(_ spoiled: SpoiledBallot, at time: Date) throws -> CastReceipt {
        let pre = ledger.precheck(.spoiledBallot(spoiled))
        return receipt(try place(.spoiledBallot(spoiled), pre, at: time), pre)
    }

    private func receipt(_ p: Placement, _ pre: Precheck) -> CastReceipt {
        let hash = pre.ballotHash ?? .zero
        return CastReceipt(
            ballotHash: hash, trackingCode: ProtocolHashes.trackingCode(hash), seq: p.seq, entryHash: p.entryHash, receivedAt: p.at)
    }

    /// Appends the close marker at `time`, signed with the board key over the entry it follows,
    /// and signs a tree head. Refused before the window ends and when already closed.
    @discardableResult
    public func close(at requested: Date, boardKey: Ed25519.SigningKey) throws -> Placement {
        let time = writer.effectiveTime(requested)
        let signature = boardKey.signature(
            for: ProtocolHashes.closeMessage(
                manifestHash: ledger.manifestHash, previous: ledger.lastHash, closedAt: Int64(time.timeIntervalSince1970)))
        let placement = try submit(.close(CloseMarker(closedAt: time, signature: signature)), at: time)
        try writer.signTreeHead(boardKey: boardKey)
        return placement
    }

    /// Signs the current tree head with the board key (timed at the last entry) into
    /// treeheads.jsonl, unless the last head there already covers the whole log.
    public func signTreeHead(boardKey: Ed25519.SigningKey) throws {
        try writer.signTreeHead(boardKey: boardKey)
    }
}
