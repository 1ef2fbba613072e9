import PlebisciteCrypto
import Ristretto

/// The public values every ballot and decryption check needs once the key ceremony is done.
public struct ElectionContext: Sendable {
    public let manifest: Manifest
    public let manifestHash: Digest
    public let jointKey: Element
    public let verificationKeys: [Element]
    public let contextHash: Digest

    public init(manifest: Manifest, manifestHash: Digest, jointKey: Element, verificationKeys: [Element], contextHash: Digest) {
        self.manifest = manifest
        self.manifestHash = manifestHash
        self.jointKey = jointKey
        self.verificationKeys = verificationKeys
        self.contextHash = contextHash
    }

    /// Derives the context from the trustees' commitments (index order), as checks 4.1-4.3 do.
    public init(manifest: Manifest, manifestHash: Digest, commitments: [[Element]]) {
        let joint = commitments.reduce(Element.identity) { $0 + ($1.first ?? .identity) }
        let vks = (0..<commitments.count).map { $0 + 1 }.map {
            ThresholdSharing.verificationKey(index: UInt64($0), allCommitments: commitments)
        }
        self.init(
            manifest: manifest, manifestHash: manifestHash, jointKey: joint, verificationKeys: vks,
            contextHash: ProtocolHashes.contextHash(manifestHash: manifestHash, jointKey: joint, commitments: commitments))
    }
}
