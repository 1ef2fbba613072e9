import ArgumentParser
import BoardAPI
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// Writes `DIR/ID.key.json` (encrypted) and `DIR/ID.pub.json`, refusing to overwrite a key.
func writeIdentity<S: Codable>(
    kind: String, id: String, dir: String, publicIdentity: PublicIdentity, secret: S, passphrase: PassphraseOptions
) throws {
    let keyPath = "\(dir)/\(id).key.json", pubPath = "\(dir)/\(id).pub.json"
    guard !FileManager.default.fileExists(atPath: keyPath) else { throw StepFailure("\(keyPath) exists: refusing to overwrite a key") }
    let file = try KeyFile<S, PublicIdentity>.create(
        kind: kind, id: id, publicPart: publicIdentity, secret: secret, passphrase: try passphrase.passphrase(confirm: true))
    try file.write(to: keyPath)
    try Files.write(publicIdentity, to: pubPath)
    print("Wrote \(keyPath) (secret, encrypted) and \(pubPath) (give this one to the administrator).")
}

func validateId(_ id: String) throws {
    guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
        throw ValidationError("an id is 1 to 64 letters, digits, '-' or '_'")
    }
}

extension PlebisciteCommand {
    /// `plebiscite authority ...`: the credential authority's steps.
    struct AuthorityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "authority",
            abstract: "Credential authority: create its key, issue credentials from a voter roll, amend the roll, revoke and replace.",
            subcommands: [Init.self, Issue.self, Letters.self, Amend.self, Revoke.self])

        struct Init: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create the authority's signing key.")
            @Option(help: "Authority id.") var id = "authority"
            @Option(help: "Directory for the key files.") var out = "."
            @OptionGroup var passphrase: PassphraseOptions
            func validate() throws { try validateId(id) }
            func run() throws {
                let key = Ed25519.SigningKey()
                try writeIdentity(
                    kind: "authority", id: id, dir: out,
                    publicIdentity: PublicIdentity(kind: "authority", id: id, signingKey: key.publicKey),
                    secret: SigningSecret(seed: HexBytes(key.seed)), passphrase: passphrase)
            }
        }

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Issue one credential per voter and sign the per-precinct public lists.",
                discussion:
                    "Writes the secret credentials (CSV: voter_id,precinct,credential) for distribution out of band, and the signed lists to publish with `plebiscite publish`."
            )
            @Option(help: "The authority key file.") var key: String
            @OptionGroup var record: RecordOptions
            @Option(help: "Voter roll CSV with header voter_id,precinct.") var roll: String
            @Option(help: "Where to write the secret credentials (CSV).") var credentialsOut = "credentials.csv"
            @Option(help: "Where to write the signed public lists (JSON, to publish).") var listsOut = "credential-lists.json"
            @Option(
                help:
                    "Where to write the authority's register: voter, precinct, public credential (private; for revocations; default: register.csv beside the credentials)."
            )
            var register: String?
            @Flag(help: "Overwrite an existing credentials file (its credentials are lost unless they were sent out).") var force = false
            @OptionGroup var passphrase: PassphraseOptions

            func run() async throws {
                guard force || !FileManager.default.fileExists(atPath: credentialsOut) else {
                    throw StepFailure(
                        "\(credentialsOut) exists: refusing to overwrite issued credentials (give --force, or another --credentials-out)")
                }
                let state = try await record.state()
                let file = try KeyFile<SigningSecret, PublicIdentity>.load(key, kind: "authority")
                let secret = try file.open(passphrase: try passphrase.passphrase(), path: key)
                let signing = try Ed25519.SigningKey(seed: secret.seed.bytes)
                guard signing.publicKey == state.manifest.credentialAuthority else {
                    throw StepFailure("this authority key is not the manifest's credential authority")
                }
                guard let text = try? String(contentsOfFile: roll, encoding: .utf8) else {
                    throw StepFailure("cannot read \(roll) as UTF-8 text")
                }
                let voterRoll: VoterRoll
                do { voterRoll = try VoterRoll(csv: text, manifest: state.manifest) } catch { throw StepFailure("\(roll): \(error)") }
                let (lists, issued) = CredentialAuthority(signingKey: signing).issue(
                    roll: voterRoll, manifest: state.manifest, manifestHash: state.manifestHash)
                var csv = "voter_id,precinct,credential\n"
                for i in issued { csv += "\(i.voterId),\(i.precinct),\(i.credential.text)\n" }
                try Data(csv.utf8).write(to: URL(fileURLWithPath: credentialsOut), options: .atomic)
                chmod(credentialsOut, 0o600)
                try Files.write(lists.map { EntryPayload.credentialList($0) }, to: listsOut)
                var known = CredentialRegister()
                known.add(issued)
                try AuthorityFiles.writeRegister(known, to: AuthorityFiles.registerPath(register, besides: credentialsOut))
                print(
                    "Issued \(issued.count) credentials in \(lists.count) precincts: secrets in \(credentialsOut), public lists in \(listsOut)."
                )
            }
        }
    }

    /// `plebiscite device init`: a polling-station or mobile device key.
    struct DeviceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "device", abstract: "Voting devices: create a device key, collect ballots offline, upload them.",
            subcommands: [Init.self, Collect.self, Upload.self])

        struct Init: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a device's signing key.")
            @Option(help: "Device id.") var id: String
            @Option(help: "The device's channel (remote ballots come from voters' own clients, not devices).") var channel: DeviceChannel
            @Option(help: "Directory for the key files.") var out = "."
            @OptionGroup var passphrase: PassphraseOptions
            func validate() throws { try validateId(id) }
            func run() throws {
                let key = Ed25519.SigningKey()
                try writeIdentity(
                    kind: "device", id: id, dir: out,
                    publicIdentity: PublicIdentity(kind: "device", id: id, signingKey: key.publicKey, channel: channel.channel),
                    secret: SigningSecret(seed: HexBytes(key.seed)), passphrase: passphrase)
            }
        }
    }

    /// `plebiscite election ...`: the administrator's setup steps.
    struct ElectionCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "election", abstract: "Administrator: create the election, finish the key ceremony.",
            subcommands: [Create.self, FinishCeremony.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the manifest from a spec file and start the record; create the board key.",
                discussion: """
                    The spec names the trustees', credential authority's and devices' .pub.json files; trustee indices follow \
                    their order. Every field, its default and a complete example: docs/ELECTION.md.
                    """)
            @Option(help: "The election spec (JSON).") var spec: String
            @OptionGroup var record: RecordOptions
            @Option(help: "Where to write the board's key file (encrypted); not used on a board server, which has its own key.")
            var boardKey = "board.key.json"
            @Option(help: "On a board: where to write the administrator's and trustees' tokens (kept secret, mode 600).")
            var tokensOut = "tokens.json"
            @OptionGroup var passphrase: PassphraseOptions

            func run() async throws {
                let s = try Files.read(ElectionSpec.self, spec, what: "election spec")
                let base = URL(fileURLWithPath: spec).deletingLastPathComponent()
                func identity(_ path: String, kind: String) throws -> PublicIdentity {
                    let full = path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
                    let id = try Files.read(PublicIdentity.self, full, what: "public identity file")
                    guard id.kind == kind else { throw StepFailure("\(path) is a \(id.kind) file, a \(kind) file was expected") }
                    return id
                }
                let trustees = try s.trustees.enumerated().map { i, p -> TrusteeDescriptor in
                    let t = try identity(p, kind: "trustee")
                    guard let x = t.exchangeKey, x.bytes.count == 32 else { throw StepFailure("\(p) has no 32-byte exchange key") }
                    return TrusteeDescriptor(id: t.id, index: i + 1, signingKey: t.signingKey, exchangeKey: x.bytes)
                }
                let devices = try (s.devices ?? []).map { p -> DeviceDescriptor in
                    let d = try identity(p, kind: "device")
                    guard let ch = d.channel else { throw StepFailure("\(p) names no channel") }
                    return DeviceDescriptor(id: d.id, channel: ch, signingKey: d.signingKey)
                }
                let board = Ed25519.SigningKey()
                var boardPublic = board.publicKey
                if let loc = record.location {
                    guard loc.electionId == s.electionId else {
                        throw StepFailure("the URL names election \(loc.electionId), the spec \(s.electionId)")
                    }
                    boardPublic = try await record.withBoard { client, _ in try await client.info().boardKey }
                }
                let manifest = s.manifest(
                    trustees: trustees, credentialAuthority: try identity(s.credentialAuthority, kind: "authority").signingKey,
                    devices: devices,
                    boardKey: boardPublic)
                let problems = manifest.problems()
                guard problems.isEmpty else {
                    throw StepFailure("the spec is not a valid election:\n  " + problems.joined(separator: "\n  "))
                }
                if record.location != nil {
                    let token = try record.bearer("creating an election (the operator token `plebiscite serve` printed)")
                    let bytes = try RecordCoding.encode(manifest, pretty: true)
                    let created = try await record.withBoard { client, _ in
                        try await client.createElection(manifestBytes: bytes, operatorToken: token)
                    }
                    try Files.write(created, to: tokensOut)
                    chmod(tokensOut, 0o600)
                    print(
                        "Election \(s.electionId) created on \(record.record) (manifest hash \(ProtocolHashes.manifestHash(bytes))).")
                    print(
                        "Tokens in \(tokensOut): adminToken for the administrator, trusteeTokens[i] for trustee i; hand them out privately."
                    )
                    print("Next: each trustee runs `plebiscite trustee commit --record \(record.record) --token TRUSTEE_TOKEN`.")
                    return
                }
                guard !FileManager.default.fileExists(atPath: boardKey) else {
                    throw StepFailure("\(boardKey) exists: refusing to overwrite a key")
                }
                let file = try KeyFile<SigningSecret, PublicIdentity>.create(
                    kind: "board", id: s.electionId,
                    publicPart: PublicIdentity(kind: "board", id: s.electionId, signingKey: board.publicKey),
                    secret: SigningSecret(seed: HexBytes(board.seed)), passphrase: try passphrase.passphrase(confirm: true))
                let bytes = try RecordCoding.encode(manifest, pretty: true)
                do { _ = try FileBoard.create(at: record.directory, manifestBytes: bytes, at: try Files.instant(nil)) } catch {
                    throw StepFailure("\(error)")
                }
                try file.write(to: boardKey)
                print(
                    "Election \(s.electionId) created in \(record.record) (manifest hash \(ProtocolHashes.manifestHash(bytes))). Board key: \(boardKey)."
                )
                print("Next: each trustee runs `plebiscite trustee commit`, and you `plebiscite publish` their files.")
            }
        }

        struct FinishCeremony: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "finish-ceremony", abstract: "Publish the joint key once every trustee committed and none complained.")
            @OptionGroup var record: RecordOptions

            func run() async throws {
                let state = try await record.state()
                // The joint key the commitments give; the acceptance rules refuse it while a trustee has
                // not committed, after a complaint, or when the ceremony is already finished.
                let indices = state.manifest.trustees.map(\.index).sorted()
                let all = indices.map { i in state.commitments.first { $0.trustee == i }?.commitments ?? [] }
                let context = ElectionContext(manifest: state.manifest, manifestHash: state.manifestHash, commitments: all)
                try await record.publish(
                    [
                        .keyCeremony(
                            KeyCeremonyResult(
                                jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
                    ], step: "finishing the key ceremony")
                print("Key ceremony finished. Joint key \(context.jointKey.hex); context hash \(context.contextHash).")
            }
        }
    }
}

extension Channel: ExpressibleByArgument {}

/// The channels a device can have: its --channel offers only these.
enum DeviceChannel: String, ExpressibleByArgument, CaseIterable {
    case station, mobile

    var channel: Channel { self == .station ? .station : .mobile }
}
