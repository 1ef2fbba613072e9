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

    /// Checks the receipt against the board key and the ballot the client cast, decoding the
    /// receipt's line; nil when it holds.
    public func problem(boardKey: Ed25519.PublicKey, ballotHash expected: Digest, contextHash: Digest) -> Problem? {
        if let p = headOrProofProblem(boardKey: boardKey, ballotHash: expected) { return p }
        guard let entry = try? RecordCoding.decode(LogEntry.self, from: Array(line.utf8)), entry.seq == index else {
            return .lineNotAtIndex
        }
        guard case .ballot(let b) = entry.payload, b.hash(contextHash: contextHash) == expected else { return .lineHoldsAnotherBallot }
        return nil
    }

    /// The same check for the client that just cast the ballot and holds its canonical JSON
    /// (`RecordCoding.encode(ballot)`, the body it sent): the line must be exactly the canonical
    /// ballot line `{"at":"T","data":B,"kind":"ballot","prev":"H","seq":N}` (PROTOCOL.md 6) with
    /// those bytes as B and the receipt's index as N. Byte equality says more than decoding and
    /// costs no point decoding.
    /// `heads` remembers heads already checked: a client casting many ballots checks each head's signature once.
    public func problem(
        boardKey: Ed25519.PublicKey, ballotHash expected: Digest, ballotBytes: [UInt8], heads: VerifiedTreeHeads? = nil
    ) -> Problem? {
        if let p = headOrProofProblem(boardKey: boardKey, ballotHash: expected, heads: heads) { return p }
        return Self.ballotLineProblem(Array(line.utf8), ballotBytes: ballotBytes, index: index)
    }

    /// Checks 1-3, shared by both checks: the ballot hash, the head's signature, the inclusion proof of the line.
    private func headOrProofProblem(boardKey: Ed25519.PublicKey, ballotHash expected: Digest, heads: VerifiedTreeHeads? = nil)
        -> Problem?
    {
        guard ballotHash == expected else { return .otherBallot }
        guard heads?.verify(treeHead, boardKey: boardKey) ?? treeHead.verify(boardKey: boardKey) else { return .badTreeHeadSignature }
        guard treeHead.includes(line: line, at: index, proof: inclusionProof) else { return .badInclusionProof }
        return nil
    }

    /// Matches the canonical ballot line field by field. The time may hold no quote or backslash,
    /// so a JSON parser reads the same fields as this match does.
    static func ballotLineProblem(_ line: [UInt8], ballotBytes: [UInt8], index: Int) -> Problem? {
        var rest = line[...]
        func take(_ literal: String) -> Bool {
            let bytes = Array(literal.utf8)
            guard rest.starts(with: bytes) else { return false }
            rest = rest.dropFirst(bytes.count)
            return true
        }
        guard take(#"{"at":""#), let close = rest.firstIndex(of: UInt8(ascii: "\"")),
            !rest[..<close].contains(UInt8(ascii: "\\"))
        else { return .lineNotAtIndex }
        rest = rest[close...]
        guard take(#"","data":"#), rest.starts(with: ballotBytes) else { return .lineHoldsAnotherBallot }
        rest = rest.dropFirst(ballotBytes.count)
        guard take(#","kind":"ballot","prev":""#) else { return .lineHoldsAnotherBallot }
        let hex = rest.prefix(64)
        guard hex.count == 64, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return .lineNotAtIndex
        }
        rest = rest.dropFirst(64)
        guard take(#"","seq":\#(index)}"#), rest.isEmpty else { return .lineNotAtIndex }
        return nil
    }
}

/// The receipt in canonical JSON by hand: the board writes one and the client reads one per cast.
extension BoardReceipt: CanonicalJSONCodable {
    public func write(to json: inout CanonicalJSON.Writer) throws(CanonicalJSON.Unsupported) {
        json.raw(#"{"ballotHash":"#)
        json.hex(ballotHash)
        json.raw(#","inclusionProof":"#)
        try json.array(inclusionProof) { (w: inout CanonicalJSON.Writer, node: String) in w.string(node) }
        json.raw(#","index":"#)
        json.int(index)
        json.raw(#","line":"#)
        json.string(line)
        json.raw(#","trackingCode":"#)
        json.string(trackingCode)
        json.raw(#","treeHead":{"root":"#)
        json.string(treeHead.root)
        json.raw(#","signature":"#)
        json.string(treeHead.signature)
        json.raw(#","size":"#)
        json.int(treeHead.size)
        json.raw(#","timestamp":"#)
        json.int(Int(treeHead.timestamp))
        json.raw("}}")
    }

    public init(reading json: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) {
        try json.expect(#"{"ballotHash":"#)
        let ballotHash = try json.hex(Digest.self)
        try json.expect(#","inclusionProof":"#)
        let proof = try json.array { (r: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) in try r.string() }
        try json.expect(#","index":"#)
        let index = try json.int()
        try json.expect(#","line":"#)
        let line = try json.string()
        try json.expect(#","trackingCode":"#)
        let trackingCode = try json.string()
        try json.expect(#","treeHead":{"root":"#)
        let root = try json.string()
        try json.expect(#","signature":"#)
        let signature = try json.string()
        try json.expect(#","size":"#)
        let size = try json.int()
        try json.expect(#","timestamp":"#)
        let timestamp = try json.int()
        try json.expect("}}")
        self.init(
            ballotHash: ballotHash, trackingCode: trackingCode, index: index, line: line,
            treeHead: SignedTreeHead(size: size, root: root, timestamp: Int64(timestamp), signature: signature),
            inclusionProof: proof)
    }
}
