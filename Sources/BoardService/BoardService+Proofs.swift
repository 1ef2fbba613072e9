import BoardAPI
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// Tree heads and proofs: signed heads, consistency and inclusion proofs, stored lines.
extension BoardService {
    /// Signs the current tree head and stores it, unless a head as large is stored already (by
    /// this server or another: then the stored heads cover this one's entries).
    public func signTreeHead(_ id: String) async throws(BoardError) -> SignedTreeHead {
        let head = try await synced(id).signedHead(boardKey)
        do { try await store.saveTreeHead(electionId: id, head) } catch { throw .storage("\(error)") }
        return head
    }

    /// A freshly signed head of the current tree (not stored).
    public func currentTreeHead(_ id: String) async throws(BoardError) -> SignedTreeHead {
        try await synced(id).signedHead(boardKey)
    }

    /// RFC 9162 consistency proof between two sizes.
    public func consistencyProof(_ id: String, from m: Int, to n: Int) async throws(BoardError) -> [String] {
        let tree = try await synced(id).tree
        guard m >= 0, m <= n, n <= tree.size else {
            throw .malformed("no consistency proof from \(m) to \(n): the log has \(tree.size) entries")
        }
        return try await withStoredLeaves(id, tree) { leaves throws(ProofFailure) in
            try tree.consistencyProof(from: m, to: n, leaves: leaves)
        }.map(Hex.encode)
    }

    /// The RFC 9162 inclusion proof (hex) of entry `index` in the first `size` leaves of `tree`.
    func inclusionProof(_ id: String, _ tree: MerkleTree, index: Int, size: Int) async throws(BoardError) -> [String] {
        try await withStoredLeaves(id, tree) { leaves throws(ProofFailure) in
            try tree.inclusionProof(index: index, size: size, leaves: leaves)
        }.map(Hex.encode)
    }

    /// Runs a proof over `tree`, reading from the store the leaves of each block the tree has
    /// forgotten and the proof asks for (at most a few blocks of `treeBlock` lines).
    func withStoredLeaves<T>(
        _ id: String, _ tree: MerkleTree, _ proof: (MerkleTree.Leaves) throws(ProofFailure) -> T
    ) async throws(BoardError) -> T {
        var blocks = [Int: [[UInt8]]]()
        while true {
            do { return try proof { blocks[$0] } } catch .missingLeaves(let b) {
                guard blocks[b] == nil else { throw .storage("the stored lines of block \(b) do not make the tree's hashes") }
                let range = b * tree.blockSize..<(b + 1) * tree.blockSize
                do { blocks[b] = try await store.lines(electionId: id, range: range).map(MerkleHash.leaf) } catch {
                    throw .storage("\(error)")
                }
            } catch { throw .storage("no proof: \(error)") }
        }
    }

    /// The stored line at `seq`.
    func storedLine(_ id: String, _ seq: Int) async throws(BoardError) -> [UInt8] {
        do {
            guard let line = try await store.lines(electionId: id, range: seq..<seq + 1).first else {
                throw BoardError.storage("entry \(seq) is missing")
            }
            return line
        } catch let e as BoardError { throw e } catch { throw .storage("\(error)") }
    }
}
