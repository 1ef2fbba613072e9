import PlebisciteCrypto
import Ristretto

/// Every hash input of the protocol with its domain tag (docs/PROTOCOL.md section 4).
public enum ProtocolHashes {
    /// H32("manifest", exact bytes of manifest.json).
    public static func manifestHash(_ bytes: [UInt8]) -> Digest {
        Digest.of("manifest") { $0.append(bytes: bytes) }
    }

    /// H32("log-entry", exact bytes of the log line without its newline).
    public static func entryHash(_ line: [UInt8]) -> Digest {
        Digest.of("log-entry") { $0.append(bytes: line) }
    }

    /// H32("context", manifest hash, joint key, n, then each trustee's commitment list in index order).
    public static func contextHash(manifestHash: Digest, jointKey: Element, commitments: [[Element]]) -> Digest {
        Digest.of("context") { t in
            t.append(manifestHash)
            t.append(jointKey)
            t.append(commitments.count)
            for c in commitments { t.append(c) }
        }
    }

    /// Context of the proof of knowledge of trustee `trustee`'s coefficient `m`.
    public static func coefficientContext(manifestHash: Digest, trustee: Int, coefficient m: Int) -> [UInt8] {
        Digest.of("coefficient-context") { t in
            t.append(manifestHash)
            t.append(trustee)
            t.append(m)
        }.bytes
    }

    /// What a trustee signs for its commitment entry.
    public static func trusteeCommitmentMessage(manifestHash: Digest, _ c: TrusteeCommitment) -> [UInt8] {
        Digest.of("trustee-commitment") { t in
            t.append(manifestHash)
            t.append(c.trustee)
            t.append(c.commitments)
            for p in c.proofs {
                t.append(p.challenge)
                t.append(p.response)
            }
            t.append(c.shares.count)
            for s in c.shares {
                t.append(s.recipient)
                t.append(bytes: s.box.bytes)
            }
        }.bytes
    }

    /// What a dealer signs inside each sealed share: the share bound to dealer and recipient.
    public static func keyShareMessage(manifestHash: Digest, dealer: Int, recipient: Int, share: Scalar) -> [UInt8] {
        Digest.of("key-share") { t in
            t.append(manifestHash)
            t.append(dealer)
            t.append(recipient)
            t.append(share)
        }.bytes
    }

    /// What the accuser signs for a complaint.
    public static func complaintMessage(manifestHash: Digest, _ c: Complaint) -> [UInt8] {
        Digest.of("complaint") { t in
            t.append(manifestHash)
            t.append(c.accuser)
            t.append(c.accused)
            t.append(c.share)
            t.append(bytes: c.shareSignature.bytes)
        }.bytes
    }

    /// What the credential authority signs for a precinct's list.
    public static func credentialListMessage(manifestHash: Digest, precinct: String, credentials: [Element]) -> [UInt8] {
        signedCredentials("credential-list", manifestHash: manifestHash, precinct: precinct, credentials: credentials)
    }

    /// H32(tag, manifest hash, precinct id, [credentials]): the layout a list and an amendment share.
    private static func signedCredentials(_ tag: String, manifestHash: Digest, precinct: String, credentials: [Element]) -> [UInt8] {
        Digest.of(tag) { t in
            t.append(manifestHash)
            t.append(precinct)
            t.append(credentials)
        }.bytes
    }

    /// What the credential authority signs to add credentials to a precinct's list.
    public static func credentialAmendmentMessage(manifestHash: Digest, precinct: String, credentials: [Element]) -> [UInt8] {
        signedCredentials("credential-amendment", manifestHash: manifestHash, precinct: precinct, credentials: credentials)
    }

    /// What the credential authority signs to revoke a credential and list its replacement.
    public static func credentialRevocationMessage(
        manifestHash: Digest, precinct: String, revoked: Element, replacement: Element
    ) -> [UInt8] {
        Digest.of("credential-revocation") { t in
            t.append(manifestHash)
            t.append(precinct)
            t.append(revoked)
            t.append(replacement)
        }.bytes
    }

    /// Context of the 0/1 proof for option `option` of `question` on a ballot with `credential`.
    public static func selectionContext(contextHash: Digest, credential: Element, question: String, option: Int) -> [UInt8] {
        Digest.of("selection-context") { t in
            t.append(contextHash)
            t.append(credential)
            t.append(question)
            t.append(option)
        }.bytes
    }

    /// Context of the selection-count proof of `question` on a ballot with `credential`.
    public static func countContext(contextHash: Digest, credential: Element, question: String) -> [UInt8] {
        Digest.of("count-context") { t in
            t.append(contextHash)
            t.append(credential)
            t.append(question)
        }.bytes
    }

    /// The ballot hash (ballot id): everything on the ballot except its signatures.
    public static func ballotHash(contextHash: Digest, _ b: EncryptedBallot) -> Digest {
        Digest.of("ballot") { t in
            t.append(contextHash)
            t.append(b.electionId)
            t.append(b.precinct)
            t.append(b.channel.rawValue)
            t.append(b.credential)
            t.append(b.device ?? "")
            t.append(b.answers.count)
            for a in b.answers {
                t.append(a.question)
                t.append(a.selections.count)
                for s in a.selections {
                    s.ciphertext.append(to: &t)
                    appendRange(s.proof, to: &t)
                }
                appendRange(a.countProof, to: &t)
            }
        }
    }

    private static func appendRange(_ p: RangeProof, to t: inout Transcript) {
        t.append(p.challenges.count)
        for c in p.challenges { t.append(c) }
        t.append(p.commitments)
        t.append(p.responses.count)
        for r in p.responses { t.append(r) }
    }

    /// What a device signs (Ed25519) for a ballot it submits.
    public static func deviceMessage(ballotHash: Digest) -> [UInt8] {
        Digest.of("device-ballot") { $0.append(ballotHash) }.bytes
    }

    /// What the board signs for the close marker: the hash of the entry before it and the time.
    public static func closeMessage(manifestHash: Digest, previous: Digest, closedAt: Int64) -> [UInt8] {
        Digest.of("close") { t in
            t.append(manifestHash)
            t.append(previous)
            t.append(Int(closedAt))
        }.bytes
    }

    /// The hash of the encrypted tally, which decryption shares name.
    public static func tallyHash(contextHash: Digest, _ tally: EncryptedTally) -> Digest {
        Digest.of("tally") { t in
            t.append(contextHash)
            t.append(tally.cells.count)
            for c in tally.cells {
                t.append(c.precinct)
                t.append(c.channel.rawValue)
                t.append(c.ballots)
                t.append(c.questions.count)
                for q in c.questions {
                    t.append(q.question)
                    t.append(q.sums.count)
                    for s in q.sums { s.append(to: &t) }
                }
            }
            // Merged aggregates (section 6.3) add a tail; a tally without any hashes as in version 1.
            let merged = tally.cells.enumerated().filter { $0.element.members != nil }
            if !merged.isEmpty {
                t.append(merged.count)
                for (position, c) in merged {
                    t.append(position)
                    t.append(c.members!.count)
                    for m in c.members! {
                        t.append(m.precinct)
                        t.append(m.channel.rawValue)
                        t.append(m.ballots)
                    }
                }
            }
        }
    }

    /// Context of trustee `trustee`'s Chaum-Pedersen proof for tally ciphertext `position`.
    public static func decryptionContext(contextHash: Digest, tallyHash: Digest, trustee: Int, position: Int) -> [UInt8] {
        Digest.of("decryption-context") { t in
            t.append(contextHash)
            t.append(tallyHash)
            t.append(trustee)
            t.append(position)
        }.bytes
    }

    /// What trustee `trustee` signs (Ed25519) for its decryption shares.
    public static func decryptionSharesMessage(contextHash: Digest, _ d: DecryptionShares) -> [UInt8] {
        Digest.of("decryption-shares") { t in
            t.append(contextHash)
            t.append(d.tallyHash)
            t.append(d.trustee)
            t.append(d.partials.count)
            for p in d.partials {
                t.append(p.share)
                t.append(p.proof.challenge)
                t.append(p.proof.response)
            }
        }.bytes
    }

    /// The short tracking code a voter sees: the ballot hash's first 10 bytes in Crockford base32, grouped.
    public static func trackingCode(_ ballotHash: Digest) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var bits: UInt128 = 0
        for b in ballotHash.bytes.prefix(10) { bits = bits << 8 | UInt128(b) }
        var chars = [Character]()
        for i in stride(from: 75, through: 0, by: -5) { chars.append(alphabet[Int((bits >> UInt128(i)) & 31)]) }
        return stride(from: 0, to: 16, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: "-")
    }
}

extension Digest {
    /// An election's fingerprint as people compare it (letter, booth, observers' page): the first
    /// 16 hex digits of its manifest hash in groups of four, "3f9a 12bc 77de 0a41".
    public var fingerprint: String {
        let head = Array(hex.prefix(16))
        return stride(from: 0, to: head.count, by: 4).map { String(head[$0..<$0 + 4]) }.joined(separator: " ")
    }
}
