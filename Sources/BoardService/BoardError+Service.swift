import BoardAPI
import ElectionRecord
import ElectionRules

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

    /// An entry refused by the acceptance rules: the refusal's code is the error's code.
    static func refused(_ r: Refusal) -> BoardError {
        let status =
            switch r.code {
            case .electionClosed, .outsideWindow, .notOpenYet, .spoiledBallot, .duplicateBallot, .wrongPhase, .windowOpen,
                .ceremonyFailed, .conflictingEntry:
                409
            default: 422
            }
        return .init(code: r.code.rawValue, status: status, message: r.description, checks: r.failures)
    }
}
