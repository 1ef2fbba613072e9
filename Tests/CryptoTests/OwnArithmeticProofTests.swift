import Ristretto
import Testing

@testable import PlebisciteCrypto

/// Verification checks the transmitted commitments' equations in the project's own arithmetic,
/// many at once with random weights (ProofBatch); libsodium's API, one equation at a time, is the
/// reference. A batch must never accept what the reference refuses: honest proofs, forged ones
/// whose challenges fit the hash but whose equations do not (all of them, or a single one), and
/// the identity and generator among the elements.
@Suite("Proof equations: own arithmetic and batches against libsodium")
struct OwnArithmeticProofTests {
    let context = Array("context".utf8)

    /// Elements that exercise the edges as well as random ones.
    static func someElements() -> [Element] { [.identity, .generator, .base(Scalar(2))] + (0..<5).map { _ in Element.random() } }

    /// A range proof whose challenges sum to the hash, as a verifier recomputes it, but whose last
    /// branch is not simulated: with `nonce` known its first equation holds and its second fails
    /// unless the ciphertext encrypts that branch's value; without, both of its equations fail.
    /// Every other branch is simulated and holds.
    func forged(ciphertext: Ciphertext, key: Element, lower: Int, upper: Int, nonce: Scalar?) -> RangeProof {
        let n = upper - lower + 1
        var commitments = [Element](), challenges = [Scalar](), responses = [Scalar]()
        for j in 0..<(n - 1) {
            let c = Scalar.random(), s = Scalar.random()
            commitments.append(.base(s) - c * ciphertext.alpha)
            commitments.append(s * key - c * (ciphertext.beta - Element.smallMultiple(lower + j)))
            challenges.append(c)
            responses.append(s)
        }
        let t = Scalar.random()
        commitments += nonce == nil ? [Element.random(), Element.random()] : [.base(t), t * key]
        let c = RangeProof.challenge(
            context: context, key: key, ciphertext: ciphertext, lower: lower, upper: upper, commitments: commitments)
        let last = challenges.reduce(c) { $0 - $1 }
        challenges.append(last)
        responses.append(nonce.map { t + last * $0 } ?? Scalar.random())
        return RangeProof(commitments: commitments, challenges: challenges, responses: responses)
    }

    func verdict(_ proof: RangeProof, _ ct: Ciphertext, _ key: Element, _ lower: Int, _ upper: Int) -> ProofError? {
        do {
            try proof.verify(ciphertext: ct, key: key, lower: lower, upper: upper, context: context)
            return nil
        } catch { return error }
    }

    @Test("Range proofs: the batch's verdict is libsodium's for honest and forged proofs, ranges [0,1] to [2,6], keys new and seen")
    func rangeEquations() throws {
        let elements = Self.someElements()
        for round in 0..<40 {
            let key = round % 4 == 0 ? Element.generator : Element.base(Scalar.random())
            let lower = round % 3, upper = lower + round % 5
            let value = lower + round % (upper - lower + 1)
            let r = Scalar.random()
            let ct = Ciphertext.encrypt(Scalar(UInt64(value)), nonce: r, key: key)
            let honest = RangeProof.prove(value: value, nonce: r, ciphertext: ct, key: key, lower: lower, upper: upper, context: context)
            #expect(verdict(honest, ct, key, lower, upper) == nil && honest.referenceEquationsHold(ciphertext: ct, key: key, lower: lower))
            // Out of range by one: only the last branch's second equation fails.
            let outside = Ciphertext.encrypt(Scalar(UInt64(upper + 1)), nonce: r, key: key)
            let oneFails = forged(ciphertext: outside, key: key, lower: lower, upper: upper, nonce: r)
            #expect(verdict(oneFails, outside, key, lower, upper) == .commitmentMismatch, "round \(round)")
            #expect(!oneFails.referenceEquationsHold(ciphertext: outside, key: key, lower: lower))
            // The same construction for the value in the last branch is an honest proof.
            let inLast = Ciphertext.encrypt(Scalar(UInt64(upper)), nonce: r, key: key)
            let valid = forged(ciphertext: inLast, key: key, lower: lower, upper: upper, nonce: r)
            #expect(
                verdict(valid, inLast, key, lower, upper) == nil && valid.referenceEquationsHold(ciphertext: inLast, key: key, lower: lower)
            )
            // Odd ciphertexts (identity, B, 2B, random) without any witness: refused by both.
            let odd = Ciphertext(alpha: elements[round % elements.count], beta: elements[(round / 3) % elements.count])
            let blind = forged(ciphertext: odd, key: key, lower: lower, upper: upper, nonce: nil)
            #expect(verdict(blind, odd, key, lower, upper) == .commitmentMismatch)
            #expect(!blind.referenceEquationsHold(ciphertext: odd, key: key, lower: lower))
            // A changed response breaks one equation; a changed commitment, the hash.
            var bad = honest
            bad.responses[round % bad.responses.count] += .one
            #expect(verdict(bad, ct, key, lower, upper) == .commitmentMismatch)
            bad = honest
            bad.commitments[round % bad.commitments.count] = .random()
            #expect(verdict(bad, ct, key, lower, upper) == .challengeMismatch)
        }
    }

    @Test("One batch of many proofs and signatures holds exactly when each holds alone")
    func sharedBatch() throws {
        let key = Element.base(Scalar.random())
        var proofs = [(RangeProof, Ciphertext)](), nonces = [Scalar]()
        for i in 0..<12 {
            let r = Scalar.random(), v = i % 2
            nonces.append(r)
            let ct = Ciphertext.encrypt(Scalar(UInt64(v)), nonce: r, key: key)
            proofs.append((RangeProof.prove(value: v, nonce: r, ciphertext: ct, key: key, lower: 0, upper: 1, context: context), ct))
        }
        let x = Scalar.random(), credential = Element.base(x), message = Array("ballot hash".utf8)
        let signature = SchnorrSignature.sign(message: message, secret: x, key: credential, context: context)
        func batchHolds(_ proofs: [(RangeProof, Ciphertext)], _ signature: SchnorrSignature) throws -> Bool {
            var batch = ProofBatch()
            for (p, ct) in proofs { try p.check(ciphertext: ct, key: key, lower: 0, upper: 1, context: context, into: &batch) }
            try signature.check(message: message, key: credential, context: context, into: &batch)
            return batch.holds()
        }
        #expect(try batchHolds(proofs, signature))
        // Each ciphertext is decoded once however many equations name it.
        var batch = ProofBatch()
        try proofs[0].0.check(ciphertext: proofs[0].1, key: key, lower: 0, upper: 1, context: context, into: &batch)
        try proofs[0].0.check(ciphertext: proofs[0].1, key: key, lower: 0, upper: 1, context: context, into: &batch)
        #expect(batch.pointCount == 6 && batch.holds())
        // One forged proof among twelve, or a forged signature, and the batch fails.
        let outside = Ciphertext.encrypt(Scalar(2), nonce: Scalar(5), key: key)
        var withForgery = proofs
        withForgery[7] = (forged(ciphertext: outside, key: key, lower: 0, upper: 1, nonce: Scalar(5)), outside)
        #expect(try !batchHolds(withForgery, signature))
        var badSignature = signature
        badSignature.response += .one
        #expect(try !batchHolds(proofs, badSignature))
        #expect(!badSignature.referenceEquationHolds(message: message, key: credential, context: context))
        #expect(signature.referenceEquationHolds(message: message, key: credential, context: context))
        // A count proof on a sum, checked through its parts (no point of the sum decoded): the
        // verdict of the sum itself, for an honest proof and a forged one.
        let parts = proofs.prefix(3).map(\.1)
        let sum = parts.reduce(Ciphertext.zero, +)
        let honest = RangeProof.prove(
            value: 1, nonce: nonces.prefix(3).reduce(.zero, +), ciphertext: sum, key: key, lower: 0, upper: 3, context: context)
        let blind = forged(ciphertext: sum, key: key, lower: 0, upper: 3, nonce: nil)
        for (proof, holds) in [(honest, true), (blind, false)] {
            var viaParts = ProofBatch()
            try proof.check(ciphertext: sum, parts: parts, key: key, lower: 0, upper: 3, context: context, into: &viaParts)
            #expect(viaParts.holds() == holds && viaParts.pointCount == 8 + 6)
            #expect(proof.referenceEquationsHold(ciphertext: sum, key: key, lower: 0) == holds)
        }
    }

    @Test("Schnorr and Chaum-Pedersen commitments equal libsodium's, for keys and bases new, seen, B and the identity")
    func schnorrAndChaumPedersen() throws {
        let elements = Self.someElements()
        for round in 0..<40 {
            let c = Scalar.random(), s = round % 7 == 0 ? Scalar.zero : Scalar.random()
            let key = elements[round % elements.count]
            #expect(
                schnorrCommitment(challenge: c, response: s, key: key)
                    == referenceSchnorrCommitment(challenge: c, response: s, key: key).rawRepresentation)
            let proof = ChaumPedersenProof(challenge: c, response: s)
            let (g, x, h, y) = (
                round % 2 == 0 ? Element.generator : elements[(round + 1) % elements.count], elements[(round + 2) % elements.count],
                elements[(round + 3) % elements.count], elements[(round + 5) % elements.count]
            )
            let own = try #require(proof.ownCommitments(g: g, x: x, h: h, y: y))
            let reference = proof.referenceCommitments(g: g, x: x, h: h, y: y)
            #expect(own == reference.map(\.rawRepresentation), "round \(round)")
        }
        // And honest proofs still verify through it, while a changed statement does not.
        let secret = Scalar.random(), h = Element.random()
        let proof = ChaumPedersenProof.prove(secret: secret, g: .generator, x: .base(secret), h: h, y: secret * h, context: context)
        try proof.verify(g: .generator, x: .base(secret), h: h, y: secret * h, context: context)
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(g: .generator, x: .base(secret), h: h, y: h, context: context) }
    }

    @Test("A ciphertext sum in the own arithmetic equals libsodium's, from 0 to 50 terms, the identity among them")
    func ciphertextSums() {
        for count in [0, 1, 2, 7, 50] {
            let terms = (0..<count).map { i in
                i % 5 == 3 ? Ciphertext.zero : Ciphertext.encrypt(Scalar(UInt64(i % 2)), nonce: Scalar.random(), key: .base(Scalar(9)))
            }
            var own = CiphertextSum()
            for t in terms { own.add(t) }
            #expect(own.value == terms.reduce(Ciphertext.zero, +), "\(count) terms")
        }
    }
}
