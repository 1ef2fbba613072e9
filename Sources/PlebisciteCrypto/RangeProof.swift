import Ristretto
import RistrettoArithmetic

/// Disjunctive Chaum-Pedersen proof that a ciphertext (alpha, beta) under K encrypts an integer
/// m in [lower, upper] (CDS-style OR of one proof per candidate value), with its commitments
/// (protocol version 2).
///
/// Branch j (value v_j = lower + j) claims: log_B(alpha) = log_K(beta - v_j*B), with commitments
/// A_j = s_j*B - c_j*alpha and B_j = s_j*K - c_j*(beta - v_j*B). The challenge
/// c = H("range", context, K, alpha, beta, lower, upper, A_0, B_0, ..., A_n, B_n) and the branch
/// challenges must sum to c. The 0/1 proof of each option is the case [0, 1]; the selection-count
/// proof of each question is the case [min, max] on the summed ciphertext (PROTOCOL.md 3.4).
public struct RangeProof: Sendable, Equatable, Codable {
    /// A_0, B_0, A_1, B_1, ...: two per branch.
    public var commitments: [Element]
    public var challenges: [Scalar]
    public var responses: [Scalar]

    public init(commitments: [Element], challenges: [Scalar], responses: [Scalar]) {
        self.commitments = commitments
        self.challenges = challenges
        self.responses = responses
    }

    static func challenge(
        context: [UInt8], key: Element, ciphertext: Ciphertext, lower: Int, upper: Int, commitments: [Element]
    ) -> Scalar {
        var t = Transcript("range")
        t.append(bytes: context)
        t.append(key)
        ciphertext.append(to: &t)
        t.append(lower)
        t.append(upper)
        t.append(commitments)
        return t.challenge()
    }

    /// Constant-time 1 if a == b else 0, for small integers.
    @inline(__always)
    static func equalBit(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let d = a ^ b
        return ((d | (0 &- d)) >> 63) ^ 1
    }

    /// Proves that `ciphertext = Enc(value; nonce)` with `value` in [lower, upper].
    ///
    /// Every branch performs the same operations (one fixed-base and one variable-base
    /// multiplication for the commitments, one fixed-base for the correction), so the time
    /// taken does not depend on which branch is real: A_j = t_j*B, B_j = t_j*K - (c_j*(m - v_j))*B.
    /// For the real branch m - v_j = 0, and its challenge is fixed after hashing.
    public static func prove(
        value m: Int, nonce r: Scalar, ciphertext: Ciphertext, key: Element, lower: Int, upper: Int, context: [UInt8]
    ) -> RangeProof {
        precondition(lower >= 0 && lower <= upper, "empty range")
        let n = upper - lower + 1
        let mScalar = Scalar(UInt64(m))
        var nonces = [Scalar]()
        var challenges = [Scalar]()
        var commitments = [Element]()
        nonces.reserveCapacity(n)
        challenges.reserveCapacity(n)
        commitments.reserveCapacity(2 * n)
        for j in 0..<n {
            let t = Scalar.random()
            let c = Scalar.random()
            let d = mScalar - Scalar(UInt64(lower + j))
            nonces.append(t)
            challenges.append(c)
            commitments.append(.base(t))
            commitments.append(t * key - .base(c * d))
        }
        let c = challenge(
            context: context, key: key, ciphertext: ciphertext, lower: lower, upper: upper, commitments: commitments)
        var sum = Scalar.zero
        for cj in challenges { sum += cj }
        let correction = c - sum
        var responses = [Scalar]()
        responses.reserveCapacity(n)
        for j in 0..<n {
            let isReal = Scalar(equalBit(UInt64(m), UInt64(lower + j)))
            challenges[j] += isReal * correction
            responses.append(nonces[j] + challenges[j] * r)
        }
        return RangeProof(commitments: commitments, challenges: challenges, responses: responses)
    }

    /// Checks that `ciphertext` under `key` encrypts a value in [lower, upper] (a batch of its own).
    public func verify(
        ciphertext: Ciphertext, key: Element, lower: Int, upper: Int, context: [UInt8]
    ) throws(ProofError) {
        var batch = ProofBatch()
        try check(ciphertext: ciphertext, key: key, lower: lower, upper: upper, context: context, into: &batch)
        guard batch.holds() else { throw .commitmentMismatch }
    }

    /// Checks the shape and the challenges now, and adds the 2n equations
    /// s_j*B - A_j - c_j*alpha = 0 and s_j*K - B_j - c_j*beta + c_j*v_j*B = 0 to `batch`, each with a
    /// random weight. `parts`, if given, are ciphertexts whose sum is `ciphertext` (a question's
    /// selections): the equations then name them, so no point of the sum is decoded.
    ///
    /// Cost: the hash, 4n scalar multiplications, and the decoding of 2n + 2 points (fewer when
    /// the batch holds them already).
    public func check(
        ciphertext: Ciphertext, parts: [Ciphertext]? = nil, key: Element, lower: Int, upper: Int, context: [UInt8],
        into batch: inout ProofBatch
    ) throws(ProofError) {
        guard lower >= 0, lower <= upper else { throw .wrongShape }
        let n = upper - lower + 1
        guard challenges.count == n, responses.count == n, commitments.count == 2 * n else { throw .wrongShape }
        guard !commitments.contains(where: \.isIdentity) else { throw .identityNotAllowed }
        var sum = Scalar.zero
        for c in challenges { sum += c }
        let expected = RangeProof.challenge(
            context: context, key: key, ciphertext: ciphertext, lower: lower, upper: upper, commitments: commitments)
        guard expected == sum else { throw .challengeMismatch }
        let statement = parts ?? [ciphertext]
        guard batch.admit(commitments), batch.admit(statement.flatMap { [$0.alpha, $0.beta] }),
            PublicArithmetic.table(key) != nil
        else {
            guard referenceEquationsHold(ciphertext: ciphertext, key: key, lower: lower) else { throw .commitmentMismatch }
            return
        }
        var alphaCoefficient = Scalar.zero, betaCoefficient = Scalar.zero
        var baseCoefficient = Scalar.zero, keyCoefficient = Scalar.zero
        for j in 0..<n {
            let z1 = batch.weight(), z2 = batch.weight()
            let c = challenges[j], s = responses[j]
            let z2c = z2 * c
            baseCoefficient += z1 * s + z2c * Scalar(UInt64(lower + j))
            keyCoefficient += z2 * s
            alphaCoefficient += z1 * c
            betaCoefficient += z2c
            batch.add(-z1, commitments[2 * j])
            batch.add(-z2, commitments[2 * j + 1])
        }
        batch.addBase(baseCoefficient)
        batch.addKey(keyCoefficient, key)
        for part in statement {
            batch.add(-alphaCoefficient, part.alpha)
            batch.add(-betaCoefficient, part.beta)
        }
    }

    /// The same equations with libsodium's API, one at a time: the reference the batch is tested
    /// against (and the fallback should the own arithmetic fail to decode an element libsodium
    /// accepted). Cost per branch: two fixed-base and three variable-base multiplications.
    public func referenceEquationsHold(ciphertext: Ciphertext, key: Element, lower: Int) -> Bool {
        guard commitments.count == 2 * challenges.count, responses.count == challenges.count else { return false }
        for (j, (c, s)) in zip(challenges, responses).enumerated() {
            guard Element.base(s) == commitments[2 * j] + c * ciphertext.alpha else { return false }
            let shifted = ciphertext.beta - Element.smallMultiple(lower + j)
            guard s * key == commitments[2 * j + 1] + c * shifted else { return false }
        }
        return true
    }
}

extension Element {
    private static let smallMultiples: [Element] = (0..<64).map { Element.base(Scalar(UInt64($0))) }

    /// k*B for a small non-negative k, from a table for k < 64.
    public static func smallMultiple(_ k: Int) -> Element {
        k < smallMultiples.count ? smallMultiples[k] : .base(Scalar(UInt64(k)))
    }
}
