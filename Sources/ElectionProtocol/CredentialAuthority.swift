import ElectionRecord
import Ristretto

/// The independent authority that issues one secret credential per eligible voter and publishes,
/// per precinct, the signed sorted list of public credentials.
public struct CredentialAuthority: Sendable {
    public let signingKey: Ed25519.SigningKey

    public init(signingKey: Ed25519.SigningKey) { self.signingKey = signingKey }

    /// A credential handed to one voter (out of band; the authority may then forget it).
    public struct Issued: Sendable {
        public var voterId: String
        public var precinct: String
        public var credential: VoterCredential
    }

    /// Issues credentials for the roll. Returns the signed public lists (manifest precinct order)
    /// and the secrets to distribute. Complexity: one fixed-base multiplication per voter.
    public func issue(roll: VoterRoll, manifest: Manifest, manifestHash: Digest) -> (lists: [CredentialList], issued: [Issued]) {
        let issued = Parallel.map(roll.voters, workers: Parallel.cores) { v in
            Issued(voterId: v.id, precinct: v.precinct, credential: VoterCredential.generate(electionId: manifest.electionId))
        }
        let byPrecinct = Dictionary(grouping: issued, by: \.precinct)
        let lists = manifest.precincts.map { p -> CredentialList in
            let creds = (byPrecinct[p.id] ?? []).map(\.credential.publicKey).sorted { $0.hex < $1.hex }
            let message = ProtocolHashes.credentialListMessage(manifestHash: manifestHash, precinct: p.id, credentials: creds)
            return CredentialList(precinct: p.id, credentials: creds, signature: signingKey.signature(for: message))
        }
        return (lists, issued)
    }
}
