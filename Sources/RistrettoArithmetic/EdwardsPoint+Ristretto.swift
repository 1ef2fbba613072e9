extension EdwardsPoint {
    /// Why 32 bytes are not a ristretto255 element.
    public enum DecodingError: Error, Equatable, Sendable {
        /// Not the canonical encoding of a non-negative field element below p.
        case nonCanonicalField
        /// A field element that decodes to no point of the group.
        case notAnElement
    }

    /// DECODE of RFC 9496 4.3.1: the element whose canonical encoding is `bytes` (one inverse square root).
    public init(ristretto bytes: [UInt8]) throws(DecodingError) {
        self = try Self.decoded(bytes, invsqrt: nil).point
    }

    /// DECODE, also returning the inverse square root it computed (32 canonical bytes), with which
    /// `init(ristretto:hint:)` decodes the same bytes again in a few multiplications.
    public static func decodedWithHint(ristretto bytes: [UInt8]) throws(DecodingError) -> (point: EdwardsPoint, hint: [UInt8]) {
        let (point, invsqrt) = try decoded(bytes, invsqrt: nil)
        return (point, invsqrt.bytes)
    }

    /// DECODE given the inverse square root a former decoding of the same bytes returned. The hint is
    /// checked, never trusted: it is used only if it is the non-negative root r with r^2 v u2^2 = 1,
    /// the one root DECODE finds; otherwise this is the full decoding. Either way, the result and the
    /// errors are DECODE's.
    public init(ristretto bytes: [UInt8], hint: [UInt8]) throws(DecodingError) {
        let root = FieldElement.isCanonical(hint) ? FieldElement(littleEndian: hint) : nil
        self = try Self.decoded(bytes, invsqrt: root).point
    }

    /// DECODE's steps, taking the inverse square root from `invsqrt` when it is the right one.
    private static func decoded(_ bytes: [UInt8], invsqrt given: FieldElement?) throws(DecodingError) -> (
        point: EdwardsPoint, invsqrt: FieldElement
    ) {
        guard bytes.count == 32, FieldElement.isCanonical(bytes) else { throw .nonCanonicalField }
        let s = FieldElement(littleEndian: bytes)
        guard !s.isNegative else { throw .nonCanonicalField }
        let ss = s.squared
        let u1 = FieldElement.one - ss, u2 = FieldElement.one + ss
        let u2Squared = u2.squared
        let v = -(FieldElement.d * u1.squared) - u2Squared
        let radicand = v * u2Squared
        let wasSquare: Bool
        let invsqrt: FieldElement
        if let r = given, r == r.absolute, r.squared * radicand == .one {
            (wasSquare, invsqrt) = (true, r)
        } else {
            (wasSquare, invsqrt) = FieldElement.sqrtRatioM1(.one, radicand)
        }
        let denX = invsqrt * u2
        let denY = invsqrt * denX * v
        let x = ((s + s) * denX).absolute
        let y = u1 * denY
        let t = x * y
        guard wasSquare, !t.isNegative, !y.isZero else { throw .notAnElement }
        return (EdwardsPoint(x: x, y: y, z: .one, t: t), invsqrt)
    }

    /// ENCODE of RFC 9496 4.3.2: the canonical 32 bytes of the element (one inverse square root).
    public var ristrettoBytes: [UInt8] {
        let u1 = (z + y) * (z - y)
        let u2 = x * y
        let invsqrt = FieldElement.sqrtRatioM1(.one, u1 * u2.squared).root
        let den1 = invsqrt * u1, den2 = invsqrt * u2
        let zInv = den1 * den2 * t
        let rotate = (t * zInv).isNegative
        let x = rotate ? y * FieldElement.sqrtM1 : self.x
        var y = rotate ? self.x * FieldElement.sqrtM1 : self.y
        let denInv = rotate ? den1 * FieldElement.invSqrtAMinusD : den2
        if (x * zInv).isNegative { y = -y }
        return (denInv * (z - y)).absolute.bytes
    }

    /// MAP of RFC 9496 4.3.4: a point from 32 bytes of hash output (top bit ignored).
    static func map(_ bytes: some Collection<UInt8>) -> EdwardsPoint {
        let t = FieldElement(littleEndian: bytes)
        let r = FieldElement.sqrtM1 * t.squared
        let u = (r + .one) * FieldElement.oneMinusDSquared
        let v = (-FieldElement.one - r * FieldElement.d) * (r + FieldElement.d)
        var (wasSquare, s) = FieldElement.sqrtRatioM1(u, v)
        let sPrime = -(s * t).absolute
        s = wasSquare ? s : sPrime
        let c = wasSquare ? -FieldElement.one : r
        let n = c * (r - .one) * FieldElement.dMinusOneSquared - v
        let w0 = (s + s) * v
        let w1 = n * FieldElement.sqrtADMinusOne
        let ss = s.squared
        let w2 = FieldElement.one - ss, w3 = FieldElement.one + ss
        return EdwardsPoint(x: w0 * w3, y: w2 * w1, z: w1 * w3, t: w0 * w2)
    }

    /// The element of 64 uniformly random bytes (RFC 9496 4.3.4): MAP of each half, added.
    public init(fromUniformBytes bytes: [UInt8]) {
        precondition(bytes.count == 64, "64 bytes of hash output")
        self = Self.map(bytes[0..<32]) + Self.map(bytes[32..<64])
    }
}
