import ElectionRecord
import Foundation
import Ristretto
import TransparencyLog

/// What a voter's client keeps: enough to check at once that the ballot is on the board.
public struct BoardReceipt: Codable, Sendable, Equatable {
    public var ballotHash: Digest
    public var trackingCode: String
    public var index: Int
    /// The exact log line holding the ballot (its Merkle leaf).
    public var line: String
    public var treeHead: SignedTreeHead
    public var inclusionProof: [String]

    public init(
        ballotHash: Digest, trackingCode: String, index: Int, line: String, treeHead: SignedTreeHead, inclusionProof: [String]
    ) {
        self.ballotHash = ballotHash
        self.trackingCode = trackingCode
        self.index = index
        self.line = line
        self.treeHead = treeHead
        self.inclusionProof = inclusionProof
    }

    /// Why a receipt does not prove that the voter's ballot is on the board.
    public enum Problem: String, Error, Sendable, CaseIterable {
        /// The receipt names another ballot hash than the one the client computed.
        case otherBallot
        /// The tree head is not signed by the election's board key.
        case badTreeHeadSignature
        /// The inclusion proof does not lead from the line to the signed root.
        case badInclusionProof
        /// The line is not a log entry at the receipt's index.
        case lineNotAtIndex
        /// The line's entry is not a ballot with the client's ballot hash.
        case lineHoldsAnotherBallot
    }

    /// Checks the receipt against the board key and the ballot the client cast; nil when it holds.
    public func problem(boardKey: Ed25519.PublicKey, ballotHash expected: Digest, contextHash: Digest) -> Problem? {
        guard ballotHash == expected else { return .otherBallot }
        guard treeHead.verify(boardKey: boardKey) else { return .badTreeHeadSignature }
        let bytes = Array(line.utf8)
        guard let proof = try? inclusionProof.map({ try Hex.decode($0, count: 32) }),
            (try? MerkleProof.verifyInclusion(
                leafHash: MerkleHash.leaf(bytes), index: index, size: treeHead.size, proof: proof, root: treeHead.rootBytes)) != nil
        else { return .badInclusionProof }
        guard let entry = try? RecordCoding.decode(LogEntry.self, from: bytes), entry.seq == index else { return .lineNotAtIndex }
        guard case .ballot(let b) = entry.payload, b.hash(contextHash: contextHash) == expected else { return .lineHoldsAnotherBallot }
        return nil
    }
}
