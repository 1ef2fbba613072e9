/// A point of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates
/// (X : Y : Z : T) with x = X/Z, y = Y/Z, xy = T/Z; as a ristretto255 element, one of the four
/// points of its coset (equality is the group's, RFC 9496 4.3.3). Variable time: public data only.
public struct EdwardsPoint: Sendable {
    public var x, y, z, t: FieldElement

    public init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) { (self.x, self.y, self.z, self.t) = (x, y, z, t) }

    public static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// The sum (add-2008-hwcd-3 with a = -1: 9 multiplications, through the cached form).
    public static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint { (p + q.cached).extended }

    public static prefix func - (p: EdwardsPoint) -> EdwardsPoint { EdwardsPoint(x: -p.x, y: p.y, z: p.z, t: -p.t) }

    public static func - (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint { (p - q.cached).extended }

    /// The double (dbl-2008-hwcd with a = -1: 4 squarings, 4 multiplications).
    public var doubled: EdwardsPoint { projective.doubled.extended }

    /// The point doubled `n` times (n >= 1), in projective coordinates between the doublings.
    func doubled(times n: Int) -> EdwardsPoint {
        var p = projective
        for _ in 1..<n { p = p.doubled.projective }
        return p.doubled.extended
    }

    /// (X : Y : Z), enough to double.
    var projective: Projective { Projective(x: x, y: y, z: z) }
}

extension EdwardsPoint: Equatable {
    /// Equality of ristretto255 elements (RFC 9496 4.3.3): x1 y2 = y1 x2 or y1 y2 = x1 x2.
    public static func == (p: EdwardsPoint, q: EdwardsPoint) -> Bool { p.x * q.y == p.y * q.x || p.y * q.y == p.x * q.x }
}

extension EdwardsPoint {
    /// `scalar` (32 little-endian bytes, any value below 2^256) times the point, by double-and-add
    /// from the top bit. Variable time; the reference the faster methods are tested against.
    public func times(_ scalar: [UInt8]) -> EdwardsPoint {
        precondition(scalar.count == 32, "a scalar is 32 bytes")
        var r = EdwardsPoint.identity
        for i in (0..<256).reversed() {
            r = r.doubled
            if (scalar[i / 8] >> (i % 8)) & 1 == 1 { r = r + self }
        }
        return r
    }
}
