import ElectionRecord
import Foundation
import Ristretto
import TransparencyLog

/// What the board says of one ballot at any time after it was cast (GET
/// /elections/ID/ballots/REF?since=SIZE, PROTOCOL.md 6.2): its line with a fresh inclusion proof to
/// a freshly signed head, a consistency proof from the head in the voter's receipt, and whether
/// the ballot counts; a superseding ballot or a revocation comes with its own line and proof, so
/// the client checks that claim too.
public struct BallotTrack: Codable, Sendable, Equatable {
    /// What became of the ballot.
    public enum Status: String, Codable, Sendable {
        /// The credential's latest ballot, not revoked: it is the one that counts.
        case counts
        /// A later ballot of the same credential replaced it (`later` holds that ballot's line).
        case superseded
        /// It was challenged (Benaloh) and published opened: it never counts.
        case spoiled
        /// Its credential was revoked (`later` holds the revocation's line): none of its ballots counts.
        case revoked
    }

    /// Another entry that the status rests on, with its inclusion proof to the same head.
    public struct Evidence: Codable, Sendable, Equatable {
        public var index: Int
        public var line: String
        public var inclusionProof: [String]

        public init(index: Int, line: String, inclusionProof: [String]) {
            (self.index, self.line, self.inclusionProof) = (index, line, inclusionProof)
        }
    }

    public var ballotHash: Digest
    public var trackingCode: String
    /// The election's context hash, which the ballot hash binds (a board that gave another could
    /// not make the line hash to `ballotHash`).
    public var contextHash: Digest
    public var index: Int
    public var line: String
    public var status: Status
    public var treeHead: SignedTreeHead
    public var inclusionProof: [String]
    /// The size the consistency proof starts from (the receipt's head), when asked.
    public var since: Int?
    public var consistencyProof: [String]?
    public var later: Evidence?

    public init(
        ballotHash: Digest, contextHash: Digest, index: Int, line: String, status: Status, treeHead: SignedTreeHead,
        inclusionProof: [String], since: Int? = nil, consistencyProof: [String]? = nil, later: Evidence? = nil
    ) {
        self.ballotHash = ballotHash
        trackingCode = ProtocolHashes.trackingCode(ballotHash)
        self.contextHash = contextHash
        self.index = index
        self.line = line
        self.status = status
        self.treeHead = treeHead
        self.inclusionProof = inclusionProof
        self.since = since
        self.consistencyProof = consistencyProof
        self.later = later
    }

    /// Why an answer does not prove what it says (the checks of PROTOCOL.md 6.2, in order).
    public enum Problem: String, Error, Sendable, CaseIterable {
        /// The answer is about another ballot than the one asked for (hash or tracking code).
        case otherBallot
        /// A tree head (the answer's, or the receipt's) is not signed by the board key.
        case badTreeHeadSignature
        /// The ballot's line is not leaf `index` of the signed head.
        case badInclusionProof
        /// The line is not a log entry at `index`, or not a ballot or spoiled ballot with `ballotHash`.
        case lineHoldsAnotherBallot
        /// A cast ballot called spoiled, or a spoiled one called anything else.
        case wrongStatus
        /// The receipt's head is not an earlier state of the answer's (smaller head, bad proof, or another line at the receipt's index).
        case inconsistentWithReceipt
        /// `superseded` or `revoked` without a later entry of the same credential, included in the head.
        case badEvidence
    }

    /// Checks the answer against the board key and what the client asked for (a ballot hash, or a
    /// tracking code in any grouping), and, given the voter's receipt, that the board still holds
    /// what it signed then. nil when the answer holds.
    public func problem(boardKey: Ed25519.PublicKey, asked: BallotReference, receipt: BoardReceipt? = nil) -> Problem? {
        guard asked.matches(ballotHash), trackingCode == ProtocolHashes.trackingCode(ballotHash) else { return .otherBallot }
        guard treeHead.verify(boardKey: boardKey) else { return .badTreeHeadSignature }
        guard treeHead.includes(line: line, at: index, proof: inclusionProof) else { return .badInclusionProof }
        guard let entry = try? RecordCoding.decode(LogEntry.self, from: Array(line.utf8)), entry.seq == index else {
            return .lineHoldsAnotherBallot
        }
        let ballot: EncryptedBallot
        switch entry.payload {
        case .ballot(let b):
            guard status != .spoiled else { return .wrongStatus }
            ballot = b
        case .spoiledBallot(let s):
            guard status == .spoiled else { return .wrongStatus }
            ballot = s.ballot
        default: return .lineHoldsAnotherBallot
        }
        guard ballot.hash(contextHash: contextHash) == ballotHash else { return .lineHoldsAnotherBallot }
        if let receipt {
            guard receipt.treeHead.verify(boardKey: boardKey) else { return .badTreeHeadSignature }
            guard receipt.ballotHash == ballotHash, receipt.index == index, receipt.line == line, since == receipt.treeHead.size,
                let proof = consistencyProof, treeHead.extends(receipt.treeHead, proof: proof)
            else { return .inconsistentWithReceipt }
        }
        switch status {
        case .counts, .spoiled: return later == nil ? nil : .badEvidence
        case .superseded, .revoked:
            guard let later, treeHead.includes(line: later.line, at: later.index, proof: later.inclusionProof),
                let entry = try? RecordCoding.decode(LogEntry.self, from: Array(later.line.utf8)), entry.seq == later.index
            else { return .badEvidence }
            switch (status, entry.payload) {
            case (.superseded, .ballot(let b)) where b.credential == ballot.credential && later.index > index: return nil
            case (.revoked, .credentialRevocation(let r)) where r.revoked == ballot.credential: return nil
            default: return .badEvidence
            }
        }
    }
}

extension BallotTrack.Status {
    /// What became of the cast ballot at log index `seq`, given where its credential's revocation
    /// and its latest cast ballot are (if anywhere): a revocation wins, then a later ballot. The
    /// board's tracking and `receipt check` on a record directory decide alike. Returns the status
    /// and the entry it rests on.
    public static func ofCast(at seq: Int, revocation: Int?, latestBallot: Int?) -> (status: Self, evidence: Int?) {
        if let revocation { return (.revoked, revocation) }
        if let latestBallot, latestBallot > seq { return (.superseded, latestBallot) }
        return (.counts, nil)
    }
}

/// How a voter names a ballot: its full hash, or its tracking code (16 Crockford base32
/// characters; dashes, spaces and case do not matter, O reads as 0 and I or L as 1).
public enum BallotReference: Sendable, Equatable, CustomStringConvertible {
    case hash(Digest)
    /// The ballot hash's first 10 bytes.
    case trackingCode([UInt8])

    /// Reads 64 hex digits as a hash, anything else as a tracking code; nil when it is neither.
    public init?(_ text: String) {
        if text.count == 64, let digest = try? Digest(hex: text.lowercased()) {
            self = .hash(digest)
            return
        }
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var bits: UInt128 = 0
        var count = 0
        for c in text.uppercased() where c != "-" && c != " " {
            let symbol: Character = c == "O" ? "0" : (c == "I" || c == "L") ? "1" : c
            guard let value = alphabet.firstIndex(of: symbol) else { return nil }
            bits = bits << 5 | UInt128(value)
            count += 1
            guard count <= 16 else { return nil }
        }
        guard count == 16 else { return nil }
        self = .trackingCode((0..<10).map { UInt8(truncatingIfNeeded: bits >> UInt128(72 - 8 * $0)) })
    }

    /// The hash bytes it fixes: all 32, or the first 10.
    public var prefix: [UInt8] {
        switch self {
        case .hash(let d): d.bytes
        case .trackingCode(let p): p
        }
    }

    public func matches(_ hash: Digest) -> Bool { hash.bytes.starts(with: prefix) }

    public var description: String {
        switch self {
        case .hash(let d): d.hex
        case .trackingCode(let p): ProtocolHashes.trackingCode(try! Digest(bytes: p + [UInt8](repeating: 0, count: 22)))  // 32 bytes: cannot throw
        }
    }
}
