import Foundation
import PlebisciteCrypto
import Ristretto
import Synchronization

/// A tree head the board signs: size, root and time (SPEC 8). Hex in JSON.
public struct SignedTreeHead: Codable, Sendable, Hashable {
    public var size: Int
    public var root: String
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var signature: String

    /// A head as received (its signature unchecked; see `verify`).
    public init(size: Int, root: String, timestamp: Int64, signature: String) {
        self.size = size
        self.root = root
        self.timestamp = timestamp
        self.signature = signature
    }

    /// What the board signs: H32("tree-head", u64(size), root, u64(timestamp)) (PROTOCOL.md section 4).
    public static func message(size: Int, root: [UInt8], timestamp: Int64) -> [UInt8] {
        var t = Transcript("tree-head")
        t.append(size)
        t.append(bytes: root)
        t.append(Int(timestamp))
        return t.digest32()
    }

    /// Signs the head of `tree`, timed at its last entry (`lastEntryAt`, the `at` of line size - 1;
    /// 0 for an empty tree): PROTOCOL.md 5. A head is then a function of the log alone, so heads
    /// never go back in time as the log grows, whichever server signs them and whatever its clock.
    public static func sign(_ tree: MerkleTree, key: Ed25519.SigningKey, lastEntryAt: Date?) -> SignedTreeHead {
        let root = tree.root()
        let ms = Int64(((lastEntryAt?.timeIntervalSince1970 ?? 0) * 1000).rounded(.down))
        return SignedTreeHead(
            size: tree.size, root: Hex.encode(root), timestamp: ms,
            signature: Hex.encode(key.signature(for: message(size: tree.size, root: root, timestamp: ms))))
    }

    /// Checks the signature with the board's key (from the manifest).
    public func verify(boardKey: Ed25519.PublicKey) -> Bool {
        guard size >= 0, let r = try? Hex.decode(root, count: 32), let s = try? Hex.decode(signature, count: 64) else { return false }
        return boardKey.isValidSignature(s, for: SignedTreeHead.message(size: size, root: r, timestamp: timestamp))
    }

    public var rootBytes: [UInt8] { (try? Hex.decode(root, count: 32)) ?? [] }

    /// Whether the head is in its one canonical form (PROTOCOL.md 5.1): root and signature in
    /// lowercase hex of 32 and 64 bytes, size and timestamp not negative.
    public var isCanonical: Bool {
        func lowerHex(_ s: String, _ n: Int) -> Bool {
            s.utf8.count == 2 * n && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        }
        return size >= 0 && timestamp >= 0 && lowerHex(root, 32) && lowerHex(signature, 64)
    }
}

/// Tree heads whose signature has been checked, so that a client checking many receipts under
/// one head (a batch's receipts share it) verifies the signature once. A head counts as checked
/// only for the very key and bytes it was checked with. Keeps at most `capacity` heads.
public final class VerifiedTreeHeads: Sendable {
    private struct Key: Hashable {
        var boardKey: Ed25519.PublicKey
        var head: SignedTreeHead
    }
    private let checked = Mutex<Set<Key>>([])
    private let capacity: Int

    public init(capacity: Int = 256) { self.capacity = capacity }

    /// `head.verify(boardKey:)`, remembered when it holds.
    public func verify(_ head: SignedTreeHead, boardKey: Ed25519.PublicKey) -> Bool {
        let key = Key(boardKey: boardKey, head: head)
        if checked.withLock({ $0.contains(key) }) { return true }
        guard head.verify(boardKey: boardKey) else { return false }
        checked.withLock { set in
            if set.count >= capacity { set.removeAll(keepingCapacity: true) }
            set.insert(key)
        }
        return true
    }
}
