import ArgumentParser
import BoardAPI
import BoardClient
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// `--at` moves the board's clock of a record directory: only in a declared simulation, never on a board.
func validateClock(at: String?, simulate: Bool, record: RecordOptions) throws {
    guard at != nil else { return }
    if record.location != nil { throw ValidationError("--at has no effect on a board: the board's clock decides") }
    if !simulate {
        throw ValidationError("--at sets the record's clock away from the real one: add --simulate if this is a simulation or a test")
    }
}

extension PlebisciteCommand {
    /// `plebiscite vote`: encrypt locally, optionally challenge, cast, and print the receipt.
    struct Vote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a ballot with your credential and cast it into the record; print the receipt.",
            discussion: """
                Answers are QUESTION=OPTION[,OPTION...] by option name or number; QUESTION= abstains where allowed.
                --challenge first spoils an encryption and shows what it contained (Benaloh audit), then casts a fresh one.
                Voting again with the same credential supersedes your earlier ballot.
                """)
        @OptionGroup var record: RecordOptions
        @Option(help: "Your credential string.") var credential: String
        @Option(help: "Your precinct (optional: the credential's list says which; given, it is checked).") var precinct: String?
        @Option(
            name: .customLong("answer"),
            help:
                "QUESTION=OPTION[,OPTION...] (repeat per question); an option by its name or its number, counted from 0 in the manifest's order."
        ) var answers: [String] = []
        @Option(help: "station, mobile or remote.") var channel: Channel = .remote
        @Option(help: "Device key file, for station and mobile ballots.") var deviceKey: String?
        @Flag(help: "Challenge one encryption first (it is published as spoiled, never counted).") var challenge = false
        @Option(help: "With --simulate, on a record directory: the time of casting, ISO 8601 (default: now).") var at: String?
        @Flag(help: "Allow --at to set the record's clock away from the real one (simulations and tests only).") var simulate = false
        @Option(help: "Where to keep the receipt (JSON).") var receiptOut: String?
        @OptionGroup var passphrase: PassphraseOptions

        func validate() throws { try validateClock(at: at, simulate: simulate, record: record) }

        func run() async throws {
            // The device key first: its passphrase may be asked for, and the record's lock is not held meanwhile.
            let device = try deviceKey.map { try BallotInput.deviceKey($0, passphrase: passphrase) }
            // On a record directory: its board, locked from here on, whose rules' state holds everything
            // a ballot needs without reading the log. On a board: the record up to the credential lists.
            let fileBoard = record.location == nil ? try record.fileBoard() : nil
            let manifest: Manifest, context: ElectionContext, registry: CredentialRegistry
            if let b = fileBoard {
                guard let c = b.ledger.context else {
                    throw StepFailure("the key ceremony of \(record.record) is not finished: no ballots yet")
                }
                (manifest, context, registry) = (b.ledger.manifest, c, b.ledger.registry)
            } else {
                let state = try await record.setupState()
                (manifest, context, registry) = (state.manifest, try state.context(), state.registry)
            }
            let (cred, precinct) = try BallotInput.credential(credential, precinct: self.precinct, manifest: manifest, registry: registry)
            let choices = try BallotInput.choices(answers, manifest: manifest)
            let encryptor = BallotEncryptor(context: context)
            func encrypt() throws -> (EncryptedBallot, BallotSecrets) {
                do {
                    return try encryptor.encrypt(
                        precinct: precinct, channel: channel, credential: cred, device: device.map { ($0.id, $0.key) }, choices: choices)
                } catch {
                    throw StepFailure("\(error)")
                }
            }
            func describe(_ spoiled: SpoiledBallot) -> String {
                let shown = zip(spoiled.ballot.answers, spoiled.revealedChoices).map { a, picks in
                    "\(a.question)=" + picks.map { manifest.question(a.question)!.options[$0].text }.joined(separator: ",")
                }
                return
                    "Challenged ballot \(ProtocolHashes.trackingCode(spoiled.ballot.hash(contextHash: context.contextHash))) encrypted: \(shown.joined(separator: " ")). It is published as spoiled; anyone can check it."
            }
            if record.location != nil {
                // On a board: the board's clock decides the time; the receipt is checked before we say "accepted".
                try await record.withBoard { client, loc in
                    if challenge {
                        let (b, secrets) = try encrypt()
                        let spoiled = SpoiledBallot(ballot: b, reveals: secrets.reveals)
                        _ = try await client.spoil(loc.electionId, spoiled)
                        print(describe(spoiled))
                    }
                    let (ballot, _) = try encrypt()
                    let receipt: BoardReceipt
                    do {
                        receipt = try await client.castChecked(
                            loc.electionId, ballot, boardKey: manifest.boardKey, contextHash: context.contextHash)
                    } catch BoardClientError.refused(let e) where e.knownCode == .invalidCredential {
                        throw StepFailure(
                            "invalidCredential: the board refused the credential, which is on no list of precinct \(precinct) of election \(manifest.electionId) (another precinct, another election, or mistyped?)"
                        )
                    }
                    if let path = receiptOut { try Files.write(receipt, to: path) }
                    print(
                        "Ballot accepted. Tracking code \(receipt.trackingCode); ballot hash \(receipt.ballotHash); log index \(receipt.index). Receipt checked: signed tree head of size \(receipt.treeHead.size) and inclusion proof."
                    )
                }
                return
            }
            let time = try Files.instant(at)
            guard let box = fileBoard else { return }
            if challenge {
                let (b, secrets) = try encrypt()
                let spoiled = SpoiledBallot(ballot: b, reveals: secrets.reveals)
                do { _ = try box.spoil(spoiled, at: time) } catch { throw StepFailure("challenge refused: \(error)") }
                print(describe(spoiled))
            }
            let (ballot, _) = try encrypt()
            let receipt: CastReceipt
            do { receipt = try box.cast(ballot, at: time) } catch { throw StepFailure("ballot refused: \(error)") }
            print(
                "Ballot accepted. Tracking code \(receipt.trackingCode); ballot hash \(receipt.ballotHash); log entry \(receipt.seq) (hash \(receipt.entryHash))."
                    + (receipt.supersedes.map { " It supersedes your earlier ballot at log entry \($0), which no longer counts." } ?? ""))
            if let path = receiptOut { try Files.write(receipt, to: path) }
        }
    }

    /// `plebiscite close`: the board's close marker, refused before the window ends.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the election (not before the voting window ends).")
        @OptionGroup var record: RecordOptions
        @Option(help: "The board key file written by `election create`.") var boardKey = "board.key.json"
        @Option(help: "With --simulate: the closing time, ISO 8601 (default: now).") var at: String?
        @Flag(help: "Allow --at to set the record's clock away from the real one (simulations and tests only).") var simulate = false
        @OptionGroup var passphrase: PassphraseOptions

        func validate() throws { try validateClock(at: at, simulate: simulate, record: record) }

        func run() async throws {
            if record.location != nil {
                let token = try record.bearer("closing the election")
                let head = try await record.withBoard { client, loc in try await client.close(loc.electionId, token: token) }
                print(
                    "Election closed; the board signed a tree head of size \(head.size). Next: plebiscite tally --record \(record.record)")
                return
            }
            let board = try record.fileBoard()
            let file = try KeyFile<SigningSecret, PublicIdentity>.load(boardKey, kind: "board")
            let key = try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: boardKey).seed.bytes)
            guard key.publicKey == board.ledger.manifest.boardKey else { throw StepFailure("\(boardKey) is not this election's board key") }
            do { try board.close(at: try Files.instant(at), boardKey: key) } catch { throw StepFailure("\(error)") }
            print("Election closed. Next: plebiscite tally --record \(record.record)")
        }
    }

    /// `plebiscite tally`: aggregate the counted ballots.
    struct TallyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tally", abstract: "Sum the counted ballots per precinct, channel, question and option.")
        @OptionGroup var record: RecordOptions
        @OptionGroup var workers: WorkerOptions

        func run() async throws {
            let state = try await record.state()
            let tally: EncryptedTally
            do { tally = try Tallier.tally(state, workers: workers.count) } catch { throw StepFailure("\(error)") }
            try await record.publish([.tally(tally)], step: "publishing the tally", workers: workers.count)
            print(
                "Tally published: \(tally.cells.count) cells, \(tally.ciphertexts.count) ciphertexts. Next: each trustee runs `plebiscite trustee decrypt`."
            )
        }
    }

    /// `plebiscite combine`: check shares, combine any k, publish the result.
    struct Combine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine k valid decryption shares into the result and publish it.",
            discussion: """
                On a file record, --board-key signs the final tree head over the whole record, tally, shares and \
                result included (a board signs its own heads).
                """)
        @OptionGroup var record: RecordOptions
        @OptionGroup var workers: WorkerOptions
        @Option(help: "A file record's board key file (written by `election create`): sign the final tree head.")
        var boardKey: String?
        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let state = try await record.state()
            let (result, rejected) = try { () throws -> (ElectionResult, [CheckFailure]) in
                do { return try Tallier.combine(state, context: try state.context(), workers: workers.count) } catch {
                    throw StepFailure("\(error)")
                }
            }()
            for r in rejected { Terminal.error("rejected: \(r)") }
            try await record.publish([.result(result)], step: "publishing the result", workers: workers.count)
            print(ResultPrinter.results(result, manifest: state.manifest))
            print("Result published (decrypted by trustees \(result.trustees)). Check it: plebiscite verify \(record.record)")
            guard record.location == nil else { return }
            guard let boardKey else {
                print(
                    "No signed tree head covers the tally, shares and result yet: run this again with --board-key board.key.json to sign the final one."
                )
                return
            }
            let board = try record.fileBoard()
            let file = try KeyFile<SigningSecret, PublicIdentity>.load(boardKey, kind: "board")
            let key = try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: boardKey).seed.bytes)
            guard key.publicKey == board.ledger.manifest.boardKey else { throw StepFailure("\(boardKey) is not this election's board key") }
            do { try board.signTreeHead(boardKey: key) } catch { throw StepFailure("\(error)") }
            print("Final tree head signed over all \(board.ledger.size) entries.")
        }
    }
}
