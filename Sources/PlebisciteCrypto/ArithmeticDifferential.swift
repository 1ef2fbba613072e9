import Ristretto
import RistrettoArithmetic

/// The project's own ristretto255 arithmetic against libsodium on fresh random inputs, one
/// operation at a time: the suite runs a few rounds of each, `plebiscite bench differential`
/// millions in a release build.
public enum ArithmeticDifferential {
    public enum Operation: String, CaseIterable, Sendable {
        /// Random 32 bytes: both accept or both refuse (also `Element(received:)`), and re-encode alike;
        /// a valid element decodes alike alone, with the hint its decoding found, and with a wrong hint.
        case decode
        /// A valid element decoded and encoded again gives its bytes.
        case encode
        case add
        case subtract
        /// s*P by double-and-add against crypto_scalarmult_ristretto255.
        case scalarMultiplication
        /// RFC 9496's one-way map against crypto_core_ristretto255_from_hash.
        case fromHash
        /// Straus with 1 to 9 terms and B's table against libsodium's sum term by term.
        case straus
        /// Pippenger with 1 to 9 terms against libsodium's sum term by term.
        case pippenger
    }

    /// One round of `operation` on fresh random inputs: nil when both agree, else what differs.
    public static func round(_ operation: Operation) -> String? {
        switch operation {
        case .decode:
            let bytes = Sodium.randomBytes(32)
            let ours = try? EdwardsPoint(ristretto: bytes), theirs = try? Element(rawRepresentation: bytes)
            let received = try? Element(received: bytes)
            guard (ours == nil) == (theirs == nil), (received == nil) == (theirs == nil), ours?.ristrettoBytes == theirs?.rawRepresentation
            else {
                return "decoding \(Hex.encode(bytes)): own \(ours != nil), libsodium \(theirs != nil), received \(received != nil)"
            }
            let valid = Element.random().rawRepresentation
            guard let (point, hint) = try? EdwardsPoint.decodedWithHint(ristretto: valid) else {
                return "a valid element \(Hex.encode(valid)) refused"
            }
            let hinted = try? EdwardsPoint(ristretto: valid, hint: hint)
            let misled = try? EdwardsPoint(ristretto: valid, hint: Sodium.randomBytes(32))
            let agree = [point, hinted, misled].allSatisfy { $0?.ristrettoBytes == valid } && hinted == point && misled == point
            return agree ? nil : "decoding \(Hex.encode(valid)) with its hint or a wrong one"
        case .encode:
            let e = Element.random()
            return point(e)?.ristrettoBytes == e.rawRepresentation ? nil : "re-encoding of \(e.hex)"
        case .add, .subtract:
            let a = Element.random(), b = Element.random()
            guard let p = point(a), let q = point(b) else { return "\(a.hex) or \(b.hex) refused" }
            let agree =
                operation == .add
                ? (p + q).ristrettoBytes == (a + b).rawRepresentation : (p - q).ristrettoBytes == (a - b).rawRepresentation
            return agree ? nil : "\(operation) of \(a.hex) and \(b.hex)"
        case .scalarMultiplication:
            let e = Element.random(), s = Scalar.random()
            return point(e)?.times(s.rawRepresentation).ristrettoBytes == (s * e).rawRepresentation ? nil : "\(s.hex) * \(e.hex)"
        case .fromHash:
            let wide = Sodium.randomBytes(64)
            return EdwardsPoint(fromUniformBytes: wide).ristrettoBytes == Element(uniformBytes: wide).rawRepresentation
                ? nil : "from_hash of \(Hex.encode(wide))"
        case .straus, .pippenger:
            let n = Int.random(in: 1...9)
            let elements = (0..<n).map { _ in Element.random() }, scalars = (0..<n).map { _ in Scalar.random() }
            let points = elements.compactMap(point)
            guard points.count == n else { return "an element refused" }
            var expected = zip(scalars, elements).reduce(Element.identity) { $0 + $1.0 * $1.1 }
            let sum: EdwardsPoint
            if operation == .straus {
                let t = Scalar.random()
                expected = expected + Element.base(t)
                sum = EdwardsPoint.multiscalarMultiply(
                    scalars.map(\.rawRepresentation), points, fixed: [(t.rawRepresentation, EdwardsPoint.basepointTable)])
            } else {
                sum = EdwardsPoint.pippenger(scalars.map(\.rawRepresentation), points)
            }
            return sum.ristrettoBytes == expected.rawRepresentation ? nil : "\(operation) of \(n) terms"
        }
    }

    private static func point(_ e: Element) -> EdwardsPoint? { try? EdwardsPoint(ristretto: e.rawRepresentation) }
}
