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

    /// Signs the head of `tree` now.
    public static func sign(_ tree: MerkleTree, key: Ed25519.SigningKey, at time: Date = Date()) -> SignedTreeHead {
        let root = tree.root()
        let ms = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
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
