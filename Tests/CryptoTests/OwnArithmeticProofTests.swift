import Ristretto
import Testing

@testable import PlebisciteCrypto

/// Verification computes every commitment in the project's own arithmetic; libsodium's API is the
/// reference. The two must give the same bytes for valid proofs, for tampered ones (random
/// challenges and responses: commitments of proofs that fail) and for the identity and generator.
@Suite("Proof commitments: own arithmetic against libsodium")
struct OwnArithmeticProofTests {
    let context = Array("context".utf8)

    /// Elements that exercise the edges as well as random ones.
    static func someElements() -> [Element] { [.identity, .generator, .base(Scalar(2))] + (0..<5).map { _ in Element.random() } }

    @Test("Range proofs: A_j and B_j equal libsodium's for honest and random proofs, ranges [0,1] to [2,6], keys new and seen")
    func rangeCommitments() throws {
        for round in 0..<40 {
            let key = round % 4 == 0 ? Element.generator : Element.base(Scalar.random())
            let lower = round % 3, upper = lower + round % 5
            let value = lower + round % (upper - lower + 1)
            let r = Scalar.random()
            let ct = Ciphertext.encrypt(Scalar(UInt64(value)), nonce: r, key: key)
            let honest = RangeProof.prove(value: value, nonce: r, ciphertext: ct, key: key, lower: lower, upper: upper, context: context)
            let n = upper - lower + 1
            let random = RangeProof(challenges: (0..<n).map { _ in Scalar.random() }, responses: (0..<n).map { _ in Scalar.random() })
            let elements = Self.someElements()
            let odd = Ciphertext(alpha: elements[round % elements.count], beta: elements[(round / 3) % elements.count])
            for (proof, ciphertext) in [(honest, ct), (random, ct), (random, odd), (honest, odd)] {
                let own = try #require(proof.ownCommitments(ciphertext: ciphertext, key: key, lower: lower))
                let reference = proof.referenceCommitments(ciphertext: ciphertext, key: key, lower: lower).map(\.rawRepresentation)
                #expect(own == reference, "round \(round), range [\(lower), \(upper)]")
            }
            try honest.verify(ciphertext: ct, key: key, lower: lower, upper: upper, context: context)
            #expect(throws: ProofError.challengeMismatch) {
                try random.verify(ciphertext: ct, key: key, lower: lower, upper: upper, context: context)
            }
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
