import ElectionRecord

/// Why an entry was refused: one stable, documented code per rule (PROTOCOL.md 6.4). The board
/// answers with it, the file-based commands print it, the verifier's failures map onto it.
public enum RefusalCode: String, Codable, Sendable, CaseIterable {
    // A ballot or spoiled ballot on its own (checks 6.1-6.7, 7.2).
    case wrongElection
    case invalidBallotStyle
    case invalidChannelOrDevice
    case invalidCredential
    case invalidSignature
    case invalidProof
    case invalidReveal
    /// A selection ciphertext whose first component is the identity: its nonce is 0 and it shows
    /// the vote in clear (6.11).
    case selectionInClear
    // A ballot or spoiled ballot in its place in the log (6.8, 6.9).
    case notOpenYet
    case outsideWindow
    case electionClosed
    /// A spoiled ballot whose ballot was cast, or a ballot cast after its spoiled twin.
    case duplicateBallot
    /// A ballot whose hash was challenged and spoiled: encrypt afresh.
    case spoiledBallot
    /// A ballot of a revoked credential (6.4), or a second revocation of it (5.4).
    case revokedCredential
    /// Under `stationFinal`, a ballot after the credential's station ballot (6.10).
    case finalBallotCast
    // Every other entry.
    /// The entry belongs to a phase the record is not in (1.3): a commitment after the key
    /// ceremony, a tally before the close, shares after the result, a second manifest, ...
    case wrongPhase
    /// The close marker before the voting window ends (8.1).
    case windowOpen
    /// A complaint was published: the key ceremony failed and cannot finish (3.4).
    case ceremonyFailed
    /// A second, different entry where the protocol allows one: a trustee's commitment or share
    /// set, a precinct's credential list, the key ceremony result, the tally, the result.
    case conflictingEntry
    /// The entry fails a check of its own (signatures, proofs, recomputed values); the failures say which.
    case invalidEntry

    /// The code for a failed check on a ballot or spoiled ballot.
    public init(ballotCheck check: Check) {
        switch check {
        case .ballotElection: self = .wrongElection
        case .ballotStyle: self = .invalidBallotStyle
        case .ballotChannel: self = .invalidChannelOrDevice
        case .ballotCredential: self = .invalidCredential
        case .ballotSignature: self = .invalidSignature
        case .selectionProofs, .countProofs: self = .invalidProof
        case .spoiledReveal: self = .invalidReveal
        case .ballotWindow: self = .outsideWindow
        case .ballotUnique: self = .duplicateBallot
        case .stationFinal: self = .finalBallotCast
        case .selectionNotInClear: self = .selectionInClear
        case .entryOrder: self = .wrongPhase
        default: self = .invalidEntry
        }
    }
}

/// A refused entry: the code, and every failed check behind it (with check numbers).
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: RefusalCode
    public var failures: [CheckFailure]

    public init(_ code: RefusalCode, _ failures: [CheckFailure]) {
        self.code = code
        self.failures = failures
    }

    public init(_ code: RefusalCode, _ check: Check, _ message: String) {
        self.init(code, [CheckFailure(check, message)])
    }

    /// The refusal for a ballot's failed checks: the lowest-numbered check gives the code.
    public static func ballot(_ failures: [CheckFailure]) -> Refusal? {
        guard let first = failures.min(by: { $0.check < $1.check }) else { return nil }
        return Refusal(RefusalCode(ballotCheck: first.check), failures)
    }

    public var description: String {
        "\(code.rawValue): " + failures.map(\.description).joined(separator: "; ")
    }
}
