import ArgumentParser
import BoardAPI
import BoardClient
import DeviceOutbox
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

extension PlebisciteCommand.DeviceCommand {
    /// How long before the close a device warns that ballots are still waiting for upload.
    static let closeWarning: TimeInterval = 2 * 3_600

    /// The warning, if any, for `pending` ballots at `now` (nil when there is nothing to say).
    static func closeWarning(pending: Int, now: Date, closes: Date) -> String? {
        guard pending > 0 else { return nil }
        if now >= closes {
            return "WARNING: voting closed at \(Files.iso(closes)); the board will refuse the \(pending) ballot(s) not yet uploaded."
        }
        if closes.timeIntervalSince(now) <= closeWarning {
            let minutes = Int(closes.timeIntervalSince(now) / 60)
            return
                "WARNING: voting closes in \(minutes) min (\(Files.iso(closes))) and \(pending) ballot(s) wait for upload: reach a network and run `plebiscite device upload`."
        }
        return nil
    }

    /// `plebiscite device collect`: a ballot collected without a network, kept in the outbox.
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt and sign a voter's ballot on this device, offline, and keep it in the device's outbox.",
            discussion: """
                For devices carried house to house. --record is the election record copied onto the device before it left
                (`plebiscite export`), or the board when online. The ballot is on disk before the slip is shown: the slip's
                tracking code lets the voter check later that the ballot reached the board. Upload with `plebiscite device upload`.
                """)
        @OptionGroup var record: RecordOptions
        @Option(help: "The device's key file.") var deviceKey: String
        @Option(help: "The outbox (SQLite), created on first use.") var outbox = "outbox.sqlite"
        @Option(help: "The voter's credential, typed, or the booth link scanned from the letter's QR code.") var credential: String
        @Option(help: "The voter's precinct.") var precinct: String
        @Option(name: .customLong("answer"), help: "QUESTION=OPTION[,OPTION...] (repeat per question).") var answers: [String] = []
        @Option(help: "Also write the slip to this file (to print).") var slipOut: String?
        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let device = try BallotInput.deviceKey(deviceKey, passphrase: passphrase)
            let state = try await record.setupState()
            let manifest = state.manifest, context = try state.context()
            guard let descriptor = manifest.device(device.id), descriptor.signingKey == device.key.publicKey else {
                throw StepFailure("device \(device.id) with this key is not a device of election \(manifest.electionId)")
            }
            let now = Date()
            guard now < manifest.window.closes else {
                throw StepFailure(
                    "outsideWindow: voting closed at \(Files.iso(manifest.window.closes)); the board would refuse this ballot")
            }
            let (cred, _) = try BallotInput.credential(credential, precinct: precinct, manifest: manifest, registry: state.registry)
            let choices = try BallotInput.choices(answers, manifest: manifest)
            let box: Outbox
            do {
                box = try Outbox(
                    path: outbox, owner: .init(electionId: manifest.electionId, manifestHash: state.manifestHash, deviceId: device.id))
            } catch { throw StepFailure("\(outbox): \(error)") }
            let (ballot, _): (EncryptedBallot, BallotSecrets)
            do {
                (ballot, _) = try BallotEncryptor(context: context).encrypt(
                    precinct: precinct, channel: descriptor.channel, credential: cred, device: (device.id, device.key), choices: choices)
            } catch { throw StepFailure("\(error)") }
            let hash = ballot.hash(contextHash: context.contextHash)
            do { try box.add(ballotHash: hash, ballot: try RecordCoding.encode(ballot), at: now) } catch {
                throw StepFailure("\(outbox): \(error)")
            }
            let pending = (try? box.counts()[.pending]) ?? 0
            let slip = """
                \(manifest.title)
                Ballot collected by device \(device.id) at \(Files.iso(now)), precinct \(precinct).
                Tracking code: \(ProtocolHashes.trackingCode(hash))
                The device will upload it when it reaches a network. Check later that this tracking code is on the board
                (or vote again: a later ballot replaces this one\(manifest.rule == .stationFinal ? ", and a ballot at a polling station is final" : "")).

                """
            if let slipOut { try Data(slip.utf8).write(to: URL(fileURLWithPath: slipOut), options: .atomic) }
            print(slip, terminator: "")
            print("Kept in \(outbox): \(pending) ballot(s) wait for upload.")
            if let warning = PlebisciteCommand.DeviceCommand.closeWarning(pending: pending, now: now, closes: manifest.window.closes) {
                print(warning)
            }
        }
    }

    /// `plebiscite device upload`: the outbox to the board, resumable and idempotent.
    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the outbox's waiting ballots to the board; each ends with a checked receipt or a typed refusal.",
            discussion: """
                Idempotent and resumable: a ballot the board already holds gets its first receipt again, so after a crash of
                either side, upload again. The board's window and rules apply at upload. Exits 1 while ballots still wait
                (the board unreachable), 0 when every ballot has its answer.
                """)
        @Option(help: "The election on the board: http://HOST:PORT/elections/ID.") var record: String
        @Option(help: "The outbox (SQLite).") var outbox = "outbox.sqlite"
        @Option(help: "Seconds to wait for the board's answer to one ballot before stopping (upload again later).") var timeout = 15

        func validate() throws { if timeout < 1 || timeout > 600 { throw ValidationError("--timeout must be 1 to 600 seconds") } }

        func run() async throws {
            guard let location = ElectionLocation(url: record) else { throw ValidationError("\(record) is not a board's election URL") }
            let owner: Outbox.Owner
            do { owner = try Outbox.owner(at: outbox) } catch { throw StepFailure("\(outbox): \(error)") }
            guard owner.electionId == location.electionId else {
                throw StepFailure("\(outbox): this outbox belongs to election \(owner.electionId), not \(location.electionId)")
            }
            let client = BoardClient(board: location.board, timeout: .seconds(Int64(timeout)))
            let setup: DownloadedRecord?
            do { setup = try await client.setupRecord(location.electionId) } catch {
                throw StepFailure("\(error): nothing was sent; upload again later")
            }
            guard let setup else { throw StepFailure("the key ceremony of \(record) is not finished: the board takes no ballots yet") }
            let state: RecordState
            do { state = try RecordState(setup.loaded) } catch { throw StepFailure("\(record): \(error)") }
            guard state.manifestHash == owner.manifestHash else {
                throw StepFailure("\(outbox): " + Outbox.OutboxError.otherManifest(electionId: owner.electionId).description)
            }
            let box: Outbox
            do { box = try Outbox(path: outbox, owner: owner) } catch { throw StepFailure("\(outbox): \(error)") }
            let context = try state.context()
            let waiting: [Outbox.Item]
            do { waiting = try box.items(.pending) } catch { throw StepFailure("\(outbox): \(error)") }
            if let warning = PlebisciteCommand.DeviceCommand.closeWarning(
                pending: waiting.count, now: Date(), closes: state.manifest.window.closes)
            {
                print(warning)
            }
            var cast = 0, refused = 0
            var stopped: String?
            for item in waiting {
                // A ballot the device cannot send as collected is recorded as failed, with why, and the
                // upload goes on with the others: one damaged row never holds back every ballot after it.
                let ballot: EncryptedBallot
                do { ballot = try item.collectedBallot(contextHash: context.contextHash) } catch {
                    try box.markRefused(item.number, code: Outbox.corruptedBallot, message: error.description)
                    refused += 1
                    continue
                }
                do {
                    // One retry at most: the upload stops at the board's silence and resumes when run again.
                    let receipt = try await client.castChecked(
                        location.electionId, ballot, boardKey: state.manifest.boardKey, contextHash: context.contextHash, retries: 1)
                    try box.markCast(item.number, seq: receipt.index, receipt: try RecordCoding.encode(receipt))
                    cast += 1
                } catch let e as BoardClientError {
                    if case .refused(let b) = e, !e.isTransient {
                        try box.markRefused(item.number, code: b.code, message: b.message)
                        refused += 1
                        continue
                    }
                    stopped = "\(e)"
                    break
                } catch { throw StepFailure("\(outbox): \(error)") }
            }
            let counts = (try? box.counts()) ?? [:]
            print(
                "Uploaded to \(record): \(cast) cast now, \(refused) refused now; the outbox holds \(counts[.cast] ?? 0) cast, \(counts[.refused] ?? 0) refused, \(counts[.pending] ?? 0) waiting."
            )
            if refused > 0, let items = try? box.items(.refused) {
                for i in items.suffix(refused) {
                    // The board's message may start with its code already: say the code once.
                    let code = i.refusalCode ?? "?", message = i.refusalMessage ?? ""
                    print("  refused \(i.trackingCode): " + (message.hasPrefix(code + ":") ? message : "\(code): \(message)"))
                }
            }
            if let stopped { throw StepFailure("stopped: \(stopped); \(counts[.pending] ?? 0) ballot(s) still wait: upload again") }
        }
    }
}
