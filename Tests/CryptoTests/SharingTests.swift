import Ristretto
import Testing

@testable import PlebisciteCrypto

@Suite("ElGamal, threshold sharing, discrete log")
struct SharingTests {
    @Test("Homomorphic sum decrypts to the sum of plaintexts")
    func elgamalSum() {
        let x = Scalar.random()
        let k = Element.base(x)
        var sum = Ciphertext.zero
        var expected = 0
        for i in 0..<20 {
            let bit = UInt8(i % 3 == 0 ? 1 : 0)
            expected += Int(bit)
            sum += Ciphertext.encrypt(bit: bit, nonce: .random(), key: k)
        }
        let m = sum.beta - x * sum.alpha
        #expect(DiscreteLog.solve(m, bound: 20) == expected)
        #expect(Ciphertext.encrypt(bit: 0, nonce: .zero, key: k) == .zero)
    }

    @Test("Feldman shares verify against commitments; a changed share or index fails")
    func feldman() {
        let p = Polynomial.random(threshold: 3)
        let commitments = p.commitments
        for i: UInt64 in 1...5 {
            #expect(ThresholdSharing.verifyShare(p.evaluate(at: i), index: i, commitments: commitments))
            #expect(!ThresholdSharing.verifyShare(p.evaluate(at: i) + .one, index: i, commitments: commitments))
            #expect(!ThresholdSharing.verifyShare(p.evaluate(at: i), index: i + 1, commitments: commitments))
        }
    }

    @Test("Any k of n shares reconstruct the joint secret by Lagrange interpolation", arguments: [[1, 2], [1, 3], [2, 3], [1, 2, 3]])
    func lagrange(_ subset: [UInt64]) {
        // Three dealers, threshold 2: the joint secret is the sum of constant terms.
        let dealers = (0..<3).map { _ in Polynomial.random(threshold: 2) }
        let secret = dealers.reduce(Scalar.zero) { $0 + $1.coefficients[0] }
        let joint = dealers.reduce(Element.identity) { $0 + $1.commitments[0] }
        #expect(joint == Element.base(secret))
        var recovered = Scalar.zero
        for i in subset {
            let share = dealers.reduce(Scalar.zero) { $0 + $1.evaluate(at: i) }
            let vk = ThresholdSharing.verificationKey(index: i, allCommitments: dealers.map(\.commitments))
            #expect(vk == Element.base(share))
            recovered += ThresholdSharing.lagrangeCoefficient(for: i, among: subset) * share
        }
        #expect(recovered == secret)
    }

    @Test("Discrete log finds every t up to the bound and nothing beyond", arguments: [0, 1, 7, 99, 100, 1000])
    func discreteLog(_ bound: Int) {
        for t in Set([0, bound / 2, bound]) {
            #expect(DiscreteLog.solve(Element.base(Scalar(UInt64(t))), bound: bound) == t)
        }
        #expect(DiscreteLog.solve(Element.base(Scalar(UInt64(bound + 1))), bound: bound) == nil)
        #expect(DiscreteLog.solve(Element.random(), bound: bound) == nil)
    }

    @Test("Transcript separates domains and part boundaries")
    func transcript() {
        let a = Transcript.hash("x", [[1, 2], [3]])
        #expect(a != Transcript.hash("x", [[1], [2, 3]]))
        #expect(a != Transcript.hash("y", [[1, 2], [3]]))
        #expect(a == Transcript.hash("x", [[1, 2], [3]]))
        #expect(a.count == 64)
    }
}
