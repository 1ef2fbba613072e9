import ArgumentParser
import BoardAPI
import BoardClient
import ElectionProtocol
import ElectionRecord
import Foundation

extension PlebisciteCommand {
    /// `plebiscite audit CODE --record URL|DIR`: a challenged ballot opened on a device other than the booth.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a challenged ballot contained, checked against its encryption, away from the booth that made it.",
            discussion: """
                A voter who challenges a ballot in the booth gets its tracking code; the booth publishes the ballot \
                opened (its choices and the nonces that encrypted them). This command finds that ballot on the board \
                (or in a record directory), checks that its reveal reproduces every ciphertext and that its proofs \
                and signature hold (checks 7.1 and 7.2), and prints the choices it contained. If they are not what \
                the voter chose, the booth is lying: vote on another device and report it. Exits 1 when the code \
                names no challenged ballot or the reveal does not hold.
                """)

        @Argument(help: "The challenged ballot's tracking code (or its full hash).") var code: String
        @OptionGroup var record: RecordOptions
        @Option(help: "Language of questions and options: a tag of the manifest's texts, such as uk, ru or en.") var lang: String?

        func validate() throws {
            guard BallotReference(code) != nil else {
                throw ValidationError("'\(code)' is not a tracking code (16 characters, such as 7KQ2-M4X9-...) or a ballot hash")
            }
        }

        func run() async throws {
            let reference = BallotReference(code)!
            let (spoiled, index, context, registry) = try await Self.find(reference, record)
            let opened = spoiled.opened(in: context, credentials: registry)
            print(Self.describe(opened, index: index, language: lang, fullRecord: registry != nil))
            guard opened.failures.isEmpty else { throw ExitCode(1) }
        }

        /// The spoiled ballot `reference` names, its index, the election's context, and the
        /// registry when the whole record was read (a directory).
        static func find(_ reference: BallotReference, _ record: RecordOptions) async throws -> (
            SpoiledBallot, Int, ElectionContext, CredentialRegistry?
        ) {
            if record.location != nil {
                // On a board: the record up to the key ceremony (the context), and the ballot's line with
                // its inclusion proof to a head the board signed, checked by the client.
                let state = try await record.setupState()
                let context: ElectionContext
                do { context = try state.context() } catch { throw StepFailure("\(record.record): \(error)") }
                let answer: BallotTrack
                do {
                    answer = try await record.withBoard { client, loc in
                        try await client.track(loc.electionId, reference, boardKey: state.manifest.boardKey)
                    }
                } catch let e as BoardClientError { throw StepFailure("\(e)") }
                guard answer.status == .spoiled,
                    case .spoiledBallot(let s) = (try? RecordCoding.decode(LogEntry.self, from: Array(answer.line.utf8)))?.payload
                else { throw StepFailure(notChallenged(answer.trackingCode)) }
                return (s, answer.index, context, nil)
            }
            let state = try await record.state()
            let context: ElectionContext
            do { context = try state.context() } catch { throw StepFailure("\(record.record): \(error)") }
            for e in state.entries {
                switch e.entry.payload {
                case .spoiledBallot(let s) where reference.matches(s.ballot.hash(contextHash: context.contextHash)):
                    return (s, e.entry.seq, context, state.registry)
                case .ballot(let b) where reference.matches(b.hash(contextHash: context.contextHash)):
                    throw StepFailure(notChallenged(ProtocolHashes.trackingCode(b.hash(contextHash: context.contextHash))))
                default: continue
                }
            }
            throw StepFailure("no ballot with code \(reference) in \(record.record)")
        }

        static func notChallenged(_ code: String) -> String {
            "ballot \(code) was cast, not challenged: its choices are secret, and only a challenged ballot is opened"
        }

        /// The opened ballot for the voter: choices, or every failure.
        static func describe(_ opened: OpenedBallot, index: Int, language: String?, fullRecord: Bool) -> String {
            func text(_ t: LocalizedText) -> String { language.map { t.text(in: $0) } ?? t.text }
            guard opened.failures.isEmpty else {
                return "Challenged ballot \(opened.trackingCode) (log entry \(index)) does NOT open as published:\n"
                    + opened.failures.map { "  \($0.check.rawValue) \($0.message)" }.joined(separator: "\n")
                    + "\nThe booth that made it cannot be trusted: vote on another device and report this code."
            }
            var out = "Challenged ballot \(opened.trackingCode) (log entry \(index)) contained:\n"
            for a in opened.answers {
                out +=
                    "  \(text(a.question.text)): \(a.selected.isEmpty ? "(nothing selected)" : a.selected.map(text).joined(separator: ", "))\n"
            }
            out +=
                "Checked here: its revealed values and nonces reproduce every ciphertext (7.2), its proofs and signature hold (7.1"
                + (fullRecord ? ")" : "; the credential's list is the board's and the verifier's to check)") + ".\n"
            out += "If these are not the choices you made in the booth, the booth is lying: vote on another device and report this code."
            return out
        }
    }
}
