import ArgumentParser
import BoardAPI
import BoardClient
import ElectionProtocol
import ElectionRecord
import Foundation

extension PlebisciteCommand {
    /// `plebiscite receipt ...`: what a voter does with a receipt after casting.
    struct ReceiptCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receipt", abstract: "Check a ballot's receipt against the board, at any time after casting.",
            subcommands: [Check.self])
    }
}

extension PlebisciteCommand.ReceiptCommand {
    /// `plebiscite receipt check RECEIPT.json --record URL|DIR`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the ballot of a receipt is still in the record, and whether it counts.",
            discussion: """
                On a board (--record URL): asks the board for the receipt's ballot and checks its answer with the \
                board key of the election's manifest: the freshly signed head, the inclusion proof of the ballot's \
                line, the consistency proof from the head in the receipt (the board still holds what it signed \
                then), and the evidence behind the status (a later ballot of the same credential, or the \
                credential's revocation). In a record directory (--record DIR, the receipt `vote` wrote there): \
                checks that the log entry the receipt names is still there, byte for byte, and holds its ballot. \
                Prints whether the ballot counts; exits 1 when the record does not back the receipt. A challenged \
                ballot has no receipt: `plebiscite audit CODE --record URL|DIR` shows what it contained.
                """)

        @Argument(help: "The receipt the voting client saved (JSON).") var receipt: String
        @Option(help: "The election record: a board's election URL http://HOST:PORT/elections/ID, or a record directory.")
        var record: String
        @Option(help: "Where to keep the board's checked answer (JSON), as evidence (board only).") var out: String?

        func validate() throws {
            if ElectionLocation(url: record) == nil, record.hasPrefix("http") {
                throw ValidationError("give --record as http://HOST:PORT/elections/ID or a record directory")
            }
            if out != nil, ElectionLocation(url: record) == nil { throw ValidationError("--out keeps a board's answer: give a board URL") }
        }

        func run() async throws {
            guard let loc = ElectionLocation(url: record) else { return try await checkInDirectory() }
            let saved = try Files.read(BoardReceipt.self, receipt, what: "receipt")
            let client = BoardClient(board: loc.board)
            let manifest: Manifest
            do {
                manifest = try RecordCoding.decode(Manifest.self, from: try await client.manifest(loc.electionId))
            } catch { throw StepFailure("cannot read the election's manifest: \(error)") }
            guard saved.treeHead.verify(boardKey: manifest.boardKey) else {
                throw StepFailure("the receipt's tree head is not signed by the board key of \(loc.electionId)'s manifest")
            }
            let answer: BallotTrack
            do {
                answer = try await client.track(loc.electionId, .hash(saved.ballotHash), receipt: saved, boardKey: manifest.boardKey)
            } catch { throw StepFailure("\(error)") }
            print(
                "Ballot \(answer.trackingCode) (hash \(answer.ballotHash)) is on the board at log entry \(answer.index), in the head of size \(answer.treeHead.size) signed by the board, which extends your receipt's head of size \(saved.treeHead.size)."
            )
            print(Self.sentence(answer.status, evidence: answer.later?.index))
            if let out { try Files.write(answer, to: out) }
        }

        /// What a receipt names in a record directory: the log entry, its ballot, and (a record's
        /// receipt) the entry's hash or (a board's receipt) its exact line.
        struct Named {
            var index: Int
            var ballotHash: Digest
            var entryHash: Digest?
            var line: String?
        }

        /// The receipt file: one `vote --record DIR` wrote (`CastReceipt`) or a board's (`BoardReceipt`).
        func named() throws -> Named {
            guard let data = FileManager.default.contents(atPath: receipt) else { throw StepFailure("cannot read receipt \(receipt)") }
            if let r = try? RecordCoding.decodeStrict(CastReceipt.self, from: Array(data)) {
                return Named(index: r.seq, ballotHash: r.ballotHash, entryHash: r.entryHash)
            }
            do {
                let r = try RecordCoding.decodeStrict(BoardReceipt.self, from: Array(data))
                return Named(index: r.index, ballotHash: r.ballotHash, line: r.line)
            } catch { throw StepFailure("\(receipt) is not a receipt (neither a record's nor a board's): \(error)") }
        }

        /// The receipt against a record directory.
        func checkInDirectory() async throws {
            let named = try named()
            let state = try await RecordOptions.parse(["--record", record]).state()
            let (status, evidence) = try Self.check(named, in: state, record: record)
            print(
                "Ballot \(ProtocolHashes.trackingCode(named.ballotHash)) (hash \(named.ballotHash)) is in the record \(record) at log entry \(named.index), as the receipt says (the record has \(state.entries.count) entries; `plebiscite verify` checks all of them)."
            )
            print(Self.sentence(status, evidence: evidence))
        }

        /// What became of the ballot a receipt names in a record: the entry must still be there
        /// byte for byte and hold that ballot; the status is the board's tracking decision.
        static func check(_ named: Named, in state: RecordState, record: String) throws -> (BallotTrack.Status, evidence: Int?) {
            let contextHash: Digest
            do { contextHash = try state.context().contextHash } catch { throw StepFailure("\(record): \(error)") }
            let code = ProtocolHashes.trackingCode(named.ballotHash)
            guard state.entries.indices.contains(named.index) else {
                throw StepFailure(
                    "the record \(record) has \(state.entries.count) log entries: it holds no entry \(named.index), where the receipt puts ballot \(code)"
                )
            }
            let held = state.entries[named.index]
            guard case .ballot(let ballot) = held.entry.payload, ballot.hash(contextHash: contextHash) == named.ballotHash else {
                throw StepFailure(
                    "log entry \(named.index) of \(record) does not hold ballot \(code): this is not the record the receipt came from, or it was altered"
                )
            }
            if let entryHash = named.entryHash, held.hash != entryHash {
                throw StepFailure(
                    "log entry \(named.index) of \(record) is not the entry of the receipt (entry hash \(held.hash), receipt \(entryHash)): the record was altered"
                )
            }
            if let line = named.line, held.line != Array(line.utf8) {
                throw StepFailure("log entry \(named.index) of \(record) is not the line of the receipt: the record was altered")
            }
            var revocation: Int?
            var latest: Int?
            for e in state.entries {
                switch e.entry.payload {
                case .ballot(let b) where b.credential == ballot.credential: latest = e.entry.seq
                case .credentialRevocation(let r) where r.revoked == ballot.credential && revocation == nil: revocation = e.entry.seq
                default: continue
                }
            }
            return BallotTrack.Status.ofCast(at: named.index, revocation: revocation, latestBallot: latest)
        }

        /// What the status means for the voter, in one sentence.
        static func sentence(_ status: BallotTrack.Status, evidence: Int?) -> String {
            switch status {
            case .counts: "It is your credential's latest ballot: it is the one that counts."
            case .superseded:
                "A later ballot of your credential, at log entry \(evidence ?? -1), replaced it: that one counts instead."
            case .spoiled: "It was challenged and published opened: it never counts."
            case .revoked: "Your credential was revoked at log entry \(evidence ?? -1): none of its ballots counts."
            }
        }
    }
}
