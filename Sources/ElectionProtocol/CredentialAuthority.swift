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

extension CredentialAuthority {
    /// Issues credentials for voters added during the election: one signed amendment per precinct
    /// that gains voters (manifest precinct order), and the secrets to distribute.
    public func amend(
        adding voters: [VoterRoll.Voter], manifest: Manifest, manifestHash: Digest
    ) -> (amendments: [CredentialAmendment], issued: [Issued]) {
        let issued = voters.map {
            Issued(voterId: $0.id, precinct: $0.precinct, credential: VoterCredential.generate(electionId: manifest.electionId))
        }
        let byPrecinct = Dictionary(grouping: issued, by: \.precinct)
        let amendments = manifest.precincts.compactMap { p -> CredentialAmendment? in
            guard let added = byPrecinct[p.id] else { return nil }
            let creds = added.map(\.credential.publicKey).sorted { $0.hex < $1.hex }
            let message = ProtocolHashes.credentialAmendmentMessage(manifestHash: manifestHash, precinct: p.id, credentials: creds)
            return CredentialAmendment(precinct: p.id, credentials: creds, signature: signingKey.signature(for: message))
        }
        return (amendments, issued)
    }

    /// Revokes `credential` of a voter identified in person, and issues the voter a fresh one in the
    /// same precinct: the signed revocation to publish and the new secret to hand over.
    public func revoke(
        _ credential: Element, voterId: String, precinct: String, manifest: Manifest, manifestHash: Digest
    ) -> (revocation: CredentialRevocation, issued: Issued) {
        let fresh = VoterCredential.generate(electionId: manifest.electionId)
        let message = ProtocolHashes.credentialRevocationMessage(
            manifestHash: manifestHash, precinct: precinct, revoked: credential, replacement: fresh.publicKey)
        return (
            CredentialRevocation(
                precinct: precinct, revoked: credential, replacement: fresh.publicKey, signature: signingKey.signature(for: message)),
            Issued(voterId: voterId, precinct: precinct, credential: fresh)
        )
    }
}

/// The authority's register: which public credential each voter holds (CSV
/// `voter_id,precinct,public_credential`, one line per credential issued, the latest last). It holds
/// no secret, but it links voters to the ballots of their credentials on the board: the authority
/// keeps it private, for revocations (docs/THREATS.md).
public struct CredentialRegister: Sendable {
    public struct Line: Sendable, Equatable {
        public var voterId: String
        public var precinct: String
        public var credential: Element
    }

    public private(set) var lines: [Line]

    public init(lines: [Line] = []) { self.lines = lines }

    public static let header = "voter_id,precinct,public_credential"

    /// Reads a register; a malformed line is named.
    public init(csv: String) throws(VoterRoll.ParseError) {
        let rows = csv.split(whereSeparator: \.isNewline).map(String.init)
        guard let first = rows.first else { throw .empty }
        guard first == Self.header else { throw .badHeader(first) }
        var lines = [Line]()
        for (i, row) in rows.enumerated().dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, !f[0].isEmpty, let c = try? Element(hex: f[2]) else {
                throw .badLine(line: i + 1, reason: "expected voter_id,precinct,public credential (64 hex digits)")
            }
            lines.append(Line(voterId: f[0], precinct: f[1], credential: c))
        }
        self.lines = lines
    }

    public mutating func add(_ issued: [CredentialAuthority.Issued]) {
        lines += issued.map { Line(voterId: $0.voterId, precinct: $0.precinct, credential: $0.credential.publicKey) }
    }

    /// The voter's latest credential.
    public func latest(of voterId: String) -> Line? { lines.last { $0.voterId == voterId } }

    public var csv: String {
        ([Self.header] + lines.map { "\($0.voterId),\($0.precinct),\($0.credential.hex)" }).joined(separator: "\n") + "\n"
    }
}
