import Ristretto
import Testing

@testable import PlebisciteCrypto
@testable import RistrettoArithmetic

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

    @Test(
        "Discrete log finds every t up to the bound and nothing beyond, as libsodium's reference does",
        arguments: [0, 1, 2, 7, 99, 100, 1000, 4095, 4096, 70_001])
    func discreteLog(_ bound: Int) {
        for t in Set([0, 1, bound / 2, bound - 1, bound, Int.random(in: 0...bound)]) where (0...bound).contains(t) {
            let target = Element.base(Scalar(UInt64(t)))
            #expect(DiscreteLog.solve(target, bound: bound) == t)
            #expect(DiscreteLog.reference(target, bound: bound) == t)
        }
        for beyond in [bound + 1, bound + 2, 2 * bound + 7] {
            let target = Element.base(Scalar(UInt64(beyond)))
            #expect(DiscreteLog.solve(target, bound: bound) == nil && DiscreteLog.reference(target, bound: bound) == nil)
        }
        let random = Element.random()
        #expect(DiscreteLog.solve(random, bound: bound) == nil && DiscreteLog.reference(random, bound: bound) == nil)
        #expect(DiscreteLog.solve(Element.generator, bound: -1) == nil && DiscreteLog.solve(Element.identity, bound: (1 << 40) + 1) == nil)
    }

    @Test("Coset keys: the four points of one element share a key; the keys of j*B match one by one")
    func cosetKeys() throws {
        let order2 = EdwardsPoint(x: .zero, y: -FieldElement.one, z: .one, t: .zero)
        let order4 = EdwardsPoint(x: FieldElement.sqrtM1, y: .zero, z: .one, t: .zero)
        for _ in 0..<50 {
            let p = try EdwardsPoint(ristretto: Element.random().rawRepresentation)
            let coset = [p, p + order2, p + order4, p + order2 + order4, (p + p) - p]
            let keys = DiscreteLog.cosetKeys(coset)
            #expect(Set(keys).count == 1 && coset.allSatisfy { $0 == p })
            #expect(DiscreteLog.cosetKeys([p.doubled])[0] != keys[0], "another element, another key")
        }
        // Keys computed one at a time (one inversion each) or for a run (one inversion) agree.
        let run = (0..<40).map { PublicArithmetic.smallMultiple($0 * 7 + 3) }
        #expect(DiscreteLog.cosetKeys(run) == run.flatMap { DiscreteLog.cosetKeys([$0]) })
    }

    @Test("A count from k of n decryption shares, combined in the own arithmetic, equals libsodium's; a wrong share gives none")
    func combinedShares() {
        // Two of three trustees: shares x_i alpha of the joint key's secret, combined by Lagrange at 0.
        let polynomial = Polynomial.random(threshold: 2)
        let key = Element.base(polynomial.coefficients[0])
        var sum = Ciphertext.zero
        let expected = 37
        for i in 0..<60 { sum += Ciphertext.encrypt(bit: i < expected ? 1 : 0, nonce: .random(), key: key) }
        for subset: [UInt64] in [[1, 2], [2, 3], [1, 3]] {
            let shares = subset.map {
                (ThresholdSharing.lagrangeCoefficient(for: $0, among: subset), polynomial.evaluate(at: $0) * sum.alpha)
            }
            #expect(DiscreteLog.solve(sum.beta, minus: shares, bound: 60) == expected)
            let combined = shares.reduce(sum.beta) { $0 - $1.0 * $1.1 }
            #expect(DiscreteLog.reference(combined, bound: 60) == expected)
            var wrong = shares
            wrong[0].1 = wrong[0].1 + .generator
            #expect(
                DiscreteLog.solve(sum.beta, minus: wrong, bound: 60)
                    == DiscreteLog.reference(wrong.reduce(sum.beta) { $0 - $1.0 * $1.1 }, bound: 60))
        }
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
