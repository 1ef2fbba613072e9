import ElectionRecord
import Foundation

/// What observers see of an election at any moment (GET /elections/ID/status): its phase, the
/// listed credentials and the entries on the board per precinct and channel (counts, never
/// contents), and once decrypted the result summary of the record's `result` entry.
public struct ElectionStatus: Codable, Sendable, Equatable {
    /// Where the election stands, from the record (RecordLedger.stage, as the verifier's report names it).
    public typealias Phase = ElectionStage

    /// Entries of one precinct and channel.
    public struct Count: Codable, Sendable, Equatable {
        public var precinct: String
        public var channel: Channel
        /// Cast ballots on the board (each credential's re-votes included).
        public var ballots: Int
        /// Challenged ballots published opened.
        public var spoiled: Int

        public init(precinct: String, channel: Channel, ballots: Int = 0, spoiled: Int = 0) {
            (self.precinct, self.channel, self.ballots, self.spoiled) = (precinct, channel, ballots, spoiled)
        }
    }

    public var electionId: String
    public var phase: Phase
    /// Entries in the log.
    public var entries: Int
    /// Credentials listed per precinct, revoked ones not counted.
    public var credentials: [String: Int]
    /// Every (precinct, channel) with an entry, in precinct then channel order.
    public var counts: [Count]
    /// The `result` entry's summary, once there is one.
    public var result: ResultSummary?
    /// Once there is a result: each question's figures per scope, over the precincts that ask it
    /// (`ElectionResult.questionScopes`), which observers' pages show as they are.
    public var questions: [QuestionScopes]?
    /// The board's clock when it answered, which decides the window (the booth shows the
    /// election closed once it is past the window's end, whatever the device's own clock says).
    public var boardTime: Date?

    public init(
        electionId: String, phase: Phase, entries: Int, credentials: [String: Int], counts: [Count], result: ResultSummary?,
        questions: [QuestionScopes]? = nil, boardTime: Date? = nil
    ) {
        self.questions = questions
        self.boardTime = boardTime
        self.electionId = electionId
        self.phase = phase
        self.entries = entries
        self.credentials = credentials
        self.counts = counts
        self.result = result
    }
}
