import BoardAPI
import ElectionProtocol
import ElectionRecord

extension BoardError {
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
