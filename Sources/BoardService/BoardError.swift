import ElectionProtocol
import ElectionRecord

/// A refusal by the board: a stable code (PROTOCOL.md 6.2 and the OpenAPI file), an HTTP status,
/// a sentence, and the failed checks behind it.
public struct BoardError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var status: Int
    public var message: String
    public var checks: [CheckFailure]

    public init(code: String, status: Int, message: String, checks: [CheckFailure] = []) {
        self.code = code
        self.status = status
        self.message = message
        self.checks = checks
    }

    public var description: String { "\(code): \(message)" }

    static func unknownElection(_ id: String) -> BoardError {
        .init(code: "unknownElection", status: 404, message: "no election \(id) on this board")
    }
    static func unauthorized(_ what: String) -> BoardError {
        .init(code: "unauthorized", status: 401, message: "\(what) needs a valid token")
    }
    static func wrongPhase(_ m: String) -> BoardError { .init(code: "wrongPhase", status: 409, message: m) }
    static func invalidEntry(_ failures: [CheckFailure]) -> BoardError {
        .init(code: "invalidEntry", status: 422, message: failures.map(\.description).joined(separator: "; "), checks: failures)
    }
    static func malformed(_ m: String) -> BoardError { .init(code: "malformed", status: 400, message: m) }
    static func storage(_ m: String) -> BoardError { .init(code: "storageUnavailable", status: 503, message: m) }

    /// A ballot refused by the casting rules: its rejection reason is the code.
    static func rejected(_ r: CastRejection) -> BoardError {
        let status = [.electionClosed, .outsideWindow, .notOpenYet, .spoiledBallot].contains(r.reason) ? 409 : 422
        return .init(code: r.reason.rawValue, status: status, message: r.description, checks: r.failures)
    }
}
