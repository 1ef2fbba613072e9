import Ristretto
import RistrettoArithmetic

/// The equations of many proofs, each of the form sum of s_i P_i = identity, combined with
/// independent random 128-bit weights and checked as one multi-scalar multiplication
/// (PROTOCOL.md 8.4).
///
/// If every equation holds, so does the combination; if one fails, the combination holds with
/// probability at most 2^-128 over the weights, which come from libsodium's generator and are
/// drawn after the proofs are fixed. A batch that does not hold names nothing: callers then check
/// each proof in a batch of its own to say which one fails.
public struct ProofBatch: Sendable {
    /// Variable points (decoded once each, however many equations name them) and their coefficients.
    private var points: [EdwardsPoint] = []
    private var coefficients: [Scalar] = []
    private var index: [Element: Int] = [:]
    /// The coefficient of B and those of tabled keys (an election's joint key).
    private var baseCoefficient = Scalar.zero
    private var keyCoefficients: [Element: Scalar] = [:]

    public init() {}

    /// Random bytes for weights, drawn from libsodium's generator 32 weights at a time.
    private var randomPool: [UInt8] = []

    /// A fresh random weight below 2^128, from libsodium's generator.
    mutating func weight() -> Scalar {
        if randomPool.isEmpty { randomPool = Sodium.randomBytes(16 * 32) }
        let bytes = randomPool.suffix(16) + [UInt8](repeating: 0, count: 16)
        randomPool.removeLast(16)
        // Below 2^128 < l: always canonical.
        return try! Scalar(rawRepresentation: bytes)
    }

    /// The number of distinct variable points.
    public var pointCount: Int { points.count }

    /// Decodes `elements` in the own arithmetic and registers them; false if one does not decode
    /// (the two implementations disagree: the caller then checks with libsodium instead).
    mutating func admit(_ elements: [Element]) -> Bool {
        for e in elements where index[e] == nil {
            guard let p = PublicArithmetic.point(e) else { return false }
            index[e] = points.count
            points.append(p)
            coefficients.append(.zero)
        }
        return true
    }

    /// A ciphertext's points, if both components were admitted (for tallying without decoding again).
    public func points(_ c: Ciphertext) -> CiphertextPoints? {
        guard let a = index[c.alpha], let b = index[c.beta] else { return nil }
        return CiphertextPoints(alpha: points[a], beta: points[b])
    }

    /// Adds `coefficient` times an element admitted before.
    mutating func add(_ coefficient: Scalar, _ element: Element) {
        let i = index[element]!
        coefficients[i] += coefficient
    }

    /// Adds `coefficient` times B.
    mutating func addBase(_ coefficient: Scalar) { baseCoefficient += coefficient }

    /// Adds `coefficient` times a key used in proof after proof (tabled when it holds).
    mutating func addKey(_ coefficient: Scalar, _ key: Element) {
        if key == .generator { baseCoefficient += coefficient } else { keyCoefficients[key, default: .zero] += coefficient }
    }

    /// Whether the combination of every equation added is the identity.
    ///
    /// Complexity: one Straus chain (253 doublings, about 253/6 additions per point) below 64
    /// points; Pippenger's bucket method above, about (253/c)(n + 2^c) additions for window c.
    public func holds() -> Bool {
        var scalars = coefficients.map(\.rawRepresentation)
        var terms = points
        var fixed: [(scalar: [UInt8], table: EdwardsPoint.Table)] = [
            (baseCoefficient.rawRepresentation, EdwardsPoint.basepointTable)
        ]
        for (key, coefficient) in keyCoefficients {
            if let table = PublicArithmetic.table(key) {
                fixed.append((coefficient.rawRepresentation, table))
            } else {
                // The key was admitted by libsodium but not decoded here: disagreement, refuse.
                return false
            }
        }
        let sum: EdwardsPoint
        if terms.count < 64 {
            sum = EdwardsPoint.multiscalarMultiply(scalars, terms, fixed: fixed)
        } else {
            for (scalar, table) in fixed {
                scalars.append(scalar)
                terms.append(table.point)
            }
            sum = EdwardsPoint.pippenger(scalars, terms)
        }
        return sum == .identity
    }
}
