import ElectionRecord
import PlebisciteCrypto
import Ristretto

/// A trustee's public identity, produced by `trustee init` and copied into the manifest.
public struct TrusteePublicInfo: Codable, Sendable, Equatable {
    public var id: String
    public var signingKey: Ed25519.PublicKey
    public var exchangeKey: HexBytes
}

/// Why a key-ceremony step could not proceed.
public enum CeremonyError: Error, Equatable, Sendable, CustomStringConvertible {
    case notATrustee(String)
    case missingCommitment(trustee: Int)
    case invalidCommitment([CheckFailure])
    case ceremonyFailed(cheaters: [Int])

    public var description: String {
        switch self {
        case .notATrustee(let id): "trustee \(id)'s key is not in the manifest"
        case .missingCommitment(let t): "no commitment from trustee \(t) yet"
        case .invalidCommitment(let f): "invalid commitment: " + f.map(\.description).joined(separator: "; ")
        case .ceremonyFailed(let c): "the key ceremony failed: trustee(s) \(c.map(String.init).joined(separator: ", ")) sent bad shares"
        }
    }
}

/// What a trustee concludes after opening and checking the shares sent to it.
public enum ShareOutcome: Sendable {
    /// All shares matched their commitments: this is the trustee's secret share of the joint key.
    case accepted(Scalar)
    /// Some dealers sent bad shares: publish these complaints.
    case complaints([Complaint])
}

/// One trustee's secrets and the steps it runs on its own machine (SPEC 5).
public struct Trustee: Sendable {
    public let id: String
    public let signingKey: Ed25519.SigningKey
    public let exchangeKey: SealedBox.KeyPair

    /// A new trustee with fresh keys.
    public init(id: String) {
        self.id = id
        signingKey = Ed25519.SigningKey()
        exchangeKey = SealedBox.KeyPair()
    }

    /// Restores a trustee from its stored secrets.
    public init(id: String, signingSeed: [UInt8], exchangeSecret: [UInt8]) throws(GroupError) {
        self.id = id
        signingKey = try Ed25519.SigningKey(seed: signingSeed)
        exchangeKey = try SealedBox.KeyPair(secretKey: exchangeSecret)
    }

    public var publicInfo: TrusteePublicInfo {
        TrusteePublicInfo(id: id, signingKey: signingKey.publicKey, exchangeKey: HexBytes(exchangeKey.publicKey))
    }

    /// This trustee's index in the manifest, found by its signing key.
    public func index(in manifest: Manifest) throws(CeremonyError) -> Int {
        guard let t = manifest.trustees.first(where: { $0.signingKey == signingKey.publicKey }) else { throw .notATrustee(id) }
        return t.index
    }

    /// Round 1: a random polynomial of degree k-1, its commitments with proofs of knowledge, and
    /// one signed share sealed to each trustee (itself included).
    public func commit(manifest: Manifest, manifestHash: Digest) throws(CeremonyError) -> TrusteeCommitment {
        try commit(manifest: manifest, manifestHash: manifestHash, corruptShareFor: nil)
    }

    /// Round 1 with an optional deliberately wrong share, so tests and the demo can show a complaint.
    func commit(manifest: Manifest, manifestHash: Digest, corruptShareFor victim: Int?) throws(CeremonyError) -> TrusteeCommitment {
        let me = try index(in: manifest)
        let polynomial = Polynomial.random(threshold: manifest.threshold)
        let commitments = polynomial.commitments
        let proofs = zip(polynomial.coefficients, commitments).enumerated().map { m, pair in
            SchnorrProof.prove(
                secret: pair.0, statement: pair.1,
                context: ProtocolHashes.coefficientContext(manifestHash: manifestHash, trustee: me, coefficient: m))
        }
        var shares = [SealedShare]()
        for recipient in manifest.trustees.sorted(by: { $0.index < $1.index }) {
            var share = polynomial.evaluate(at: UInt64(recipient.index))
            if recipient.index == victim { share += .one }
            let signature = signingKey.signature(
                for: ProtocolHashes.keyShareMessage(manifestHash: manifestHash, dealer: me, recipient: recipient.index, share: share))
            // The recipient key was checked to be 32 bytes by the manifest check.
            let box = (try? SealedBox.seal(share.rawRepresentation + signature, to: recipient.exchangeKey.bytes)) ?? []
            shares.append(SealedShare(recipient: recipient.index, box: box))
        }
        var entry = TrusteeCommitment(trustee: me, commitments: commitments, proofs: proofs, shares: shares, signature: [])
        entry.signature = HexBytes(signingKey.signature(for: ProtocolHashes.trusteeCommitmentMessage(manifestHash: manifestHash, entry)))
        return entry
    }

    /// Round 2: opens the share each dealer sealed to this trustee and checks it against the
    /// dealer's commitments. Returns the secret share (sum of the shares) or complaints.
    public func receiveShares(
        manifest: Manifest, manifestHash: Digest, commitments: [TrusteeCommitment]
    ) throws(CeremonyError) -> ShareOutcome {
        let me = try index(in: manifest)
        var secret = Scalar.zero
        var complaints = [Complaint]()
        for dealer in manifest.trustees.map(\.index).sorted() {
            guard let c = commitments.first(where: { $0.trustee == dealer }) else { throw .missingCommitment(trustee: dealer) }
            let failures = c.check(manifest: manifest, manifestHash: manifestHash)
            guard failures.isEmpty else { throw .invalidCommitment(failures) }
            let dealerKey = manifest.trustee(index: dealer)!.signingKey
            guard let sealed = c.shares.first(where: { $0.recipient == me }),
                let opened = exchangeKey.open(sealed.box.bytes), opened.count == 96,
                let share = try? Scalar(rawRepresentation: opened.prefix(32))
            else {
                // Unreadable share: the complaint cannot reveal a signed share; it names the dealer with a zero share.
                complaints.append(complaint(accused: dealer, share: .zero, shareSignature: [], manifestHash: manifestHash, me: me))
                continue
            }
            let shareSignature = Array(opened.suffix(64))
            let message = ProtocolHashes.keyShareMessage(manifestHash: manifestHash, dealer: dealer, recipient: me, share: share)
            if !dealerKey.isValidSignature(shareSignature, for: message)
                || !ThresholdSharing.verifyShare(share, index: UInt64(me), commitments: c.commitments)
            {
                complaints.append(
                    complaint(accused: dealer, share: share, shareSignature: shareSignature, manifestHash: manifestHash, me: me))
                continue
            }
            secret += share
        }
        return complaints.isEmpty ? .accepted(secret) : .complaints(complaints)
    }

    private func complaint(accused: Int, share: Scalar, shareSignature: [UInt8], manifestHash: Digest, me: Int) -> Complaint {
        var c = Complaint(accuser: me, accused: accused, share: share, shareSignature: shareSignature, signature: [])
        c.signature = HexBytes(signingKey.signature(for: ProtocolHashes.complaintMessage(manifestHash: manifestHash, c)))
        return c
    }

    /// Decryption: one partial decryption with a Chaum-Pedersen proof per tally ciphertext, signed.
    ///
    /// Complexity: per ciphertext, two variable-base and one fixed-base multiplication.
    public func decrypt(tally: EncryptedTally, secretShare: Scalar, context: ElectionContext, workers: Int = 1) throws(CeremonyError)
        -> DecryptionShares
    {
        let me = try index(in: context.manifest)
        let vk = context.verificationKeys[me - 1]
        let tallyHash = ProtocolHashes.tallyHash(contextHash: context.contextHash, tally)
        let ciphertexts = tally.ciphertexts
        let contextHash = context.contextHash
        let partials = Parallel.map(Array(ciphertexts.indices), workers: workers) { i -> PartialDecryption in
            let share = secretShare * ciphertexts[i].alpha
            let ctx = ProtocolHashes.decryptionContext(contextHash: contextHash, tallyHash: tallyHash, trustee: me, position: i)
            let proof = ChaumPedersenProof.prove(secret: secretShare, g: .generator, x: vk, h: ciphertexts[i].alpha, y: share, context: ctx)
            return PartialDecryption(share: share, proof: proof)
        }
        var result = DecryptionShares(trustee: me, tallyHash: tallyHash, partials: partials, signature: [])
        result.signature = HexBytes(
            signingKey.signature(for: ProtocolHashes.decryptionSharesMessage(contextHash: context.contextHash, result)))
        return result
    }
}
