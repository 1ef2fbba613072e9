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
    /// A tree that forgets old hashes needs the leaf hashes of this block for the proof.
    case missingLeaves(block: Int)
}

/// An append-only Merkle tree over leaf hashes, keeping every complete subtree's hash so that
/// any tree head, inclusion proof or consistency proof costs O(log n) hashes.
///
/// A tree made with `blockSize` B > 1 forgets the hashes below B leaves once their block of B
/// leaves is two blocks behind the end: it then holds about 64 bytes per B leaves plus two blocks,
/// so a board's memory stays flat however long its log. The tree head of the current size never
/// needs what was forgotten; a proof that does throws `.missingLeaves(block:)`, and the caller
/// passes that block's leaf hashes (from its store) to the next try.
public struct MerkleTree: Sendable {
    /// Level k holds, back to back, the 32-byte hashes of the complete subtrees of 2^k leaves in
    /// order, from its `first` on: one buffer per level rather than one array per hash.
    private var levels: [Level] = [Level()]
    /// Levels below this one forget old blocks (0: nothing is forgotten).
    private let retainedLevel: Int

    /// The hashes of one level, contiguous, from the `first`-th on.
    struct Level {
        var first = 0
        var bytes: [UInt8] = []
        /// How many hashes the level has had.
        var count: Int { first + bytes.count >> 5 }
        func holds(_ i: Int) -> Bool { i >= first && i < count }
        subscript(i: Int) -> [UInt8] { Array(bytes[(i - first) << 5..<(i - first + 1) << 5]) }
        mutating func append(_ hash: [UInt8]) { bytes.append(contentsOf: hash) }
        /// Forgets the hashes before the `i`-th.
        mutating func forget(before i: Int) {
            guard i > first else { return }
            bytes.removeFirst(min(bytes.count, (i - first) << 5))
            first = i
        }
    }

    /// A tree that keeps everything.
    public init() { retainedLevel = 0 }

    /// A tree that forgets the hashes inside blocks of `blockSize` leaves (a power of two) once
    /// they are two blocks behind the end.
    public init(blockSize: Int) {
        precondition(blockSize > 0 && blockSize & (blockSize - 1) == 0, "the block size is a power of two")
        retainedLevel = blockSize.trailingZeroBitCount
    }

    /// Builds a tree over leaf data in order.
    public init(leaves: [[UInt8]]) {
        self.init()
        for d in leaves { append(leafHash: MerkleHash.leaf(d)) }
    }

    public var size: Int { levels[0].count }

    /// Leaves per block (1 for a tree that keeps everything).
    public var blockSize: Int { 1 << retainedLevel }

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
        if retainedLevel > 0, size % blockSize == 0, size >= 2 * blockSize {
            // A block just completed: forget inside the one before the previous block.
            let keepFrom = size - 2 * blockSize
            for k in 0..<min(retainedLevel, levels.count) { levels[k].forget(before: keepFrom >> k) }
        }
    }

    /// The leaf hash at an index, if the tree still holds it.
    public func leafHash(at index: Int) -> [UInt8]? { levels[0].holds(index) ? levels[0][index] : nil }

    /// The block a leaf belongs to.
    public func block(of index: Int) -> Int { index >> retainedLevel }

    /// The leaf hashes of block `b`, as `missingLeaves` asks for, supplied to a proof.
    public typealias Leaves = (_ block: Int) -> [[UInt8]]?

    /// MTH(D[start ..< start + count]); `start` is a multiple of the largest power of two <= count.
    func hash(start: Int, count: Int, leaves: Leaves) throws(ProofFailure) -> [UInt8] {
        if count == 0 { return MerkleHash.empty }
        if count & (count - 1) == 0 {
            let k = count.trailingZeroBitCount
            if k < levels.count, levels[k].holds(start / count) { return levels[k][start / count] }
            if k < retainedLevel, start / count < (k < levels.count ? levels[k].count : 0) {
                // Forgotten: recompute from the block's leaves.
                let b = start >> retainedLevel
                guard let hashes = leaves(b), hashes.count == blockSize else { throw .missingLeaves(block: b) }
                var sub = MerkleTree()
                for h in hashes[(start - (b << retainedLevel))..<(start - (b << retainedLevel) + count)] { sub.append(leafHash: h) }
                return try sub.hash(start: 0, count: count, leaves: leaves)
            }
        }
        let k = MerkleHash.split(count)
        return MerkleHash.node(
            try hash(start: start, count: k, leaves: leaves), try hash(start: start + k, count: count - k, leaves: leaves))
    }

    /// The root of the tree of the first `size` leaves (any size up to the current one; a tree
    /// that forgets may need the leaves of the block where `size` ends).
    public func root(size: Int, leaves: Leaves) throws(ProofFailure) -> [UInt8] {
        guard size >= 0 && size <= self.size else { throw .badSizes }
        return try hash(start: 0, count: size, leaves: leaves)
    }

    /// The root of the tree of the first `size` leaves (default: all) of a tree that keeps
    /// everything, or of the whole tree (which never needs forgotten hashes).
    public func root(size: Int? = nil) -> [UInt8] {
        let n = size ?? self.size
        precondition(n >= 0 && n <= self.size)
        guard let root = try? root(size: n, leaves: { _ in nil }) else {
            preconditionFailure("the root of size \(n) needs forgotten hashes: use root(size:leaves:)")
        }
        return root
    }

    /// RFC 9162 2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf m in the tree of size n.
    public func inclusionProof(index m: Int, size n: Int, leaves: Leaves = { _ in nil }) throws(ProofFailure) -> [[UInt8]] {
        guard n <= size, m >= 0, m < n else { throw .indexOutOfRange }
        func path(_ m: Int, _ start: Int, _ n: Int) throws(ProofFailure) -> [[UInt8]] {
            if n <= 1 { return [] }
            let k = MerkleHash.split(n)
            return m < k
                ? try path(m, start, k) + [try hash(start: start + k, count: n - k, leaves: leaves)]
                : try path(m - k, start + k, n - k) + [try hash(start: start, count: k, leaves: leaves)]
        }
        return try path(m, 0, n)
    }

    /// RFC 9162 2.1.4.1 PROOF(m, D[n]): the consistency proof from size m to size n.
    public func consistencyProof(from m: Int, to n: Int, leaves: Leaves = { _ in nil }) throws(ProofFailure) -> [[UInt8]] {
        guard n <= size, m >= 0, m <= n else { throw .badSizes }
        if m == 0 || m == n { return [] }
        func subproof(_ m: Int, _ start: Int, _ n: Int, _ complete: Bool) throws(ProofFailure) -> [[UInt8]] {
            if m == n { return complete ? [] : [try hash(start: start, count: n, leaves: leaves)] }
            let k = MerkleHash.split(n)
            return m <= k
                ? try subproof(m, start, k, complete) + [try hash(start: start + k, count: n - k, leaves: leaves)]
                : try subproof(m - k, start + k, n - k, false) + [try hash(start: start, count: k, leaves: leaves)]
        }
        return try subproof(m, 0, n, true)
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
