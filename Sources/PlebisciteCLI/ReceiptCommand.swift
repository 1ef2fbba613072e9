import ArgumentParser
import BoardAPI
import BoardClient
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
    /// `plebiscite receipt check RECEIPT.json --record URL`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the ballot of a receipt is still on the board, and whether it counts.",
            discussion: """
                Asks the board for the receipt's ballot and checks its answer with the board key of the election's
                manifest: the freshly signed head, the inclusion proof of the ballot's line, the consistency proof
                from the head in the receipt (the board still holds what it signed then), and the evidence behind
                the status (a later ballot of the same credential, or the credential's revocation). Prints whether
                the ballot counts; exits 1 when the board's answer does not check out. A challenged ballot has no
                receipt: `plebiscite audit CODE --record URL` shows what it contained.
                """)

        @Argument(help: "The receipt the voting client saved (JSON).") var receipt: String
        @Option(help: "The election on the board: http://HOST:PORT/elections/ID.") var record: String
        @Option(help: "Where to keep the board's checked answer (JSON), as evidence.") var out: String?

        func validate() throws {
            guard ElectionLocation(url: record) != nil else { throw ValidationError("give --record as http://HOST:PORT/elections/ID") }
        }

        func run() async throws {
            let loc = ElectionLocation(url: record)!
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
            print(Self.sentence(answer))
            if let out { try Files.write(answer, to: out) }
        }

        /// What the status means for the voter, in one sentence.
        static func sentence(_ t: BallotTrack) -> String {
            switch t.status {
            case .counts: "It is your credential's latest ballot: it is the one that counts."
            case .superseded:
                "A later ballot of your credential, at log entry \(t.later?.index ?? -1), replaced it: that one counts instead."
            case .spoiled: "It was challenged and published opened: it never counts."
            case .revoked: "Your credential was revoked at log entry \(t.later?.index ?? -1): none of its ballots counts."
            }
        }
    }
}
