import PlebisciteCrypto
import Ristretto

extension TrusteeCommitment {
    /// Checks 3.1 to 3.3 for one trustee's commitment entry.
    ///
    /// Complexity: k fixed-base and k variable-base multiplications (one proof per coefficient).
    public func check(manifest: Manifest, manifestHash: Digest) -> [CheckFailure] {
        guard let trusteeInfo = manifest.trustee(index: trustee) else {
            return [CheckFailure(.trusteeCommitments, "no trustee with index \(trustee) in the manifest")]
        }
        var failures = [CheckFailure]()
        let message = ProtocolHashes.trusteeCommitmentMessage(manifestHash: manifestHash, self)
        if !trusteeInfo.signingKey.isValidSignature(signature.bytes, for: message) {
            failures.append(CheckFailure(.trusteeSignature, "trustee \(trustee) (\(trusteeInfo.id)): signature does not verify"))
        }
        if commitments.count != manifest.threshold || proofs.count != manifest.threshold {
            failures.append(
                CheckFailure(
                    .trusteeCommitments,
                    "trustee \(trustee): \(commitments.count) commitments and \(proofs.count) proofs, threshold is \(manifest.threshold)"))
        }
        if commitments.contains(where: \.isIdentity) {
            failures.append(CheckFailure(.trusteeCommitments, "trustee \(trustee): a coefficient commitment is the identity"))
        }
        let recipients = shares.map(\.recipient)
        if recipients.sorted() != manifest.trustees.map(\.index).sorted() {
            failures.append(
                CheckFailure(.trusteeCommitments, "trustee \(trustee): shares must go to each trustee exactly once, got \(recipients)"))
        }
        for (m, (c, proof)) in zip(commitments, proofs).enumerated() {
            let ctx = ProtocolHashes.coefficientContext(manifestHash: manifestHash, trustee: trustee, coefficient: m)
            do { try proof.verify(statement: c, context: ctx) } catch {
                failures.append(CheckFailure(.coefficientProofs, "trustee \(trustee) coefficient \(m): proof of knowledge fails"))
            }
        }
        return failures
    }
}

/// What a checked complaint shows.
public enum ComplaintVerdict: Sendable, Equatable {
    /// The dealer signed a share that does not match its commitments: the dealer cheated.
    case dealerCheated(Int)
    /// The complaint does not hold up (bad signatures, or the share is correct): the accuser is at fault.
    case unfounded(String)
}

extension Complaint {
    /// Checks a complaint against the accused dealer's commitments (check 3.4).
    public func verdict(manifest: Manifest, manifestHash: Digest, accusedCommitments: [Element]) -> ComplaintVerdict {
        guard let accuserInfo = manifest.trustee(index: accuser), let accusedInfo = manifest.trustee(index: accused) else {
            return .unfounded("unknown trustee index")
        }
        guard
            accuserInfo.signingKey.isValidSignature(signature.bytes, for: ProtocolHashes.complaintMessage(manifestHash: manifestHash, self))
        else { return .unfounded("complaint is not signed by trustee \(accuser)") }
        let shareMessage = ProtocolHashes.keyShareMessage(manifestHash: manifestHash, dealer: accused, recipient: accuser, share: share)
        guard accusedInfo.signingKey.isValidSignature(shareSignature.bytes, for: shareMessage) else {
            return .unfounded("the revealed share is not signed by trustee \(accused)")
        }
        if ThresholdSharing.verifyShare(share, index: UInt64(accuser), commitments: accusedCommitments) {
            return .unfounded("the revealed share matches trustee \(accused)'s commitments")
        }
        return .dealerCheated(accused)
    }
}

extension CredentialList {
    /// Checks 5.1 and the per-list part of 5.2.
    public func check(manifest: Manifest, manifestHash: Digest) -> [CheckFailure] {
        let message = ProtocolHashes.credentialListMessage(manifestHash: manifestHash, precinct: precinct, credentials: credentials)
        return CredentialList.checkSigned(
            credentials, precinct: precinct, signature: signature, message: message, manifest: manifest,
            signatureCheck: .credentialListSignature, contentsCheck: .credentialListContents, what: "list")
    }

    /// The checks a list and an amendment share: the authority's signature over `message`, a known
    /// precinct, no identity, strictly sorted by hex (so no credential twice).
    static func checkSigned(
        _ credentials: [Element], precinct: String, signature: HexBytes, message: [UInt8], manifest: Manifest,
        signatureCheck: Check, contentsCheck: Check, what: String
    ) -> [CheckFailure] {
        var failures = [CheckFailure]()
        if !manifest.credentialAuthority.isValidSignature(signature.bytes, for: message) {
            failures.append(CheckFailure(signatureCheck, "precinct \(precinct): credential authority signature does not verify"))
        }
        if manifest.precinct(precinct) == nil {
            failures.append(CheckFailure(contentsCheck, "\(what) for unknown precinct \(precinct)"))
        }
        if credentials.contains(where: \.isIdentity) {
            failures.append(CheckFailure(contentsCheck, "precinct \(precinct): a credential is the identity"))
        }
        let hexes = credentials.map(\.hex)
        for i in hexes.indices.dropFirst() where hexes[i - 1] >= hexes[i] {
            failures.append(CheckFailure(contentsCheck, "precinct \(precinct): credentials not strictly sorted at position \(i)"))
            break
        }
        return failures
    }
}

extension CredentialAmendment {
    /// The parts of check 5.3 an amendment passes alone: signed by the authority, a known precinct,
    /// at least one credential, none the identity, strictly sorted.
    public func check(manifest: Manifest, manifestHash: Digest) -> [CheckFailure] {
        let message = ProtocolHashes.credentialAmendmentMessage(manifestHash: manifestHash, precinct: precinct, credentials: credentials)
        var failures = CredentialList.checkSigned(
            credentials, precinct: precinct, signature: signature, message: message, manifest: manifest,
            signatureCheck: .credentialAmendments, contentsCheck: .credentialAmendments, what: "amendment")
        if credentials.isEmpty { failures.append(CheckFailure(.credentialAmendments, "precinct \(precinct): an amendment adds nobody")) }
        return failures
    }
}

extension CredentialRevocation {
    /// The parts of check 5.4 a revocation passes alone: signed by the authority, a known precinct,
    /// a replacement that is not the identity and not the revoked credential.
    public func check(manifest: Manifest, manifestHash: Digest) -> [CheckFailure] {
        var failures = [CheckFailure]()
        let message = ProtocolHashes.credentialRevocationMessage(
            manifestHash: manifestHash, precinct: precinct, revoked: revoked, replacement: replacement)
        if !manifest.credentialAuthority.isValidSignature(signature.bytes, for: message) {
            failures.append(CheckFailure(.credentialRevocations, "precinct \(precinct): credential authority signature does not verify"))
        }
        if manifest.precinct(precinct) == nil {
            failures.append(CheckFailure(.credentialRevocations, "revocation for unknown precinct \(precinct)"))
        }
        if replacement.isIdentity { failures.append(CheckFailure(.credentialRevocations, "the replacement credential is the identity")) }
        if replacement == revoked { failures.append(CheckFailure(.credentialRevocations, "the replacement is the revoked credential")) }
        return failures
    }
}
