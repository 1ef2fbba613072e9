/// A challenged (Benaloh) ballot opened for the voter who challenged it, on any device: what it
/// contained in the manifest's words, and whether the reveal holds (checks 7.1 and 7.2), so a booth
/// that encrypted something other than the voter's choice is caught by a device it does not control.
public struct OpenedBallot: Sendable {
    /// One question of the ballot and the options the reveal shows selected.
    public struct Answer: Sendable {
        public var question: Question
        public var selected: [LocalizedText]
    }

    public var trackingCode: String
    public var answers: [Answer]
    /// Checks 7.1 (the ballot's own checks 6.1-6.7 and 6.11) and 7.2 (the reveal reproduces every
    /// ciphertext); empty when the ballot opens as shown.
    public var failures: [CheckFailure]
}

extension SpoiledBallot {
    /// Opens the ballot against the election's context. Without `credentials` (the voter's device
    /// has only the record up to the key ceremony) the credential's list (6.4) is not checked:
    /// the board and the verifier check it.
    public func opened(in context: ElectionContext, credentials: CredentialRegistry?) -> OpenedBallot {
        let hash = ballot.hash(contextHash: context.contextHash)
        var failures = ballot.check(in: context, credentials: credentials ?? CredentialRegistry(), hash: hash)
            .filter { credentials != nil || $0.check != .ballotCredential }
            .map { CheckFailure(.spoiledWellFormed, "\($0.check.rawValue): \($0.message)") }
        failures += checkReveal(in: context)
        let answers = zip(ballot.answers, failures.isEmpty ? revealedChoices : ballot.answers.map { _ in [] }).compactMap {
            answer, picks -> OpenedBallot.Answer? in
            guard let q = context.manifest.question(answer.question) else { return nil }
            return OpenedBallot.Answer(question: q, selected: picks.compactMap { q.options.indices.contains($0) ? q.options[$0] : nil })
        }
        return OpenedBallot(trackingCode: ProtocolHashes.trackingCode(hash), answers: answers, failures: failures)
    }
}
