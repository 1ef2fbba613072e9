import BoardAPI
import ElectionRecord
import ElectionRules

extension BoardError {
    static func unknownElection(_ id: String) -> BoardError { .init(.unknownElection, "no election \(id) on this board") }
    static func wrongPhase(_ m: String) -> BoardError { .init(.wrongPhase, m) }
    static func invalidEntry(_ failures: [CheckFailure]) -> BoardError {
        .init(.invalidEntry, failures.map(\.description).joined(separator: "; "), checks: failures)
    }
    static func malformed(_ m: String) -> BoardError { .init(.malformed, m) }
    static func storage(_ m: String) -> BoardError { .init(.storageUnavailable, m) }

    /// An entry refused by the acceptance rules: the refusal's code is the error's code.
    static func refused(_ r: Refusal) -> BoardError { .init(BoardErrorCode(r.code), r.description, checks: r.failures) }
}
