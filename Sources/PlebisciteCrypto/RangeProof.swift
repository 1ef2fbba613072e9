import Ristretto
import RistrettoArithmetic

/// Disjunctive Chaum-Pedersen proof that a ciphertext (alpha, beta) under K encrypts an integer
/// m in [lower, upper] (CDS-style OR of one proof per candidate value).
///
/// Branch j (value v_j = lower + j) claims: log_B(alpha) = log_K(beta - v_j*B). The challenge
/// c = H("range", context, K, alpha, beta, lower, upper, A_0, B_0, ..., A_n, B_n) and the branch
/// challenges must sum to c. The 0/1 proof of each option is the case [0, 1]; the selection-count
/// proof of each question is the case [min, max] on the summed ciphertext (PROTOCOL.md 3.4).
public struct RangeProof: Sendable, Equatable, Codable {
    public var challenges: [Scalar]
    public var responses: [Scalar]

    public init(challenges: [Scalar], responses: [Scalar]) {
        self.challenges = challenges
        self.responses = responses
    }

    static func challenge(
        context: [UInt8], key: Element, ciphertext: Ciphertext, lower: Int, upper: Int, commitments: [[UInt8]]
    ) -> Scalar {
        var t = Transcript("range")
        t.append(bytes: context)
        t.append(key)
        ciphertext.append(to: &t)
        t.append(lower)
        t.append(upper)
        t.append(encodings: commitments)
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
            context: context, key: key, ciphertext: ciphertext, lower: lower, upper: upper,
            commitments: commitments.map(\.rawRepresentation))
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
        return RangeProof(challenges: challenges, responses: responses)
    }

    /// Checks that `ciphertext` under `key` encrypts a value in [lower, upper].
    ///
    /// Cost per branch: two multi-scalar multiplications of one variable-base term and one tabled
    /// term (B, K) each, and two encodings, in the project's own arithmetic (public data).
    public func verify(
        ciphertext: Ciphertext, key: Element, lower: Int, upper: Int, context: [UInt8]
    ) throws(ProofError) {
        guard lower >= 0, lower <= upper else { throw .wrongShape }
        let n = upper - lower + 1
        guard challenges.count == n, responses.count == n else { throw .wrongShape }
        let commitments =
            ownCommitments(ciphertext: ciphertext, key: key, lower: lower)
            ?? referenceCommitments(ciphertext: ciphertext, key: key, lower: lower).map(\.rawRepresentation)
        var sum = Scalar.zero
        for c in challenges { sum += c }
        let expected = RangeProof.challenge(
            context: context, key: key, ciphertext: ciphertext, lower: lower, upper: upper, commitments: commitments)
        guard expected == sum else { throw .challengeMismatch }
    }

    /// The commitments the challenges and responses imply, A_j = s_j*B - c_j*alpha and
    /// B_j = s_j*K - c_j*(beta - v_j*B), encoded; nil if an element does not decode.
    func ownCommitments(ciphertext: Ciphertext, key: Element, lower: Int) -> [[UInt8]]? {
        guard let alpha = PublicArithmetic.point(ciphertext.alpha), let beta = PublicArithmetic.point(ciphertext.beta),
            let kTable = PublicArithmetic.table(key)
        else { return nil }
        var commitments = [[UInt8]]()
        commitments.reserveCapacity(2 * challenges.count)
        for (j, (c, s)) in zip(challenges, responses).enumerated() {
            let shifted = beta - PublicArithmetic.smallMultiple(lower + j)
            commitments.append(PublicArithmetic.multiply([(c, -alpha)], fixed: [(s, EdwardsPoint.basepointTable)]).ristrettoBytes)
            commitments.append(PublicArithmetic.multiply([(c, -shifted)], fixed: [(s, kTable)]).ristrettoBytes)
        }
        return commitments
    }

    /// The same commitments computed with libsodium's API: the reference the own arithmetic is
    /// tested against (and the fallback should it ever fail to decode an element libsodium accepted).
    /// Cost per branch: one fixed-base and three variable-base multiplications.
    func referenceCommitments(ciphertext: Ciphertext, key: Element, lower: Int) -> [Element] {
        var commitments = [Element]()
        commitments.reserveCapacity(2 * challenges.count)
        for (j, (c, s)) in zip(challenges, responses).enumerated() {
            commitments.append(.base(s) - c * ciphertext.alpha)
            let shifted = ciphertext.beta - Element.smallMultiple(lower + j)
            commitments.append(s * key - c * shifted)
        }
        return commitments
    }
}

extension Element {
    private static let smallMultiples: [Element] = (0..<64).map { Element.base(Scalar(UInt64($0))) }

    /// k*B for a small non-negative k, from a table for k < 64.
    public static func smallMultiple(_ k: Int) -> Element {
        k < smallMultiples.count ? smallMultiples[k] : .base(Scalar(UInt64(k)))
    }
}
