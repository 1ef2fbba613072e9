import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

extension PlebisciteCommand {
    /// `plebiscite trustee ...`: each runs on the trustee's own machine, on its own key file.
    struct TrusteeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trustee",
            abstract: "Trustee steps: create keys, commit, accept shares, decrypt the tally.",
            discussion: "Trustee secrets never leave the key file, which is encrypted under the trustee's passphrase.",
            subcommands: [Init.self, Commit.self, Accept.self, Decrypt.self])

        static func load(_ path: String, _ passphrase: PassphraseOptions) throws -> (
            KeyFile<TrusteeSecret, PublicIdentity>, TrusteeSecret, Trustee, String
        ) {
            let file = try KeyFile<TrusteeSecret, PublicIdentity>.load(path, kind: "trustee")
            let pass = try passphrase.passphrase()
            let secret = try file.open(passphrase: pass, path: path)
            let trustee = try Trustee(id: file.id, signingSeed: secret.signingSeed.bytes, exchangeSecret: secret.exchangeSecret.bytes)
            return (file, secret, trustee, pass)
        }

        struct Init: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a trustee's signing and exchange keys.")
            @Option(help: "Trustee id.") var id: String
            @Option(help: "Directory for the key files.") var out = "."
            @OptionGroup var passphrase: PassphraseOptions
            func validate() throws { try validateId(id) }
            func run() throws {
                let t = Trustee(id: id)
                try writeIdentity(
                    kind: "trustee", id: id, dir: out,
                    publicIdentity: PublicIdentity(
                        kind: "trustee", id: id, signingKey: t.signingKey.publicKey, exchangeKey: HexBytes(t.exchangeKey.publicKey)),
                    secret: TrusteeSecret(signingSeed: HexBytes(t.signingKey.seed), exchangeSecret: HexBytes(t.exchangeKey.secretKey)),
                    passphrase: passphrase)
            }
        }

        struct Commit: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Round 1: commit to a random polynomial and seal a share to every trustee.")
            @Option(help: "The trustee key file.") var key: String
            @OptionGroup var record: RecordOptions
            @Option(help: "Where to write the commitment (to publish).") var out = "commitment.json"
            @Flag(help: "Commit afresh although --out holds a commitment that is not in the record yet.") var force = false
            @OptionGroup var passphrase: PassphraseOptions

            func run() async throws {
                let state = try await record.state()
                let (file, _, trustee, _) = try TrusteeCommand.load(key, passphrase)
                let index = state.manifest.trustees.first { $0.signingKey == trustee.signingKey.publicKey }?.index
                if let index, state.commitments.contains(where: { $0.trustee == index }) {
                    throw StepFailure("trustee \(index) (\(file.id)) has already committed in the record: a second commitment is refused")
                }
                // A commitment written before but not published yet: a new polynomial would replace it, and
                // the shares other trustees may already hold from it would no longer match.
                if !force, FileManager.default.fileExists(atPath: out),
                    let earlier = try? Files.read([EntryPayload].self, out, what: "commitment file"),
                    earlier.contains(where: { if case .trusteeCommitment(let c) = $0 { c.trustee == index } else { false } })
                {
                    throw StepFailure(
                        "\(out) holds trustee \(index ?? 0)'s commitment, not yet in the record: publish it (`plebiscite publish \(out)`), or give --force to replace it"
                    )
                }
                let c: TrusteeCommitment
                do { c = try trustee.commit(manifest: state.manifest, manifestHash: state.manifestHash) } catch {
                    throw StepFailure("\(error)")
                }
                try await record.handOver([.trusteeCommitment(c)], to: out, step: "the commitment of trustee \(c.trustee)")
            }
        }

        struct Accept: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Round 2: open and check the shares sent to this trustee; keep the secret share or write complaints.")
            @Option(help: "The trustee key file (the secret share is added to it).") var key: String
            @OptionGroup var record: RecordOptions
            @Option(help: "Where to write complaints, if any (to publish).") var complaintsOut = "complaints.json"
            @OptionGroup var passphrase: PassphraseOptions

            func run() async throws {
                let state = try await record.state()
                let (file, secret, trustee, pass) = try TrusteeCommand.load(key, passphrase)
                let outcome: ShareOutcome
                do {
                    outcome = try trustee.receiveShares(
                        manifest: state.manifest, manifestHash: state.manifestHash, commitments: state.commitments)
                } catch {
                    throw StepFailure("\(error)")
                }
                switch outcome {
                case .accepted(let share):
                    var updated = secret
                    updated.secretShare = share
                    updated.manifestHash = state.manifestHash
                    try KeyFile<TrusteeSecret, PublicIdentity>.create(
                        kind: "trustee", id: file.id, publicPart: file.publicPart, secret: updated, passphrase: pass
                    )
                    .write(to: key)
                    print("All shares check out. The secret share is stored, encrypted, in \(key).")
                case .complaints(let complaints):
                    print("Bad shares from trustee(s) \(complaints.map(\.accused)): publish the complaints.")
                    try await record.handOver(complaints.map { .complaint($0) }, to: complaintsOut, step: "complaints")
                    throw ExitCode(1)
                }
            }
        }

        struct Decrypt: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Publishable decryption shares of the tally, with proofs.")
            @Option(help: "The trustee key file.") var key: String
            @OptionGroup var record: RecordOptions
            @Option(help: "Where to write the decryption shares (to publish).") var out = "decryption-shares.json"
            @OptionGroup var passphrase: PassphraseOptions
            @OptionGroup var workers: WorkerOptions

            func run() async throws {
                let state = try await record.state()
                let (_, secret, trustee, _) = try TrusteeCommand.load(key, passphrase)
                guard let share = secret.secretShare, secret.manifestHash == state.manifestHash else {
                    throw StepFailure("\(key) holds no secret share for this election: run `plebiscite trustee accept` first")
                }
                guard let tally = state.tally else {
                    throw StepFailure("no tally in the record yet: run `plebiscite tally` after the close")
                }
                // The tally is public data: check it against the ballots before decrypting anything.
                let recomputed = try Tallier.tally(state, workers: workers.count)
                guard recomputed == tally else {
                    throw StepFailure("the published tally does not match the counted ballots: refusing to decrypt it")
                }
                let shares: DecryptionShares
                do {
                    shares = try trustee.decrypt(tally: tally, secretShare: share, context: try state.context(), workers: workers.count)
                } catch {
                    throw StepFailure("\(error)")
                }
                try await record.handOver(
                    [.decryptionShares(shares)], to: out,
                    step: "decryption shares for \(shares.partials.count) tally ciphertexts")
            }
        }
    }

    /// `plebiscite publish FILE...`: the administrator appends checked trustee and authority files.
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append trustee commitments, complaints, credential lists or decryption shares to the record, after checking them.")
        @Argument(help: "Files written by trustee or authority commands.") var files: [String]
        @OptionGroup var record: RecordOptions
        @OptionGroup var workers: WorkerOptions

        func run() async throws {
            for path in files {
                let payloads = try Files.read([EntryPayload].self, path, what: "entry file")
                let indices = try await record.publish(payloads, step: "publishing \(path)", workers: workers.count)
                print("\(path) is in the record: log index \(indices.map(String.init).joined(separator: ", ")).")
            }
        }
    }
}
