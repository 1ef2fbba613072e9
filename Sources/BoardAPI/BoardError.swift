import ElectionRecord
import ElectionRules

/// Every code the board answers an error with (Sources/BoardServer/openapi.yaml, served at
/// /openapi.yaml): the HTTP layer's, the board's own, and the acceptance rules' refusal codes
/// (PROTOCOL.md 6.4). The server alone maps them to HTTP statuses.
public enum BoardErrorCode: String, Codable, Sendable, CaseIterable {
    // The request itself.
    case malformed, unsupportedMediaType, bodyTooLarge, requestTimeout, unauthorized, forbidden, notFound, methodNotAllowed, rateLimited
    // The board.
    case unknownElection, unknownBallot, electionExists, storageUnavailable, busy, serverFailed
    // The acceptance rules.
    case wrongElection, invalidBallotStyle, invalidChannelOrDevice, invalidCredential, invalidSignature, invalidProof, invalidReveal,
        selectionInClear
    case notOpenYet, outsideWindow, electionClosed, duplicateBallot, spoiledBallot, revokedCredential, finalBallotCast
    case wrongPhase, windowOpen, ceremonyFailed, conflictingEntry, invalidEntry

    /// The code of a refusal by the acceptance rules.
    public init(_ refusal: RefusalCode) { self = BoardErrorCode(rawValue: refusal.rawValue)! }
}

/// A refusal by the board: a stable code, the HTTP status it was answered with, a sentence, and
/// the failed checks behind it.
public struct BoardError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    /// A `BoardErrorCode` from this board; a client keeps whatever another board sent.
    public var code: String
    /// The HTTP status the server answered with (0 until the server has mapped the code).
    public var status: Int
    public var message: String
    public var checks: [CheckFailure]

    /// What a client received.
    public init(code: String, status: Int, message: String, checks: [CheckFailure] = []) {
        self.code = code
        self.status = status
        self.message = message
        self.checks = checks
    }

    /// An error of this board.
    public init(_ code: BoardErrorCode, _ message: String, checks: [CheckFailure] = []) {
        self.init(code: code.rawValue, status: 0, message: message, checks: checks)
    }

    /// The documented code, if it is one.
    public var knownCode: BoardErrorCode? { BoardErrorCode(rawValue: code) }

    public var description: String { "\(code): \(message)" }
}
