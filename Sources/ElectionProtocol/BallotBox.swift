import ElectionRecord
import Foundation
import PlebisciteCrypto
import Ristretto

/// Why the board refused a ballot: a documented, stable code (PROTOCOL.md 6.2).
public enum RejectionReason: String, Codable, Sendable, CaseIterable {
    case wrongElection
    case invalidBallotStyle
    case invalidChannelOrDevice
    case invalidCredential
    case invalidSignature
    case invalidProof
    case outsideWindow
    case electionClosed
    case duplicateBallot
    case spoiledBallot
    case invalidReveal
    case notOpenYet

    /// The reason for a failed check.
    public init(_ check: Check) {
        switch check {
        case .ballotElection: self = .wrongElection
        case .ballotStyle: self = .invalidBallotStyle
        case .ballotChannel: self = .invalidChannelOrDevice
        case .ballotCredential: self = .invalidCredential
        case .ballotSignature: self = .invalidSignature
        case .selectionProofs, .countProofs: self = .invalidProof
        case .ballotWindow: self = .outsideWindow
        case .spoiledReveal: self = .invalidReveal
        default: self = .duplicateBallot
        }
    }
}

/// A refused ballot: the first reason, and every failed check behind it.
public struct CastRejection: Error, Sendable, CustomStringConvertible {
    public var reason: RejectionReason
    public var failures: [CheckFailure]

    public init(reason: RejectionReason, failures: [CheckFailure]) {
        self.reason = reason
        self.failures = failures
    }

    public var description: String {
        "\(reason.rawValue): " + failures.map(\.description).joined(separator: "; ")
    }
}

/// What a voter keeps after casting: enough to find and check the ballot on the board.
public struct CastReceipt: Codable, Sendable, Equatable {
    public var ballotHash: Digest
    public var trackingCode: String
    public var seq: Int
    public var entryHash: Digest
    public var receivedAt: Date
}

/// The rules that depend on a ballot's place in the log rather than on the ballot alone (checks
/// 6.8, 6.9): shared by the file-based ballot box and the HTTP board.
public enum CastingRules {
    public static func positionFailure(hash: Digest, at time: Date, window: VotingWindow, closed: Bool, spoiled: Bool) -> CastRejection? {
        if closed { return CastRejection(reason: .electionClosed, failures: [CheckFailure(.ballotWindow, "the election is closed")]) }
        if time < window.opens {
            return CastRejection(reason: .notOpenYet, failures: [CheckFailure(.ballotWindow, "voting opens at \(window.opens)")])
        }
        if time >= window.closes {
            return CastRejection(reason: .outsideWindow, failures: [CheckFailure(.ballotWindow, "voting closed at \(window.closes)")])
        }
        if spoiled {
            return CastRejection(
                reason: .spoiledBallot, failures: [CheckFailure(.ballotUnique, "ballot \(hash) was challenged and spoiled; encrypt afresh")]
            )
        }
        return nil
    }

    /// The first (lowest-numbered) failure's reason, with every failure.
    public static func rejection(_ failures: [CheckFailure]) -> CastRejection? {
        guard let first = failures.min(by: { $0.check < $1.check }) else { return nil }
        return CastRejection(reason: RejectionReason(first.check), failures: failures)
    }
}

/// The casting rules (SPEC 6-7) in front of a record log: checks every ballot as the verifier
/// would, then appends it. Not thread-safe; `castBatch` checks in parallel and appends in order.
public final class BallotBox {
    public let context: ElectionContext
    public let registry: CredentialRegistry
    private let writer: RecordWriter
    private var receipts: [Digest: CastReceipt] = [:]
    private var spoiled: Set<Digest> = []
    public private(set) var closed: Bool

    public init(context: ElectionContext, registry: CredentialRegistry, writer: RecordWriter, state: RecordState? = nil) {
        self.context = context
        self.registry = registry
        self.writer = writer
        closed = state?.close != nil
        for (seq, at, b) in state?.ballotsWithTimes ?? [] {
            let h = b.hash(contextHash: context.contextHash)
            receipts[h] = CastReceipt(
                ballotHash: h, trackingCode: ProtocolHashes.trackingCode(h), seq: seq,
                entryHash: state!.entries[seq].hash, receivedAt: at)
        }
        for s in state?.spoiled ?? [] { spoiled.insert(s.spoiled.ballot.hash(contextHash: context.contextHash)) }
    }

    /// Checks 6.1-6.7 (pure; safe to run on many threads).
    public func precheck(_ ballot: EncryptedBallot) -> (hash: Digest, failures: [CheckFailure]) {
        BallotBox.precheck(ballot, context: context, registry: registry)
    }

    static func precheck(
        _ ballot: EncryptedBallot, context: ElectionContext, registry: CredentialRegistry
    ) -> (hash: Digest, failures: [CheckFailure]) {
        let hash = ballot.hash(contextHash: context.contextHash)
        return (hash, ballot.check(in: context, credentials: registry, hash: hash))
    }

    /// Casts one ballot received at `time`. An identical ballot cast again gets its first receipt.
    public func cast(_ ballot: EncryptedBallot, at time: Date) throws(CastRejection) -> CastReceipt {
        let (hash, failures) = precheck(ballot)
        return try commit(ballot, hash: hash, failures: failures, at: time)
    }

    /// Casts many ballots: checks on `workers` threads, then appends in the given order.
    public func castBatch(_ ballots: [(EncryptedBallot, Date)], workers: Int) -> [Result<CastReceipt, CastRejection>] {
        let context = self.context, registry = self.registry
        let checked = Parallel.map(ballots.map(\.0), workers: workers) { b in
            BallotBox.precheck(b, context: context, registry: registry)
        }
        return zip(ballots, checked).map { item, check in
            Result { () throws(CastRejection) -> CastReceipt in
                try commit(item.0, hash: check.hash, failures: check.failures, at: item.1)
            }
        }
    }

    private func positionChecks(hash: Digest, at time: Date) -> CastRejection? {
        CastingRules.positionFailure(hash: hash, at: time, window: context.manifest.window, closed: closed, spoiled: spoiled.contains(hash))
    }

    private func commit(_ ballot: EncryptedBallot, hash: Digest, failures: [CheckFailure], at requested: Date) throws(CastRejection)
        -> CastReceipt
    {
        if let existing = receipts[hash] { return existing }
        let time = writer.effectiveTime(requested)
        if let rejection = CastingRules.rejection(failures) { throw rejection }
        if let rejection = positionChecks(hash: hash, at: time) { throw rejection }
        let entry: RecordedEntry
        do { entry = try writer.append(.ballot(ballot), at: time) } catch {
            throw CastRejection(reason: .electionClosed, failures: [CheckFailure(.logStructure, "could not store the ballot: \(error)")])
        }
        let receipt = CastReceipt(
            ballotHash: hash, trackingCode: ProtocolHashes.trackingCode(hash), seq: entry.entry.seq,
            entryHash: entry.hash, receivedAt: time)
        receipts[hash] = receipt
        return receipt
    }

    /// Publishes a challenged ballot with its reveal (never counted; its hash can no longer be cast).
    public func spoil(_ spoiledBallot: SpoiledBallot, at requested: Date) throws(CastRejection) -> CastReceipt {
        let time = writer.effectiveTime(requested)
        let (hash, failures) = precheck(spoiledBallot.ballot)
        if let rejection = CastingRules.rejection(failures) { throw rejection }
        let reveal = spoiledBallot.checkReveal(in: context)
        if !reveal.isEmpty { throw CastRejection(reason: .invalidReveal, failures: reveal) }
        if receipts[hash] != nil {
            throw CastRejection(reason: .duplicateBallot, failures: [CheckFailure(.ballotUnique, "ballot \(hash) was already cast")])
        }
        if let rejection = positionChecks(hash: hash, at: time) { throw rejection }
        let entry: RecordedEntry
        do { entry = try writer.append(.spoiledBallot(spoiledBallot), at: time) } catch {
            throw CastRejection(reason: .electionClosed, failures: [CheckFailure(.logStructure, "could not store: \(error)")])
        }
        spoiled.insert(hash)
        return CastReceipt(
            ballotHash: hash, trackingCode: ProtocolHashes.trackingCode(hash), seq: entry.entry.seq, entryHash: entry.hash,
            receivedAt: time)
    }

    /// Appends the close marker, signed with the board key. Refused before the window closes.
    @discardableResult
    public func close(at requested: Date, boardKey: Ed25519.SigningKey) throws -> RecordedEntry {
        let time = writer.effectiveTime(requested)
        guard !closed else { throw CastRejection(reason: .electionClosed, failures: [CheckFailure(.closeMarker, "already closed")]) }
        guard time >= context.manifest.window.closes else {
            throw CastRejection(
                reason: .outsideWindow, failures: [CheckFailure(.closeMarker, "the window closes at \(context.manifest.window.closes)")])
        }
        let seconds = Int64(time.timeIntervalSince1970)
        let signature = boardKey.signature(
            for: ProtocolHashes.closeMessage(manifestHash: context.manifestHash, previous: writer.lastHash, closedAt: seconds))
        let entry = try writer.append(.close(CloseMarker(closedAt: time, signature: signature)), at: time)
        try writer.signTreeHead(boardKey: boardKey, at: time)
        closed = true
        return entry
    }
}
