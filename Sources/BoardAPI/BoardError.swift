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
}
