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
public final class FileBoard {
    public private(set) var ledger: RecordLedger
    private let writer: RecordWriter
    /// Entries by position, for receipts of entries found again (their hash and time).
    private var placed: [(hash: Digest, at: Date)]
    /// Ballots in log order, for the recount a tally is checked against.
    private var ballots: [CountingRule.Cast] = []
    /// Each credential's latest ballot, for telling a re-voter which ballot its new one supersedes.
    private var latest: [Element: Int] = [:]

    /// Opens the record in `directory` to append to it: locks its log against other processes
    /// (until this board is released), then reads the state the rules decide on under that lock.
    public init(directory: RecordDirectory, durable: Bool = true) throws {
        writer = try RecordWriter(directory, existing: [], durable: durable)
        try writer.lockExclusively()
        let state = try RecordState(directory: directory)
        writer.resume(after: state.entries)
        ledger = RecordLedger(manifest: state.manifest, manifestHash: state.manifestHash, indexesBallots: true)
        placed = []
        for e in state.entries { record(e, ballotHash: nil) }
    }

    /// Creates a record: manifest bytes and the manifest reference, through the rules like every entry.
    public static func create(at dir: RecordDirectory, manifestBytes: [UInt8], at time: Date, durable: Bool = true) throws -> FileBoard {
        let manifest = try RecordCoding.decode(Manifest.self, from: manifestBytes)
        _ = try RecordWriter.create(at: dir, manifestBytes: manifestBytes, durable: durable)
        let board = try FileBoard(directory: dir, durable: durable)
        try board.submit(
            .manifest(ManifestReference(electionId: manifest.electionId, manifestHash: ProtocolHashes.manifestHash(manifestBytes))),
            at: time)
        return board
    }

    public var directory: RecordDirectory { writer.directory }

    private func record(_ e: RecordedEntry, ballotHash: Digest?) {
        ledger.fold(e, ballotHash: ballotHash)
        placed.append((e.hash, e.entry.at))
        if case .ballot(let b) = e.entry.payload {
            ballots.append((e.entry.seq, b))
            latest[b.credential] = e.entry.seq
        }
    }

    /// The tally of the counted ballots (each credential's last), once closed.
    public func recount(workers: Int) -> EncryptedTally? {
        guard ledger.close != nil else { return nil }
        return CountingRule.aggregate(
            manifest: ledger.manifest, counted: CountingRule.counted(ballots).map(\.ballot), workers: workers)
    }

    /// Submits an entry at `time` (never before the last entry's): appended if the rules accept it,
    /// the first entry's placement if it is already there, or the rules' `Refusal`; a record that
    /// cannot be written throws `RecordError.io`.
    @discardableResult
    public func submit(_ payload: EntryPayload, at time: Date, workers: Int = 1) throws -> Placement {
        let pre = ledger.precheck(
            payload, recount: { if case .tally = payload { recount(workers: workers) } else { nil } }(), workers: workers)
        return try place(payload, pre, at: time)
    }

    private func place(_ payload: EntryPayload, _ pre: Precheck, at requested: Date) throws -> Placement {
        let time = writer.effectiveTime(requested)
        switch ledger.decide(payload, pre, at: time) {
        case .refuse(let r): throw r
        case .alreadyThere(let seq, _): return Placement(seq: seq, entryHash: placed[seq].hash, at: placed[seq].at, appended: false)
        case .append:
            let e: RecordedEntry
            do { e = try writer.append(payload, at: time) } catch {
                throw RecordError.io("could not write \(writer.directory.logURL.path): \(error)")
            }
            record(e, ballotHash: pre.ballotHash)
            return Placement(seq: e.entry.seq, entryHash: e.hash, at: e.entry.at, appended: true)
        }
    }

    /// Casts a ballot received at `time`; an identical ballot cast again gets its first receipt.
    public func cast(_ ballot: EncryptedBallot, at time: Date) throws -> CastReceipt {
        let pre = ledger.precheck(.ballot(ballot))
        let before = latest[ballot.credential]
        var r = receipt(try place(.ballot(ballot), pre, at: time), pre)
        r.supersedes = before.flatMap { $0 < r.seq ? $0 : nil }
        return r
    }

    /// Casts many ballots: their checks on `workers` threads, then each decided and appended in order.
    public func castBatch(_ batch: [(EncryptedBallot, Date)], workers: Int) -> [Result<CastReceipt, any Error>] {
        let ledger = self.ledger
        let checked = Parallel.map(batch.map(\.0), workers: workers) { ledger.precheck(.ballot($0)) }
        return zip(batch, checked).map { item, pre in
            Result { () throws -> CastReceipt in receipt(try place(.ballot(item.0), pre, at: item.1), pre) }
        }
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
        try writer.signTreeHead(boardKey: boardKey, at: time)
        return placement
    }

    /// Signs the current tree head with the board key into treeheads.jsonl.
    public func signTreeHead(boardKey: Ed25519.SigningKey, at time: Date) throws {
        try writer.signTreeHead(boardKey: boardKey, at: time)
    }
}
