import Foundation
import PlebisciteCrypto
import Ristretto

/// A tree head the board signs: size, root and time (SPEC 8). Hex in JSON.
public struct SignedTreeHead: Codable, Sendable, Equatable {
    public var size: Int
    public var root: String
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var signature: String

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
