import Ristretto

/// RFC 9162 section 2.1.1 hashing: leaves get prefix 0x00, interior nodes 0x01, so a leaf can
/// never be passed off as a node.
public enum MerkleHash {
    /// MTH({}) = SHA-256 of the empty string.
    public static let empty: [UInt8] = SHA256.hash([])

    /// HASH(0x00 || d).
    public static func leaf(_ data: [UInt8]) -> [UInt8] { SHA256.hash([0x00], data) }

    /// HASH(0x01 || left || right).
    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { SHA256.hash([0x01], left, right) }

    /// The largest power of two smaller than n (n >= 2).
    @inline(__always)
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// Why a proof was refused.
public enum ProofFailure: Error, Equatable, Sendable {
    case indexOutOfRange
    case wrongLength
    case rootMismatch
    case badSizes
}

/// An append-only Merkle tree over leaf hashes, keeping every complete subtree's hash so that
/// any tree head, inclusion proof or consistency proof costs O(log n) hashes.
public struct MerkleTree: Sendable {
    /// Level k holds, back to back, the 32-byte hashes of the complete subtrees of 2^k leaves in
    /// order: one buffer per level rather than one array per hash, so a tree of n leaves takes
    /// about 64 n bytes.
    private var levels: [Level] = [Level()]

    /// The hashes of one level, contiguous.
    struct Level {
        var bytes: [UInt8] = []
        var count: Int { bytes.count >> 5 }
        subscript(i: Int) -> [UInt8] { Array(bytes[i << 5..<(i + 1) << 5]) }
        mutating func append(_ hash: [UInt8]) { bytes.append(contentsOf: hash) }
    }

    public init() {}

    /// Builds a tree over leaf data in order.
    public init(leaves: [[UInt8]]) {
        for d in leaves { append(leafHash: MerkleHash.leaf(d)) }
    }

    public var size: Int { levels[0].count }

    /// Appends a leaf by its leaf hash (32 bytes). Amortised O(1) hashes.
    public mutating func append(leafHash: [UInt8]) {
        precondition(leafHash.count == 32, "a leaf hash has 32 bytes")
        levels[0].append(leafHash)
        var k = 0
        while levels[k].count % 2 == 0 {
            let n = levels[k].count
            if levels.count == k + 1 { levels.append(Level()) }
            levels[k + 1].append(MerkleHash.node(levels[k][n - 2], levels[k][n - 1]))
            k += 1
        }
    }

    /// The leaf hash at an index.
    public func leafHash(at index: Int) -> [UInt8] { levels[0][index] }

    /// MTH(D[start ..< start + count]); `start` is a multiple of the largest power of two <= count.
    func hash(start: Int, count: Int) -> [UInt8] {
        if count == 0 { return MerkleHash.empty }
        if count & (count - 1) == 0 {
            let k = count.trailingZeroBitCount
            if k < levels.count, start / count < levels[k].count { return levels[k][start / count] }
        }
        let k = MerkleHash.split(count)
        return MerkleHash.node(hash(start: start, count: k), hash(start: start + k, count: count - k))
    }

    /// The root of the tree of the first `size` leaves (any size up to the current one).
    public func root(size: Int? = nil) -> [UInt8] {
        let n = size ?? self.size
        precondition(n >= 0 && n <= self.size)
        return hash(start: 0, count: n)
    }

    /// RFC 9162 2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf m in the tree of size n.
    public func inclusionProof(index m: Int, size n: Int) throws(ProofFailure) -> [[UInt8]] {
        guard n <= size, m >= 0, m < n else { throw .indexOutOfRange }
        func path(_ m: Int, _ start: Int, _ n: Int) -> [[UInt8]] {
            if n <= 1 { return [] }
            let k = MerkleHash.split(n)
            return m < k
                ? path(m, start, k) + [hash(start: start + k, count: n - k)]
                : path(m - k, start + k, n - k) + [hash(start: start, count: k)]
        }
        return path(m, 0, n)
    }

    /// RFC 9162 2.1.4.1 PROOF(m, D[n]): the consistency proof from size m to size n.
    public func consistencyProof(from m: Int, to n: Int) throws(ProofFailure) -> [[UInt8]] {
        guard n <= size, m >= 0, m <= n else { throw .badSizes }
        if m == 0 || m == n { return [] }
        func subproof(_ m: Int, _ start: Int, _ n: Int, _ complete: Bool) -> [[UInt8]] {
            if m == n { return complete ? [] : [hash(start: start, count: n)] }
            let k = MerkleHash.split(n)
            return m <= k
                ? subproof(m, start, k, complete) + [hash(start: start + k, count: n - k)]
                : subproof(m - k, start + k, n - k, false) + [hash(start: start, count: k)]
        }
        return subproof(m, 0, n, true)
    }
}

/// The verifiers of RFC 9162 2.1.3.2 and 2.1.4.2, for clients that hold only hashes.
public enum MerkleProof {
    /// One level of the walk up the tree that both verifiers share: the proof hash is a left
    /// sibling when fn is odd or the last node of its level, otherwise a right sibling.
    @inline(__always)
    static func step(_ fn: inout Int, _ sn: inout Int, leftSibling: () -> Void, rightSibling: () -> Void) {
        if fn & 1 == 1 || fn == sn {
            leftSibling()
            if fn & 1 == 0 {
                repeat {
                    fn >>= 1
                    sn >>= 1
                } while fn & 1 == 0 && fn != 0
            }
        } else {
            rightSibling()
        }
        fn >>= 1
        sn >>= 1
    }

    /// Checks that `leafHash` is leaf `index` of the tree of `size` leaves with `root`.
    public static func verifyInclusion(
        leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8]
    ) throws(ProofFailure) {
        guard index >= 0, index < size else { throw .indexOutOfRange }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { throw .wrongLength }
            step(&fn, &sn, leftSibling: { r = MerkleHash.node(p, r) }, rightSibling: { r = MerkleHash.node(r, p) })
        }
        guard sn == 0 else { throw .wrongLength }
        guard r == root else { throw .rootMismatch }
    }

    /// Checks that the tree of `newSize` with `newRoot` extends the tree of `oldSize` with `oldRoot`.
    public static func verifyConsistency(
        oldSize: Int, newSize: Int, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]
    ) throws(ProofFailure) {
        guard oldSize >= 0, oldSize <= newSize else { throw .badSizes }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .wrongLength }
            guard oldRoot == newRoot else { throw .rootMismatch }
            return
        }
        if oldSize == 0 {
            // Every tree extends the empty tree; RFC 9162 defines no proof for it.
            guard proof.isEmpty else { throw .wrongLength }
            return
        }
        guard !proof.isEmpty else { throw .wrongLength }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw .wrongLength }
            step(
                &fn, &sn,
                leftSibling: {
                    fr = MerkleHash.node(c, fr)
                    sr = MerkleHash.node(c, sr)
                }, rightSibling: { sr = MerkleHash.node(sr, c) })
        }
        guard sn == 0 else { throw .wrongLength }
        guard fr == oldRoot, sr == newRoot else { throw .rootMismatch }
    }
}
