import PlebisciteCrypto
import Ristretto

extension DecryptionShares {
    /// Check 10.1 for one trustee's shares: signature, count and every Chaum-Pedersen proof.
    ///
    /// Complexity: per ciphertext, one fixed-base and three variable-base multiplications.
    public func check(in context: ElectionContext, tally: EncryptedTally, tallyHash: Digest, workers: Int = 1) -> [CheckFailure] {
        guard let info = context.manifest.trustee(index: trustee), trustee >= 1, trustee <= context.verificationKeys.count else {
            return [CheckFailure(.decryptionShareProofs, "no trustee with index \(trustee)")]
        }
        var failures = [CheckFailure]()
        if !info.signingKey.isValidSignature(
            signature.bytes, for: ProtocolHashes.decryptionSharesMessage(contextHash: context.contextHash, self))
        {
            failures.append(CheckFailure(.decryptionShareProofs, "trustee \(trustee): signature on decryption shares does not verify"))
        }
        if tallyHash != self.tallyHash {
            failures.append(CheckFailure(.decryptionShareProofs, "trustee \(trustee): shares are for another tally"))
        }
        let ciphertexts = tally.ciphertexts
        guard partials.count == ciphertexts.count else {
            failures.append(
                CheckFailure(.decryptionShareProofs, "trustee \(trustee): \(partials.count) shares for \(ciphertexts.count) ciphertexts"))
            return failures
        }
        let vk = context.verificationKeys[trustee - 1]
        let contextHash = context.contextHash
        let trusteeIndex = trustee
        let partials = self.partials
        let bad = Parallel.map(Array(ciphertexts.indices), workers: workers) { i -> Int? in
            let ctx = ProtocolHashes.decryptionContext(contextHash: contextHash, tallyHash: tallyHash, trustee: trusteeIndex, position: i)
            do {
                try partials[i].proof.verify(g: .generator, x: vk, h: ciphertexts[i].alpha, y: partials[i].share, context: ctx)
                return nil
            } catch { return i }
        }.compactMap { $0 }
        for i in bad {
            failures.append(CheckFailure(.decryptionShareProofs, "trustee \(trustee): proof for ciphertext \(i) fails"))
        }
        return failures
    }
}

/// Combining valid decryption shares into counts (Lagrange at 0, then bounded discrete log).
public enum TallyDecryption {
    /// Why shares could not be combined.
    public enum Failure: Error, Equatable, Sendable {
        case notEnoughShares(have: Int, need: Int)
        case countOutOfRange(cell: Int, question: String, option: Int)
    }

    /// Decrypts every tally ciphertext with the shares of at least k trustees (all assumed valid).
    ///
    /// Complexity: per ciphertext, one multi-scalar multiplication of k terms and an O(sqrt(ballots))
    /// search, in the own arithmetic (public data).
    public static func decrypt(
        tally: EncryptedTally, shares: [DecryptionShares], threshold: Int, workers: Int = 1
    ) throws(Failure) -> [ResultCell] {
        let used = Array(shares.sorted { $0.trustee < $1.trustee }.prefix(threshold))
        guard used.count >= threshold else { throw .notEnoughShares(have: used.count, need: threshold) }
        let indices = used.map { UInt64($0.trustee) }
        let lambdas = indices.map { ThresholdSharing.lagrangeCoefficient(for: $0, among: indices) }
        var positions = [(cell: Int, question: Int, option: Int, position: Int, bound: Int)]()
        var position = 0
        for (c, cell) in tally.cells.enumerated() {
            for (q, qs) in cell.questions.enumerated() {
                for o in qs.sums.indices {
                    positions.append((c, q, o, position, cell.ballots))
                    position += 1
                }
            }
        }
        let ciphertexts = tally.ciphertexts
        let counts = Parallel.map(positions, workers: workers) { p -> Int? in
            DiscreteLog.solve(
                ciphertexts[p.position].beta, minus: zip(lambdas, used).map { ($0, $1.partials[p.position].share) }, bound: p.bound)
        }
        var cells = tally.cells.map { cell in
            ResultCell(
                precinct: cell.precinct, channel: cell.channel, day: cell.day, ballots: cell.ballots, members: cell.members,
                questions: cell.questions.map { QuestionCounts(question: $0.question, counts: Array(repeating: 0, count: $0.sums.count)) })
        }
        for (p, count) in zip(positions, counts) {
            guard let count else {
                throw .countOutOfRange(cell: p.cell, question: tally.cells[p.cell].questions[p.question].question, option: p.option)
            }
            cells[p.cell].questions[p.question].counts[p.option] = count
        }
        return cells
    }
}
