import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

extension PlebisciteCommand {
    /// `plebiscite vote`: encrypt locally, optionally challenge, cast, and print the receipt.
    struct Vote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a ballot with your credential and cast it into the record; print the receipt.",
            discussion: """
                Answers are QUESTION=OPTION[,OPTION...] by option name or number; QUESTION= abstains where allowed.
                --challenge first spoils an encryption and shows what it contained (Benaloh audit), then casts a fresh one.
                Voting again with the same credential supersedes your earlier ballot.
                """)
        @OptionGroup var record: RecordOptions
        @Option(help: "Your credential string.") var credential: String
        @Option(help: "Your precinct.") var precinct: String
        @Option(name: .customLong("answer"), help: "QUESTION=OPTION (repeat per question).") var answers: [String] = []
        @Option(help: "station, mobile or remote.") var channel: Channel = .remote
        @Option(help: "Device key file, for station and mobile ballots.") var deviceKey: String?
        @Flag(help: "Challenge one encryption first (it is published as spoiled, never counted).") var challenge = false
        @Option(help: "Time of casting, ISO 8601 (default: now).") var at: String?
        @OptionGroup var passphrase: PassphraseOptions

        func run() throws {
            let state = try record.state()
            let context = try state.context()
            let manifest = state.manifest
            let cred: VoterCredential
            do { cred = try VoterCredential(text: credential, electionId: manifest.electionId) } catch {
                throw ValidationError("credential: \(error)")
            }
            var choices = [String: [Int]]()
            for a in answers {
                let parts = a.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, let q = manifest.question(parts[0]) else {
                    throw ValidationError(
                        "'\(a)' is not QUESTION=OPTION with a question of this election (\(manifest.questions.map(\.id).joined(separator: ", ")))"
                    )
                }
                choices[q.id] = try parts[1].split(separator: ",").map { o in
                    if let i = q.options.firstIndex(of: String(o)) { return i }
                    if let i = Int(o), i >= 0, i < q.options.count { return i }
                    throw ValidationError("question \(q.id) has no option '\(o)' (options: \(q.options.joined(separator: ", ")))")
                }
            }
            var device: (String, Ed25519.SigningKey)?
            if let path = deviceKey {
                let file = try KeyFile<SigningSecret, PublicIdentity>.load(path, kind: "device")
                device = (
                    file.id, try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: path).seed.bytes)
                )
            }
            let time = try Files.instant(at)
            let box = BallotBox(context: context, registry: state.registry, writer: try record.writer(state), state: state)
            let encryptor = BallotEncryptor(context: context)
            func encrypt() throws -> (EncryptedBallot, BallotSecrets) {
                do {
                    return try encryptor.encrypt(precinct: precinct, channel: channel, credential: cred, device: device, choices: choices)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            if challenge {
                let (b, secrets) = try encrypt()
                let spoiled = SpoiledBallot(ballot: b, reveals: secrets.reveals)
                do { _ = try box.spoil(spoiled, at: time) } catch { throw ValidationError("challenge refused: \(error)") }
                let shown = zip(b.answers, spoiled.revealedChoices).map { a, picks in
                    "\(a.question)=" + picks.map { manifest.question(a.question)!.options[$0] }.joined(separator: ",")
                }
                print(
                    "Challenged ballot \(ProtocolHashes.trackingCode(b.hash(contextHash: context.contextHash))) encrypted: \(shown.joined(separator: " ")). It is published as spoiled; anyone can check it."
                )
            }
            let (ballot, _) = try encrypt()
            let receipt: CastReceipt
            do { receipt = try box.cast(ballot, at: time) } catch { throw ValidationError("ballot refused: \(error)") }
            print(
                "Ballot accepted. Tracking code \(receipt.trackingCode); ballot hash \(receipt.ballotHash); log entry \(receipt.seq) (hash \(receipt.entryHash))."
            )
        }
    }

    /// `plebiscite close`: the board's close marker, refused before the window ends.
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the election (not before the voting window ends).")
        @OptionGroup var record: RecordOptions
        @Option(help: "The board key file written by `election create`.") var boardKey = "board.key.json"
        @Option(help: "Closing time, ISO 8601 (default: now).") var at: String?
        @OptionGroup var passphrase: PassphraseOptions

        func run() throws {
            let state = try record.state()
            let file = try KeyFile<SigningSecret, PublicIdentity>.load(boardKey, kind: "board")
            let key = try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: boardKey).seed.bytes)
            guard key.publicKey == state.manifest.boardKey else { throw ValidationError("\(boardKey) is not this election's board key") }
            let box = BallotBox(context: try state.context(), registry: state.registry, writer: try record.writer(state), state: state)
            do { try box.close(at: try Files.instant(at), boardKey: key) } catch { throw ValidationError("\(error)") }
            print("Election closed. Next: plebiscite tally --record \(record.record)")
        }
    }

    /// `plebiscite tally`: aggregate the counted ballots.
    struct TallyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tally", abstract: "Sum the counted ballots per precinct, channel, question and option.")
        @OptionGroup var record: RecordOptions
        @OptionGroup var workers: WorkerOptions

        func run() throws {
            let state = try record.state()
            guard state.tally == nil else { throw ValidationError("the tally is already published") }
            let tally: EncryptedTally
            do { tally = try Tallier.tally(state, workers: workers.count) } catch { throw ValidationError("\(error)") }
            try record.writer(state).append(.tally(tally), at: try Files.instant(nil))
            print(
                "Tally published: \(tally.cells.count) cells, \(tally.ciphertexts.count) ciphertexts. Next: each trustee runs `plebiscite trustee decrypt`."
            )
        }
    }

    /// `plebiscite combine`: check shares, combine any k, publish the result.
    struct Combine: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Combine k valid decryption shares into the result and publish it.")
        @OptionGroup var record: RecordOptions
        @OptionGroup var workers: WorkerOptions

        func run() throws {
            let state = try record.state()
            guard state.result == nil else { throw ValidationError("the result is already published") }
            let (result, rejected) = try { () throws -> (ElectionResult, [CheckFailure]) in
                do { return try Tallier.combine(state, context: try state.context(), workers: workers.count) } catch {
                    throw ValidationError("\(error)")
                }
            }()
            for r in rejected { Terminal.error("rejected: \(r)") }
            try record.writer(state).append(.result(result), at: try Files.instant(nil))
            print(ResultPrinter.results(result.summary, manifest: state.manifest))
            print("Result published (decrypted by trustees \(result.trustees)). Check it: plebiscite verify \(record.record)")
        }
    }
}
