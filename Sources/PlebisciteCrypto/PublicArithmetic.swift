import Ristretto
import RistrettoArithmetic
import Synchronization

/// Verification's arithmetic: public elements as points of the project's own ristretto255
/// arithmetic (variable time, public data only: SPEC.md 2), and tables of the points used in
/// proof after proof. Proving stays in libsodium.
enum PublicArithmetic {
    /// The point an element encodes: in a few multiplications if it came through `Element(received:)`
    /// (its hint checked first), else by a full decoding. Elements are valid by construction (one of
    /// the two decodings validated them), so this is nil only if the two implementations disagree,
    /// which the differential tests and the `arithmetic` fuzz target rule out; callers then compute
    /// with libsodium.
    static func point(_ e: Element) -> EdwardsPoint? {
        if let hint = e.decodingHint { return try? EdwardsPoint(ristretto: e.rawRepresentation, hint: hint) }
        return try? EdwardsPoint(ristretto: e.rawRepresentation)
    }

    /// The points' tables, for up to `tableLimit` keys (an election's joint key, trustees' keys).
    private static let tables = Mutex<[Element: EdwardsPoint.Table]>([:])
    private static let tableLimit = 64

    /// The table of `key`, built on first use (one decoding, 65 additions); nil if it does not decode.
    static func table(_ key: Element) -> EdwardsPoint.Table? {
        if key == .generator { return EdwardsPoint.basepointTable }
        if let t = tables.withLock({ $0[key] }) { return t }
        guard let point = point(key) else { return nil }
        let t = EdwardsPoint.Table(point)
        tables.withLock {
            if $0.count >= tableLimit { $0.removeAll() }
            $0[key] = t
        }
        return t
    }

    /// k*B for the small values range proofs shift by.
    private static let smallMultiples: [EdwardsPoint] = (0..<64).map { k in
        k == 0 ? .identity : multiply(fixed: [(Scalar(UInt64(k)), EdwardsPoint.basepointTable)])
    }

    /// k*B for k >= 0.
    static func smallMultiple(_ k: Int) -> EdwardsPoint {
        k < smallMultiples.count ? smallMultiples[k] : multiply(fixed: [(Scalar(UInt64(k)), EdwardsPoint.basepointTable)])
    }

    /// The sum of scalars times points and of scalars times tabled points (one Straus chain).
    static func multiply(_ terms: [(Scalar, EdwardsPoint)] = [], fixed: [(Scalar, EdwardsPoint.Table)]) -> EdwardsPoint {
        EdwardsPoint.multiscalarMultiply(
            terms.map(\.0.rawRepresentation), terms.map(\.1), fixed: fixed.map { (scalar: $0.0.rawRepresentation, table: $0.1) })
    }
}

extension Element {
    /// Validates an encoding received from outside (a record, a request) by the project's own RFC 9496
    /// decoding, which accepts exactly the encodings libsodium's validation accepts with the top bit
    /// clear (the RFC's vectors, the differential tests, the `arithmetic` fuzz target), and keeps the
    /// inverse square root it found: verification then decodes the element in a few multiplications
    /// instead of a second square root. Public data only (SPEC.md 2).
    public init(received bytes: [UInt8], allowIdentity: Bool = true) throws(GroupError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        guard let (_, hint) = try? EdwardsPoint.decodedWithHint(ristretto: bytes) else { throw .nonCanonicalElement }
        self.init(ownDecoding: bytes, hint: hint)
        if isIdentity && !allowIdentity { throw .identityElement }
    }
}
