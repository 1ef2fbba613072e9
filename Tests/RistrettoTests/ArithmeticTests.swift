import PlebisciteCrypto
import TestVectors
import Testing

@testable import Ristretto
@testable import RistrettoArithmetic

/// The project's own ristretto255 arithmetic (public data only) against RFC 9496 and libsodium.
@Suite("Own ristretto255 arithmetic: RFC 9496 vectors and libsodium, operation by operation")
struct ArithmeticTests {
    /// Random operations per operation in one suite run (the long differential runs take more).
    static let rounds = 150

    @Test("RFC 9496 constants: SQRT_M1^2 = -1, d = -121665/121666, and the others from their definitions")
    func constants() {
        let f = FieldElement.self
        #expect(f.sqrtM1.squared == -f.one && !f.sqrtM1.isNegative)
        #expect(f.d * f.init(121_666) == -f.init(121_665))
        #expect(f.sqrtADMinusOne.squared == -f.d - f.one)
        #expect(f.invSqrtAMinusD.squared * (-f.one - f.d) == f.one)
        #expect(f.oneMinusDSquared == f.one - f.d.squared && f.dMinusOneSquared == (f.d - f.one).squared)
    }

    @Test("Field: canonical bytes, inverse and square roots against their definitions on random values")
    func field() {
        for _ in 0..<Self.rounds {
            let a = FieldElement(littleEndian: Sodium.randomBytes(32)), b = FieldElement(littleEndian: Sodium.randomBytes(32))
            #expect(FieldElement(littleEndian: a.bytes) == a && a.bytes[31] & 0x80 == 0)
            #expect((a * b) * b.inverse == a || b.isZero)
            #expect((a + b) - b == a && a * (b + .one) == a * b + a)
            #expect(a.squared == a * a)
            let (isSquare, root) = FieldElement.sqrtRatioM1(a, b)
            if isSquare && !b.isZero { #expect(root.squared * b == a && !root.isNegative) }
            if !isSquare { #expect(root.squared * b == FieldElement.sqrtM1 * a) }
        }
        // p itself and p + 1 are not canonical; p - 1 is.
        var p = [UInt8](repeating: 0xff, count: 32)
        p[0] = 0xed
        p[31] = 0x7f
        #expect(!FieldElement.isCanonical(p))
        p[0] = 0xec
        #expect(FieldElement.isCanonical(p) && FieldElement(littleEndian: p) == -FieldElement.one)
    }

    @Test("A.1: n*B decodes, re-encodes, and equals repeated addition; A.2: every invalid encoding refused")
    func rfcVectors() throws {
        let multiples = try TestVectors.load("rfc9496-a1-generator-multiples", as: GeneratorMultiples.self, bundle: .module).multiples
        let base = try EdwardsPoint(ristretto: Hex.decode(multiples[1]))
        #expect(EdwardsPoint.basepoint == base && EdwardsPoint.basepoint.ristrettoBytes == base.ristrettoBytes)
        var sum = EdwardsPoint.identity
        for (n, hex) in multiples.enumerated() {
            let p = try EdwardsPoint(ristretto: Hex.decode(hex))
            #expect(Hex.encode(p.ristrettoBytes) == hex, "\(n)*B round trip")
            #expect(Hex.encode(sum.ristrettoBytes) == hex && sum == p, "\(n)*B by addition")
            #expect(Hex.encode(base.times(Scalar(UInt64(n)).rawRepresentation).ristrettoBytes) == hex, "\(n)*B by multiplication")
            #expect(Hex.encode(p.doubled.ristrettoBytes) == Hex.encode((p + p).ristrettoBytes))
            sum = sum + base
        }
        let invalid = try TestVectors.load("rfc9496-a2-invalid-encodings", as: InvalidEncodings.self, bundle: .module).groups.values
            .flatMap { $0 }
        #expect(invalid.count == 29)
        for hex in invalid {
            #expect(throws: EdwardsPoint.DecodingError.self, "must refuse \(hex)") { try EdwardsPoint(ristretto: Hex.decode(hex)) }
            #expect(throws: GroupError.nonCanonicalElement, "must refuse \(hex)") { try Element(received: Hex.decode(hex)) }
            // A hint cannot make an invalid encoding valid.
            for hint in [Sodium.randomBytes(32), [UInt8](repeating: 0, count: 32), FieldElement.one.bytes, (-FieldElement.one).bytes] {
                #expect(throws: EdwardsPoint.DecodingError.self) { try EdwardsPoint(ristretto: Hex.decode(hex), hint: hint) }
            }
        }
    }

    @Test("A hint from a decoding decodes the same bytes again to the same point; a wrong hint is never taken")
    func decodingHints() throws {
        let multiples = try TestVectors.load("rfc9496-a1-generator-multiples", as: GeneratorMultiples.self, bundle: .module).multiples
        let encodings = try multiples.map { try Hex.decode($0) } + (0..<Self.rounds).map { _ in Element.random().rawRepresentation }
        for bytes in encodings {
            let (point, hint) = try EdwardsPoint.decodedWithHint(ristretto: bytes)
            #expect(try EdwardsPoint(ristretto: bytes) == point && point.ristrettoBytes == bytes)
            #expect(try EdwardsPoint(ristretto: bytes, hint: hint).ristrettoBytes == bytes)
            // The other root, a random value, bytes that are no canonical field element, too short: the full decoding.
            let wrongHints = [
                (-FieldElement(littleEndian: hint)).bytes, Sodium.randomBytes(32), [UInt8](repeating: 0xff, count: 32),
                Array(hint.prefix(31)),
            ]
            for wrong in wrongHints { #expect(try EdwardsPoint(ristretto: bytes, hint: wrong).ristrettoBytes == bytes) }
            // Received elements keep the hint; equality and hashing see only the encoding.
            let received = try Element(received: bytes), validated = try Element(rawRepresentation: bytes)
            #expect(received == validated && Set([received, validated]).count == 1)
            #expect(received.decodingHint == hint && validated.decodingHint == nil)
        }
        #expect(throws: GroupError.identityElement) { try Element(received: [UInt8](repeating: 0, count: 32), allowIdentity: false) }
        #expect(try Element(received: [UInt8](repeating: 0, count: 32)).isIdentity)
        var topBit = Element.generator.rawRepresentation
        topBit[31] |= 0x80
        #expect(throws: GroupError.nonCanonicalElement) { try Element(received: topBit) }
        #expect(throws: GroupError.wrongLength(expected: 32, actual: 31)) { try Element(received: Array(topBit.prefix(31))) }
    }

    @Test("Width-w NAF: odd digits below 2^(w-1), w apart, summing to the scalar")
    func nonAdjacentForm() {
        for w in 2...8 {
            for _ in 0..<50 {
                let s = Scalar.random().rawRepresentation
                let naf = EdwardsPoint.nonAdjacentForm(s, width: w)
                // Sum of digit * 2^i, computed in base 2^8 with signed carries.
                var sum = [Int](repeating: 0, count: 34)
                for (i, d) in naf.enumerated() where d != 0 { sum[i / 8] += Int(d) << (i % 8) }
                var carry = 0
                var bytes = [UInt8]()
                for v in sum {
                    let t = v + carry
                    bytes.append(UInt8(truncatingIfNeeded: t))
                    carry = t >> 8
                }
                #expect(Array(bytes.prefix(32)) == s && bytes[32] == 0, "w = \(w)")
                #expect(naf.allSatisfy { $0 == 0 || ($0 % 2 != 0 && abs(Int($0)) < 1 << (w - 1)) })
                let positions = naf.indices.filter { naf[$0] != 0 }
                #expect(zip(positions, positions.dropFirst()).allSatisfy { $1 - $0 >= w })
            }
        }
    }

    @Test("Against libsodium: every operation of ArithmeticDifferential on random inputs (10^6 each: plebiscite bench differential)")
    func differential() throws {
        for operation in ArithmeticDifferential.Operation.allCases {
            for _ in 0..<Self.rounds {
                let difference = ArithmeticDifferential.round(operation)
                #expect(difference == nil, "\(operation): \(difference ?? "")")
            }
        }
    }

    @Test("Pippenger: signed digits sum to the scalar; 0 to 600 terms (windows 4 to 8) equal Straus, edge scalars included")
    func pippenger() throws {
        for c in 2...16 {
            for scalar in [
                [UInt8](repeating: 0, count: 32), Scalar(UInt64.max).rawRepresentation, Scalar.random().rawRepresentation,
                Scalar.random().rawRepresentation,
            ] {
                let digits = EdwardsPoint.signedDigits(scalar, width: c)
                #expect(digits.allSatisfy { -(1 << (c - 1)) <= $0 && $0 < (1 << (c - 1)) }, "width \(c)")
                // Horner's rule on libsodium scalars: sum of digit * 2^(c i).
                var sum = Scalar.zero
                let radix = Scalar(UInt64(1) << c)
                for d in digits.reversed() { sum = sum * radix + Scalar(signed: Int64(d)) }
                #expect(sum.rawRepresentation == scalar, "width \(c)")
            }
        }
        let l1 = Scalar.zero - Scalar.one  // l - 1, the largest scalar
        for n in [0, 1, 2, 17, 64, 200, 600] {
            let points = (0..<n).map { _ in EdwardsPoint(fromUniformBytes: Sodium.randomBytes(64)) }
            let scalars = (0..<n).map { i in
                i % 7 == 0 ? l1.rawRepresentation : i % 11 == 0 ? Scalar.zero.rawRepresentation : Scalar.random().rawRepresentation
            }
            #expect(EdwardsPoint.pippenger(scalars, points) == EdwardsPoint.multiscalarMultiply(scalars, points), "\(n) terms")
        }
    }
}
