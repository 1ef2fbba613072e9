import Ristretto
import Testing

@testable import PlebisciteCrypto

/// Every proof verifies for its own statement and fails for any change of statement,
/// response, challenge or context: the strong Fiat-Shamir property of PROTOCOL.md 3.
@Suite("Proofs")
struct ProofTests {
    let context = Array("context-hash-of-election-A".utf8)
    let otherContext = Array("context-hash-of-election-B".utf8)

    @Test("Schnorr proof of knowledge")
    func schnorrProof() throws {
        let x = Scalar.random()
        let X = Element.base(x)
        let proof = SchnorrProof.prove(secret: x, statement: X, context: context)
        try proof.verify(statement: X, context: context)
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(statement: Element.random(), context: context) }
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(statement: X, context: otherContext) }
        var bad = proof
        bad.response += .one
        #expect(throws: ProofError.challengeMismatch) { try bad.verify(statement: X, context: context) }
        bad = proof
        bad.challenge += .one
        #expect(throws: ProofError.challengeMismatch) { try bad.verify(statement: X, context: context) }
        // A proof for the wrong secret does not verify.
        let forged = SchnorrProof.prove(secret: Scalar.random(), statement: X, context: context)
        #expect(throws: ProofError.challengeMismatch) { try forged.verify(statement: X, context: context) }
    }

    @Test("Schnorr signature")
    func schnorrSignature() throws {
        let x = Scalar.random()
        let X = Element.base(x)
        let message = Array("ballot hash".utf8)
        let sig = SchnorrSignature.sign(message: message, secret: x, key: X, context: context)
        try sig.verify(message: message, key: X, context: context)
        // Another message, key or context gives another challenge: the equation s*B = A + c*X fails.
        #expect(throws: ProofError.commitmentMismatch) { try sig.verify(message: Array("ballot hasi".utf8), key: X, context: context) }
        #expect(throws: ProofError.commitmentMismatch) { try sig.verify(message: message, key: Element.random(), context: context) }
        #expect(throws: ProofError.commitmentMismatch) { try sig.verify(message: message, key: X, context: otherContext) }
        #expect(throws: ProofError.identityNotAllowed) { try sig.verify(message: message, key: .identity, context: context) }
        var bad = sig
        bad.response += .one
        #expect(throws: ProofError.commitmentMismatch) { try bad.verify(message: message, key: X, context: context) }
        bad = sig
        bad.commitment = bad.commitment + .generator
        #expect(throws: ProofError.commitmentMismatch) { try bad.verify(message: message, key: X, context: context) }
        bad.commitment = .identity
        #expect(throws: ProofError.identityNotAllowed) { try bad.verify(message: message, key: X, context: context) }
        // The commitment and response of a signature by another key do not fit X.
        let other = SchnorrSignature.sign(message: message, secret: Scalar.random(), key: X, context: context)
        #expect(throws: ProofError.commitmentMismatch) { try other.verify(message: message, key: X, context: context) }
    }

    @Test("Chaum-Pedersen equality of discrete logs")
    func chaumPedersen() throws {
        let x = Scalar.random()
        let h = Element.random()
        let X = Element.base(x), Y = x * h
        let proof = ChaumPedersenProof.prove(secret: x, g: .generator, x: X, h: h, y: Y, context: context)
        try proof.verify(g: .generator, x: X, h: h, y: Y, context: context)
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(g: .generator, x: X, h: h, y: Y + .generator, context: context) }
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(g: .generator, x: X + .generator, h: h, y: Y, context: context) }
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(g: .generator, x: X, h: Element.random(), y: Y, context: context) }
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(g: .generator, x: X, h: h, y: Y, context: otherContext) }
        var bad = proof
        bad.response += .one
        #expect(throws: ProofError.challengeMismatch) { try bad.verify(g: .generator, x: X, h: h, y: Y, context: context) }
        // Unequal logs cannot be proven.
        let yLie = Scalar.random() * h
        let lie = ChaumPedersenProof.prove(secret: x, g: .generator, x: X, h: h, y: yLie, context: context)
        #expect(throws: ProofError.challengeMismatch) { try lie.verify(g: .generator, x: X, h: h, y: yLie, context: context) }
        // General base G.
        let g = Element.random()
        let p2 = ChaumPedersenProof.prove(secret: x, g: g, x: x * g, h: h, y: Y, context: context)
        try p2.verify(g: g, x: x * g, h: h, y: Y, context: context)
    }

    @Test("0/1 proof verifies for 0 and 1, fails for 2, changed ciphertext, key or context", arguments: [0, 1])
    func bitProof(_ bit: Int) throws {
        let k = Element.base(Scalar.random())
        let r = Scalar.random()
        let ct = Ciphertext.encrypt(bit: UInt8(bit), nonce: r, key: k)
        let proof = RangeProof.prove(value: bit, nonce: r, ciphertext: ct, key: k, lower: 0, upper: 1, context: context)
        try proof.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context)
        #expect(throws: ProofError.challengeMismatch) {
            try proof.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: otherContext)
        }
        #expect(throws: ProofError.challengeMismatch) {
            try proof.verify(ciphertext: ct, key: Element.random(), lower: 0, upper: 1, context: context)
        }
        var moved = ct
        moved.beta = moved.beta + .generator
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(ciphertext: moved, key: k, lower: 0, upper: 1, context: context) }
        moved = ct
        moved.alpha = moved.alpha + .generator
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(ciphertext: moved, key: k, lower: 0, upper: 1, context: context) }
        #expect(throws: ProofError.wrongShape) { try proof.verify(ciphertext: ct, key: k, lower: 0, upper: 2, context: context) }
        var zero = proof
        zero.commitments[1] = .identity
        #expect(throws: ProofError.identityNotAllowed) { try zero.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
        var short = proof
        short.commitments.removeLast()
        #expect(throws: ProofError.wrongShape) { try short.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
        for j in 0..<2 {
            var bad = proof
            bad.responses[j] += .one
            #expect(throws: ProofError.commitmentMismatch) { try bad.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
            bad = proof
            bad.commitments[2 * j + 1] = bad.commitments[2 * j + 1] + .generator
            #expect(throws: ProofError.challengeMismatch) { try bad.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
            bad = proof
            bad.challenges[j] += .one
            #expect(throws: ProofError.challengeMismatch) { try bad.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
        }
    }

    @Test("A 0/1 proof cannot be made for an encryption of 2")
    func bitProofRejectsTwo() {
        let k = Element.base(Scalar.random())
        let r = Scalar.random()
        let ct = Ciphertext.encrypt(Scalar(2), nonce: r, key: k)
        let proof = RangeProof.prove(value: 2, nonce: r, ciphertext: ct, key: k, lower: 0, upper: 1, context: context)
        #expect(throws: ProofError.challengeMismatch) { try proof.verify(ciphertext: ct, key: k, lower: 0, upper: 1, context: context) }
    }

    @Test("Range proof on sums in [min, max]", arguments: [(1, 1, 1), (0, 3, 2), (2, 5, 5), (0, 0, 0)])
    func rangeProof(_ args: (Int, Int, Int)) throws {
        let (lower, upper, value) = args
        let k = Element.base(Scalar.random())
        let r = Scalar.random()
        let ct = Ciphertext.encrypt(Scalar(UInt64(value)), nonce: r, key: k)
        let proof = RangeProof.prove(value: value, nonce: r, ciphertext: ct, key: k, lower: lower, upper: upper, context: context)
        try proof.verify(ciphertext: ct, key: k, lower: lower, upper: upper, context: context)
        #expect(throws: ProofError.challengeMismatch) {
            try proof.verify(ciphertext: ct, key: k, lower: lower, upper: upper, context: otherContext)
        }
        // Out of range: value + 1 above the top is not provable.
        let outside = upper + 1
        let ct2 = Ciphertext.encrypt(Scalar(UInt64(outside)), nonce: r, key: k)
        let lie = RangeProof.prove(value: outside, nonce: r, ciphertext: ct2, key: k, lower: lower, upper: upper, context: context)
        #expect(throws: ProofError.challengeMismatch) {
            try lie.verify(ciphertext: ct2, key: k, lower: lower, upper: upper, context: context)
        }
    }
}
