import Ristretto

/// A secret polynomial of degree k-1 over Z_l for Feldman verifiable secret sharing.
public struct Polynomial: Sendable {
    public let coefficients: [Scalar]

    public init(coefficients: [Scalar]) {
        precondition(!coefficients.isEmpty)
        self.coefficients = coefficients
    }

    /// A polynomial with `threshold` random coefficients (degree threshold - 1).
    public static func random(threshold: Int) -> Polynomial {
        Polynomial(coefficients: (0..<threshold).map { _ in Scalar.randomNonZero() })
    }

    /// P(x) by Horner's rule, constant-time in the coefficients.
    public func evaluate(at x: UInt64) -> Scalar {
        let xs = Scalar(x)
        var acc = coefficients[coefficients.count - 1]
        for c in coefficients.dropLast().reversed() { acc = acc * xs + c }
        return acc
    }

    /// The public commitments a_m * B, one per coefficient.
    public var commitments: [Element] { coefficients.map { .base($0) } }
}

/// Checks and combinations on public threshold data (Feldman VSS, Lagrange interpolation at 0).
public enum ThresholdSharing {
    /// Sum over m of index^m * C_m: what share index's public key must be, by Horner's rule.
    ///
    /// Complexity: k - 1 variable-base multiplications by the small scalar `index`.
    public static func publicShare(commitments: [Element], index: UInt64) -> Element {
        guard !commitments.isEmpty else { return .identity }
        let x = Scalar(index)
        var acc = commitments[commitments.count - 1]
        for c in commitments.dropLast().reversed() { acc = x * acc + c }
        return acc
    }

    /// Whether `share` is P(index) for the polynomial committed to by `commitments`.
    public static func verifyShare(_ share: Scalar, index: UInt64, commitments: [Element]) -> Bool {
        Element.base(share) == publicShare(commitments: commitments, index: index)
    }

    /// The verification key of trustee `index`: the sum of every dealer's public share for it.
    public static func verificationKey(index: UInt64, allCommitments: [[Element]]) -> Element {
        allCommitments.reduce(Element.identity) { $0 + publicShare(commitments: $1, index: index) }
    }

    /// The Lagrange coefficient at 0 of `index` among `indices` (all distinct, non-zero).
    public static func lagrangeCoefficient(for index: UInt64, among indices: [UInt64]) -> Scalar {
        var numerator = Scalar.one
        var denominator = Scalar.one
        for j in indices where j != index {
            numerator *= Scalar(j)
            denominator *= Scalar(j) - Scalar(index)
        }
        guard let inv = denominator.inverse else { preconditionFailure("indices must be distinct") }
        return numerator * inv
    }
}

/// Bounded discrete logarithm base B for small counts (tallies).
public enum DiscreteLog {
    /// The t in [0, bound] with t*B = target, or nil. Baby-step giant-step:
    /// O(sqrt(bound)) group additions and memory.
    /// Bounds above 2^40 are refused (nil): no tally cell holds that many ballots.
    public static func solve(_ target: Element, bound: Int) -> Int? {
        guard bound >= 0, bound <= 1 << 40 else { return nil }
        let m = Int(Double(bound + 1).squareRoot().rounded(.up))
        var table = [Element: Int](minimumCapacity: m)
        var p = Element.identity
        for j in 0..<m {
            if table[p] == nil { table[p] = j }
            p = p + .generator
        }
        let giant = Element.base(Scalar(UInt64(m)))
        var y = target
        for i in 0...(bound / m) {
            if let j = table[y] {
                let t = i * m + j
                return t <= bound ? t : nil
            }
            y = y - giant
        }
        return nil
    }
}
