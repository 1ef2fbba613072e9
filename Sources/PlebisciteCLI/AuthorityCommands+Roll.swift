import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// The authority's key, checked against the manifest of the record it works on.
struct AuthorityKeyOptions: ParsableArguments {
    @Option(help: "The authority key file.") var key: String
    @OptionGroup var passphrase: PassphraseOptions

    /// The authority, once its key opens and is the manifest's credential authority.
    func authority(for manifest: Manifest) throws -> CredentialAuthority {
        let file = try KeyFile<SigningSecret, PublicIdentity>.load(key, kind: "authority")
        let secret = try file.open(passphrase: try passphrase.passphrase(), path: key)
        let signing = try Ed25519.SigningKey(seed: secret.seed.bytes)
        guard signing.publicKey == manifest.credentialAuthority else {
            throw StepFailure("this authority key is not the manifest's credential authority")
        }
        return CredentialAuthority(signingKey: signing)
    }
}

/// Reading and writing the authority's private files (mode 600).
enum AuthorityFiles {
    /// Appends issued secrets to a credentials CSV (voter_id,precinct,credential), creating it with its header.
    static func appendCredentials(_ issued: [CredentialAuthority.Issued], to path: String) throws {
        var text = FileManager.default.fileExists(atPath: path) ? "" : "voter_id,precinct,credential\n"
        for i in issued { text += "\(i.voterId),\(i.precinct),\(i.credential.text)\n" }
        try append(text, to: path)
    }

    /// The register's path: as given, or register.csv beside the credentials file.
    static func registerPath(_ given: String?, besides credentials: String) -> String {
        given ?? URL(fileURLWithPath: credentials).deletingLastPathComponent().appendingPathComponent("register.csv").path
    }

    static func register(_ path: String) throws -> CredentialRegister {
        guard FileManager.default.fileExists(atPath: path) else { return CredentialRegister() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StepFailure("cannot read \(path) as UTF-8 text") }
        do { return try CredentialRegister(csv: text) } catch { throw StepFailure("\(path): \(error)") }
    }

    static func writeRegister(_ register: CredentialRegister, to path: String) throws {
        try Data(register.csv.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o600)
    }

    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StepFailure("cannot create \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw StepFailure("cannot write \(path)") }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch { throw StepFailure("cannot write \(path): \(error)") }
    }
}

extension PlebisciteCommand.AuthorityCommand {
    /// `plebiscite authority amend`: voters added to the roll during the election.
    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue credentials to voters added to the roll, and sign the amendments that list them.",
            discussion:
                "Before the close. The new secrets are appended to --credentials-out, the voters to the register; publish the amendments with `plebiscite publish`."
        )
        @OptionGroup var authorityKey: AuthorityKeyOptions
        @OptionGroup var record: RecordOptions
        @Option(help: "The voters to add (CSV voter_id,precinct).") var roll: String
        @Option(help: "The secret credentials file to append to (CSV).") var credentialsOut = "credentials.csv"
        @Option(help: "The authority's register (voter, precinct, public credential), appended to (default: beside the credentials).")
        var register: String?
        @Option(help: "Where to write the signed amendments (JSON, to publish).") var amendmentsOut = "amendments.json"

        func run() async throws {
            let state = try await record.state()
            guard state.close == nil else { throw StepFailure("the election is closed: the roll can no longer change") }
            guard let text = try? String(contentsOfFile: roll, encoding: .utf8) else {
                throw StepFailure("cannot read \(roll) as UTF-8 text")
            }
            let voters: VoterRoll
            do { voters = try VoterRoll(csv: text, manifest: state.manifest) } catch { throw StepFailure("\(roll): \(error)") }
            let register = AuthorityFiles.registerPath(self.register, besides: credentialsOut)
            var known = try AuthorityFiles.register(register)
            if let twice = voters.voters.first(where: { known.latest(of: $0.id) != nil }) {
                throw StepFailure("voter \(twice.id) already holds a credential (\(register)); revoke it instead to replace it")
            }
            let authority = try authorityKey.authority(for: state.manifest)
            let (amendments, issued) = authority.amend(adding: voters.voters, manifest: state.manifest, manifestHash: state.manifestHash)
            try AuthorityFiles.appendCredentials(issued, to: credentialsOut)
            known.add(issued)
            try AuthorityFiles.writeRegister(known, to: register)
            try Files.write(amendments.map { EntryPayload.credentialAmendment($0) }, to: amendmentsOut)
            print(
                "Issued \(issued.count) credentials in \(amendments.count) precinct(s): secrets appended to \(credentialsOut), amendments in \(amendmentsOut)."
            )
            print("Next: plebiscite publish \(amendmentsOut) --record \(record.record)")
        }
    }

    /// `plebiscite authority revoke`: a voter identified in person gets a fresh credential.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a voter's credential (lost, or taken by someone else) and issue a replacement in the same precinct.",
            discussion:
                "For a voter identified in person by their documents. Ballots of the revoked credential never count; later ones are refused. Publish the revocation with `plebiscite publish`, then hand over the new credential."
        )
        @OptionGroup var authorityKey: AuthorityKeyOptions
        @OptionGroup var record: RecordOptions
        @Option(help: "The voter's id on the roll.") var voter: String
        @Option(help: "The authority's register, where the voter's credential is found (default: beside the credentials).")
        var register: String?
        @Option(help: "The secret credentials file to append the replacement to (CSV).") var credentialsOut = "credentials.csv"
        @Option(help: "Where to write the signed revocation (JSON, to publish).") var revocationOut = "revocation.json"

        func run() async throws {
            let state = try await record.state()
            guard state.close == nil else { throw StepFailure("the election is closed: the roll can no longer change") }
            let register = AuthorityFiles.registerPath(self.register, besides: credentialsOut)
            var known = try AuthorityFiles.register(register)
            guard let line = known.latest(of: voter) else { throw StepFailure("voter \(voter) is not in the register \(register)") }
            let registry = state.registry
            guard registry.precinctOf[line.credential] == line.precinct else {
                throw StepFailure("voter \(voter)'s credential is on no published list of precinct \(line.precinct): publish it first")
            }
            guard !registry.revoked.contains(line.credential) else {
                throw StepFailure("voter \(voter)'s credential \(line.credential.hex.prefix(16))... is already revoked")
            }
            let authority = try authorityKey.authority(for: state.manifest)
            let (revocation, issued) = authority.revoke(
                line.credential, voterId: voter, precinct: line.precinct, manifest: state.manifest, manifestHash: state.manifestHash)
            try AuthorityFiles.appendCredentials([issued], to: credentialsOut)
            known.add([issued])
            try AuthorityFiles.writeRegister(known, to: register)
            try Files.write([EntryPayload.credentialRevocation(revocation)], to: revocationOut)
            print(
                "Revoked \(line.credential.hex.prefix(16))... of voter \(voter) in precinct \(line.precinct); revocation in \(revocationOut)."
            )
            print("Replacement credential (hand it to the voter only once the revocation is published): \(issued.credential.text)")
            print("Next: plebiscite publish \(revocationOut) --record \(record.record)")
        }
    }
}
