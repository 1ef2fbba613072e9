/// Why a proof did not verify. Proofs are all-or-nothing; the case names what failed.
public enum ProofError: Error, Equatable, Sendable {
    /// The recomputed challenge differs: the proof does not fit this statement and context.
    case challengeMismatch
    /// The proof has the wrong number of branches for the statement.
    case wrongShape
    /// A transmitted commitment does not match its challenge and response (protocol version 2):
    /// one of the proof's equations fails.
    case commitmentMismatch
    /// A value that must not be the identity is.
    case identityNotAllowed
}
