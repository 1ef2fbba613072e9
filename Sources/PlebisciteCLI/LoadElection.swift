import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// A one-question election with real keys, a real ceremony and real credentials, for load runs
/// against a board (the benchmark, the crash and restart tests): one trustee, the credential
/// authority, four precincts, one credential per ballot.
struct LoadElection: Sendable {
    let manifest: Manifest
    let manifestBytes: [UInt8]
    let context: ElectionContext
    /// Everything published before voting, in order: the commitment, the ceremony's result, the credential lists.
    let setup: [EntryPayload]
    let issued: [CredentialAuthority.Issued]
    let lists: [CredentialList]
    /// The one trustee and its commitment: what a run that goes on to decryption needs.
    let trustee: Trustee
    let commitment: TrusteeCommitment

    /// An election on the board with `boardKey`, open from a minute ago for `hours` (or in `window`),
    /// with `voters` credentials.
    init(voters: Int, boardKey: Ed25519.PublicKey, hours: Double = 24, window: VotingWindow? = nil) throws {
        trustee = Trustee(id: "t1")
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let q = Question(id: "q", text: "Yes or no?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        let precincts = (1...4).map { Precinct(id: "p\($0)", name: "P\($0)", questions: ["q"]) }
        let now = Date()
        manifest = Manifest(
            electionId: "load-\(UInt32.random(in: 0..<UInt32.max))", title: "Load run", questions: [q],
            regions: [Region(id: "r", name: "R", precincts: precincts)], channels: [.remote],
            window: window ?? VotingWindow(opens: now.addingTimeInterval(-60), closes: now.addingTimeInterval(hours * 3600)),
            trustees: [
                TrusteeDescriptor(id: "t1", index: 1, signingKey: trustee.signingKey.publicKey, exchangeKey: trustee.exchangeKey.publicKey)
            ],
            threshold: 1, credentialAuthority: authority.signingKey.publicKey, devices: [], boardKey: boardKey)
        manifestBytes = try RecordCoding.encode(manifest, pretty: true)
        let manifestHash = ProtocolHashes.manifestHash(manifestBytes)
        commitment = try trustee.commit(manifest: manifest, manifestHash: manifestHash)
        context = ElectionContext(manifest: manifest, manifestHash: manifestHash, commitments: [commitment.commitments])
        let roll = VoterRoll(voters: (0..<voters).map { VoterRoll.Voter(id: "v\($0)", precinct: "p\($0 % 4 + 1)") })
        (lists, issued) = authority.issue(roll: roll, manifest: manifest, manifestHash: manifestHash)
        setup =
            [
                .trusteeCommitment(commitment),
                .keyCeremony(
                    KeyCeremonyResult(
                        jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash)),
            ] + lists.map { .credentialList($0) }
    }

    var id: String { manifest.electionId }

    /// Voter i's ballot (yes for every third voter), encrypted as the voter's device would.
    /// Complexity: one encryption per ballot, spread over `workers` threads.
    func ballots(workers: Int, progress: ProgressBar? = nil) throws -> [EncryptedBallot] {
        let encryptor = BallotEncryptor(context: context)
        let sealed = Parallel.map(Array(issued.indices), workers: workers) { i -> EncryptedBallot? in
            defer { progress?.advance() }
            return try? encryptor.encrypt(
                precinct: issued[i].precinct, channel: .remote, credential: issued[i].credential, choices: ["q": [i % 3 == 0 ? 1 : 0]]
            ).ballot
        }
        let ballots = sealed.compactMap { $0 }
        guard ballots.count == issued.count else { throw LoadElectionError.encryptionFailed }
        return ballots
    }

    /// The credentials as the board registers them.
    var registry: CredentialRegistry {
        var r = CredentialRegistry()
        for l in lists { r.add(l) }
        return r
    }
}

enum LoadElectionError: Error, CustomStringConvertible {
    case encryptionFailed
    var description: String { "a load-run ballot could not be encrypted" }
}
