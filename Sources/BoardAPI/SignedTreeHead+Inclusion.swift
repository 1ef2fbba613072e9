import Ristretto
import TransparencyLog

/// RFC 9162 proofs given as hex node hashes, as the board sends them, checked against a head (its
/// signature is checked apart). A node that is not 32 bytes of hex fails the proof.
extension SignedTreeHead {
    /// Whether `line` is leaf `index` of this head's tree.
    public func includes(line: String, at index: Int, proof: [String]) -> Bool {
        guard let nodes = Self.nodes(proof) else { return false }
        return
            (try? MerkleProof.verifyInclusion(
                leafHash: MerkleHash.leaf(Array(line.utf8)), index: index, size: size, proof: nodes, root: rootBytes)) != nil
    }

    /// Whether this head's tree extends the tree of `earlier` (a consistency proof between them).
    public func extends(_ earlier: SignedTreeHead, proof: [String]) -> Bool {
        guard let nodes = Self.nodes(proof), let oldRoot = try? Hex.decode(earlier.root, count: 32) else { return false }
        return
            (try? MerkleProof.verifyConsistency(
                oldSize: earlier.size, newSize: size, oldRoot: oldRoot, newRoot: rootBytes, proof: nodes)) != nil
    }

    private static func nodes(_ proof: [String]) -> [[UInt8]]? { try? proof.map { try Hex.decode($0, count: 32) } }
}
