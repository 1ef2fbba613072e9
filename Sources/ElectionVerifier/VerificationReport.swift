import ElectionRecord

/// The verifier's structured verdict: every check with how many items it covered, every failure
/// with its check number and entry, and throughput figures.
public struct VerificationReport: Codable, Sendable {
    /// One numbered check and what became of it.
    public struct CheckStatus: Codable, Sendable {
        public enum Status: String, Codable, Sendable { case passed, failed, notYetApplicable }
        public var check: String
        public var title: String
        public var status: Status
        public var itemsChecked: Int
        public var failures: Int
    }

    public struct Statistics: Codable, Sendable {
        public var entries: Int
        public var ballots: Int
        /// Ballots the tally counts: each credential's last, revoked ones aside. Before a tally is
        /// in the record, those that would count if voting ended now (the same rule).
        public var countedBallots: Int
        /// Ballots cast but not counted because a later ballot of the same credential follows.
        public var supersededBallots: Int
        /// Ballots cast but not counted because their credential was revoked: the last ballot of
        /// each revoked credential (its earlier ones are superseded).
        public var revokedBallots: Int
        public var spoiledBallots: Int
        public var seconds: Double
        public var ballotsPerSecond: Double
        public var workers: Int
    }

    /// True when no check failed.
    public var ok: Bool
    /// The phase the record has reached: "setup", "voting", "closed", "tallied", "decrypted".
    public var phase: String
    public var checks: [CheckStatus]
    public var failures: [CheckFailure]
    public var statistics: Statistics
    /// The verified result summary, once the record holds a result whose checks passed.
    public var result: ResultSummary?
}
