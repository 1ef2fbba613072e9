import Ristretto
import RistrettoArithmetic
import Synchronization

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

/// Bounded discrete logarithm base B for small counts (tallies), and the combination of decryption
/// shares before it.
public enum DiscreteLog {
    /// The t in [0, bound] with t*B = target, or nil. Baby-step giant-step in the own arithmetic
    /// (public data: SPEC.md 2): O(sqrt(bound)) additions, each point looked up by its coset key
    /// (`cosetKeys`), a key found confirmed by the group's equality; the baby steps of a size are
    /// kept for the next call. Bounds above 2^40 are refused (nil): no tally cell holds that many ballots.
    public static func solve(_ target: Element, bound: Int) -> Int? {
        guard let point = PublicArithmetic.point(target) else { return reference(target, bound: bound) }
        return solve(point, bound: bound)
    }

    /// The t in [0, bound] with t*B = beta - sum of lambda_i * S_i: a tally ciphertext's count from
    /// k decryption shares S_i and their Lagrange coefficients (one multi-scalar multiplication,
    /// no encoding), or nil.
    public static func solve(_ beta: Element, minus shares: [(lambda: Scalar, share: Element)], bound: Int) -> Int? {
        let points = shares.compactMap { PublicArithmetic.point($0.share) }
        guard points.count == shares.count, let b = PublicArithmetic.point(beta) else {
            return reference(shares.reduce(beta) { $0 - $1.lambda * $1.share }, bound: bound)
        }
        return solve(b - PublicArithmetic.multiply(zip(shares.map(\.lambda), points).map { ($0, $1) }, fixed: []), bound: bound)
    }

    static func solve(_ target: EdwardsPoint, bound: Int) -> Int? {
        guard bound >= 0, bound <= 1 << 40 else { return nil }
        // m from the bound rounded up to a power of two, so that cells of similar sizes share baby steps.
        let m = Int(Double(1 << (Int.bitWidth - bound.leadingZeroBitCount)).squareRoot().rounded(.up))
        let baby = BabySteps.of(m)
        let giant = baby.giant
        var y = target
        var i = 0
        let last = bound / m
        while i <= last {
            var run = [EdwardsPoint]()
            run.reserveCapacity(min(64, last - i + 1))
            while run.count < min(64, last - i + 1) {
                run.append(y)
                y = y - giant
            }
            for (k, key) in cosetKeys(run).enumerated() {
                for j in baby.steps(key) where PublicArithmetic.smallMultiple(j) == run[k] {
                    let t = (i + k) * m + j
                    return t <= bound ? t : nil
                }
            }
            i += run.count
        }
        return nil
    }

    /// The same by libsodium's operations on encodings (an addition decodes and encodes): the
    /// reference the own version is tested and timed against, and its fallback.
    public static func reference(_ target: Element, bound: Int) -> Int? {
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

    /// A key for each point, the same for the four points of one ristretto255 element: the first 64
    /// bits of (xy)^2 = (T/Z)^2 (adding a point of order 2 or 4 maps xy to xy or -xy), with one
    /// inversion for all the points (Montgomery's trick). Different elements may share a key.
    static func cosetKeys(_ points: [EdwardsPoint]) -> [UInt64] {
        var prefix = [FieldElement]()
        prefix.reserveCapacity(points.count)
        var product = FieldElement.one
        for p in points {
            prefix.append(product)
            product = product * p.z
        }
        var inverse = product.inverse
        var keys = [UInt64](repeating: 0, count: points.count)
        for k in points.indices.reversed() {
            let zInverse = inverse * prefix[k]
            inverse = inverse * points[k].z
            let bytes = (points[k].t * zInverse).squared.bytes
            keys[k] = bytes.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
        }
        return keys
    }

    /// The keys of j*B for j in 0..<m and the giant step m*B, kept per m (a few sizes at a time).
    final class BabySteps: Sendable {
        let giant: EdwardsPoint
        private let first: [UInt64: Int]
        /// The rare j whose key an earlier j already has.
        private let more: [UInt64: [Int]]

        private init(_ m: Int) {
            var first = [UInt64: Int](minimumCapacity: m)
            var more = [UInt64: [Int]]()
            var p = EdwardsPoint.identity
            let b = EdwardsPoint.basepoint
            for start in stride(from: 0, to: m, by: 1024) {
                var run = [EdwardsPoint]()
                for _ in start..<min(m, start + 1024) {
                    run.append(p)
                    p = p + b
                }
                for (k, key) in cosetKeys(run).enumerated() {
                    if first[key] == nil { first[key] = start + k } else { more[key, default: []].append(start + k) }
                }
            }
            (self.first, self.more, giant) = (first, more, p)
        }

        /// The j whose j*B may be the point of this key.
        func steps(_ key: UInt64) -> [Int] {
            guard let j = first[key] else { return [] }
            return [j] + (more[key] ?? [])
        }

        private static let kept = Mutex<[Int: BabySteps]>([:])

        static func of(_ m: Int) -> BabySteps {
            if let b = kept.withLock({ $0[m] }) { return b }
            let b = BabySteps(m)
            kept.withLock {
                if $0.count >= 4 { $0.removeAll() }
                $0[m] = b
            }
            return b
        }
    }
}
