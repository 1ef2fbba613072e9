import Foundation
import Ristretto
import TestVectors
import Testing

@testable import TransparencyLog

struct SmallTrees: Decodable {
    struct Inclusion: Decodable { let index: Int, size: Int, path: [String] }
    struct Consistency: Decodable { let from: Int, to: Int, proof: [String] }
    let leaves: [String]
    let roots: [String]
    let inclusion: [Inclusion]
    let consistency: [Consistency]
}

@Suite("RFC 9162 Merkle tree")
struct MerkleTreeTests {
    @Test("Roots, inclusion and consistency proofs of the small trees match the independently computed vectors")
    func smallTrees() throws {
        let v = try TestVectors.load("rfc9162-small-trees", as: SmallTrees.self, bundle: .module)
        let data = try v.leaves.map { try Hex.decode($0) }
        let tree = MerkleTree(leaves: data)
        for (n, root) in v.roots.enumerated() { #expect(Hex.encode(tree.root(size: n)) == root, "root of size \(n)") }
        #expect(v.roots[1] == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        for i in v.inclusion {
            let proof = try tree.inclusionProof(index: i.index, size: i.size)
            #expect(proof.map(Hex.encode) == i.path, "PATH(\(i.index), \(i.size))")
            try MerkleProof.verifyInclusion(
                leafHash: MerkleHash.leaf(data[i.index]), index: i.index, size: i.size, proof: proof, root: tree.root(size: i.size))
        }
        for c in v.consistency {
            let proof = try tree.consistencyProof(from: c.from, to: c.to)
            #expect(proof.map(Hex.encode) == c.proof, "PROOF(\(c.from), \(c.to))")
            try MerkleProof.verifyConsistency(
                oldSize: c.from, newSize: c.to, oldRoot: tree.root(size: c.from), newRoot: tree.root(size: c.to), proof: proof)
        }
    }

    @Test("Every inclusion proof verifies, for every leaf of every size up to 300; none verifies for another leaf, size or root")
    func everyInclusion() throws {
        let data = (0..<300).map { Array("entry \($0)".utf8) }
        let tree = MerkleTree(leaves: data)
        for n in 1...300 {
            let root = tree.root(size: n)
            for m in 0..<n where n <= 70 || m % 7 == 0 || m == n - 1 {
                let proof = try tree.inclusionProof(index: m, size: n)
                let leaf = MerkleHash.leaf(data[m])
                try MerkleProof.verifyInclusion(leafHash: leaf, index: m, size: n, proof: proof, root: root)
                // Negative: another leaf, another index, another size, a changed proof hash.
                #expect(throws: ProofFailure.self) {
                    try MerkleProof.verifyInclusion(
                        leafHash: MerkleHash.leaf(data[(m + 1) % 300]), index: m, size: n, proof: proof, root: root)
                }
                if n > 1 {
                    #expect(throws: ProofFailure.self) {
                        try MerkleProof.verifyInclusion(leafHash: leaf, index: (m + 1) % n, size: n, proof: proof, root: root)
                    }
                    var bad = proof
                    bad[bad.count - 1][0] ^= 1
                    #expect(throws: ProofFailure.self) {
                        try MerkleProof.verifyInclusion(leafHash: leaf, index: m, size: n, proof: bad, root: root)
                    }
                    #expect(throws: ProofFailure.self) {
                        try MerkleProof.verifyInclusion(leafHash: leaf, index: m, size: n, proof: Array(proof.dropLast()), root: root)
                    }
                }
                // The proof for size n does not prove inclusion in the (signed) tree of size n + 1.
                if n < 300 {
                    #expect(throws: ProofFailure.self) {
                        try MerkleProof.verifyInclusion(leafHash: leaf, index: m, size: n + 1, proof: proof, root: tree.root(size: n + 1))
                    }
                }
            }
        }
        #expect(throws: ProofFailure.indexOutOfRange) { try tree.inclusionProof(index: 5, size: 5) }
    }

    @Test("Every consistency proof verifies between any two sizes up to 100 (and sampled to 300); wrong roots or sizes fail")
    func everyConsistency() throws {
        let data = (0..<300).map { Array("leaf-\($0)".utf8) }
        let tree = MerkleTree(leaves: data)
        for n in 1...300 {
            for m in 1...n where n <= 100 || m % 13 == 0 || m == n - 1 {
                let proof = try tree.consistencyProof(from: m, to: n)
                let oldRoot = tree.root(size: m), newRoot = tree.root(size: n)
                try MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                guard m < n else { continue }
                // A rewritten history: the old root of another tree.
                var forged = oldRoot
                forged[3] ^= 0x10
                #expect(throws: ProofFailure.self) {
                    try MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: forged, newRoot: newRoot, proof: proof)
                }
                #expect(throws: ProofFailure.self) {
                    try MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: forged, proof: proof)
                }
                if m > 1 {
                    #expect(throws: ProofFailure.self) {
                        try MerkleProof.verifyConsistency(oldSize: m - 1, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                    }
                }
                #expect(throws: ProofFailure.self) {
                    try MerkleProof.verifyConsistency(
                        oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: Array(proof.dropLast()))
                }
            }
        }
        // A split view: two trees that share a prefix but differ afterwards are not consistent.
        var other = MerkleTree(leaves: Array(data.prefix(40)))
        other.append(leafHash: MerkleHash.leaf(Array("different".utf8)))
        let proof = try tree.consistencyProof(from: 41, to: 60)
        #expect(throws: ProofFailure.self) {
            try MerkleProof.verifyConsistency(oldSize: 41, newSize: 60, oldRoot: other.root(), newRoot: tree.root(size: 60), proof: proof)
        }
    }

    @Test("Incremental appends give the same roots as building at once")
    func incremental() {
        var tree = MerkleTree()
        for i in 0..<130 {
            tree.append(leafHash: MerkleHash.leaf([UInt8(i)]))
            #expect(tree.root() == MerkleTree(leaves: (0...i).map { [UInt8($0)] }).root())
        }
    }

    @Test("Tree heads are signed by the board key and fail for any changed field or another key")
    func signedTreeHead() {
        let key = Ed25519.SigningKey()
        let tree = MerkleTree(leaves: [[1], [2], [3]])
        let sth = SignedTreeHead.sign(tree, key: key, lastEntryAt: Date())
        #expect(sth.verify(boardKey: key.publicKey))
        #expect(!sth.verify(boardKey: Ed25519.SigningKey().publicKey))
        var bad = sth
        bad.size = 4
        #expect(!bad.verify(boardKey: key.publicKey))
        bad = sth
        bad.timestamp += 1
        #expect(!bad.verify(boardKey: key.publicKey))
        bad = sth
        bad.root = Hex.encode(MerkleHash.empty)
        #expect(!bad.verify(boardKey: key.publicKey))
    }

    @Test(
        "A tree that forgets old blocks gives the same roots and proofs as the full tree once given the leaves it asks for",
        arguments: [2, 4, 8])
    func forgettingTree(blockSize: Int) throws {
        let hashes = (0..<150).map { MerkleHash.leaf([UInt8($0 & 0xff), UInt8($0 >> 8)]) }
        var full = MerkleTree()
        var pruned = MerkleTree(blockSize: blockSize)
        for h in hashes {
            full.append(leafHash: h)
            pruned.append(leafHash: h)
            // The current head never needs anything forgotten.
            #expect(pruned.root() == full.root())
        }
        // Blocks two behind the end are forgotten; the last two are kept.
        #expect(pruned.leafHash(at: 0) == nil)
        #expect(pruned.leafHash(at: 149) == hashes[149])
        var asked = Set<Int>()
        let leaves: MerkleTree.Leaves = { b in
            asked.insert(b)
            return Array(hashes[b * blockSize..<(b + 1) * blockSize])
        }
        func withLeaves<T>(_ body: (MerkleTree.Leaves) throws(ProofFailure) -> T) throws -> T {
            // As the board does: try without, then with each block asked for.
            var given = [Int: [[UInt8]]]()
            while true {
                do { return try body { given[$0] } } catch .missingLeaves(let b) {
                    #expect(given[b] == nil, "asked twice for block \(b)")
                    given[b] = leaves(b)
                }
            }
        }
        for n in stride(from: 1, through: 150, by: 7) {
            #expect(try withLeaves { l throws(ProofFailure) in try pruned.root(size: n, leaves: l) } == full.root(size: n))
            for m in stride(from: 0, to: n, by: 5) {
                #expect(
                    try withLeaves { l throws(ProofFailure) in try pruned.inclusionProof(index: m, size: n, leaves: l) }
                        == full.inclusionProof(index: m, size: n))
                #expect(
                    try withLeaves { l throws(ProofFailure) in try pruned.consistencyProof(from: m + 1, to: n, leaves: l) }
                        == full.consistencyProof(from: m + 1, to: n))
            }
        }
        #expect(!asked.isEmpty, "old proofs needed forgotten blocks")
        #expect(asked.allSatisfy { $0 < 150 / blockSize - 1 }, "only forgotten blocks are asked for: \(asked.sorted())")
        // Wrong leaves give a wrong proof, never a silent pass.
        let wrong = try pruned.inclusionProof(index: 0, size: 150) { _ in Array(repeating: MerkleHash.empty, count: blockSize) }
        #expect(try wrong != full.inclusionProof(index: 0, size: 150))
        #expect(throws: ProofFailure.missingLeaves(block: 0)) { try pruned.inclusionProof(index: 0, size: 150) }
    }
}
