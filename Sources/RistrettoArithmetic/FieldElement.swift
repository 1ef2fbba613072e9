/// An element of GF(2^255 - 19) in five 51-bit limbs, value = l0 + 2^51 l1 + 2^102 l2 + 2^153 l3 + 2^204 l4.
///
/// Variable-time arithmetic for public data only (verification, tallying, combining): secrets stay
/// in libsodium (SPEC.md 2). Limbs are kept below 2^52 after every operation but `+`, whose result
/// (below 2^53) is still a valid input of `*`, `square` and `-` (all accept limbs below 2^54).
public struct FieldElement: Sendable, Equatable {
    @usableFromInline var l0, l1, l2, l3, l4: UInt64

    @usableFromInline static let mask: UInt64 = (1 << 51) - 1

    @inlinable init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    public static let zero = FieldElement(0, 0, 0, 0, 0)
    public static let one = FieldElement(1, 0, 0, 0, 0)

    /// A small value.
    @inlinable public init(_ small: UInt64) { self.init(small & Self.mask, small >> 51, 0, 0, 0) }

    /// Reads 32 little-endian bytes, ignoring the top bit (RFC 7748); the value may be >= p.
    public init(littleEndian bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "a field element is 32 bytes")
        let (w0, w1, w2, w3) = Self.words(bytes)
        self.init(
            w0 & Self.mask, (w0 >> 51 | w1 << 13) & Self.mask, (w1 >> 38 | w2 << 26) & Self.mask, (w2 >> 25 | w3 << 39) & Self.mask,
            (w3 >> 12) & Self.mask)
    }

    /// 32 bytes as four little-endian 64-bit words, without allocating.
    static func words(_ bytes: some Collection<UInt8>) -> (UInt64, UInt64, UInt64, UInt64) {
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i: UInt64 = 0
        for b in bytes {
            let v = UInt64(b) << (8 * (i & 7))
            switch i >> 3 {
            case 0: w.0 |= v
            case 1: w.1 |= v
            case 2: w.2 |= v
            default: w.3 |= v
            }
            i += 1
        }
        return w
    }

    /// Whether 32 bytes are the canonical encoding of a field element (below p, top bit clear).
    public static func isCanonical(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count == 32 else { return false }
        let (w0, w1, w2, w3) = words(bytes)
        // p = 2^255 - 19: words ffff...ffed, ffff...ffff, ffff...ffff, 7fff...ffff.
        guard w3 >> 63 == 0 else { return false }
        return !(w3 == UInt64.max >> 1 && w2 == .max && w1 == .max && w0 >= UInt64.max - 18)
    }

    /// The value fully reduced below p, in limbs below 2^51 (no allocation: equality and signs use it).
    @inlinable var canonical: FieldElement {
        let r = reduced
        // q = 1 when r >= p: r + 19 then carries past 2^255.
        var q = (r.l0 &+ 19) >> 51
        q = (r.l1 &+ q) >> 51
        q = (r.l2 &+ q) >> 51
        q = (r.l3 &+ q) >> 51
        q = (r.l4 &+ q) >> 51
        var l0 = r.l0 &+ 19 &* q, l1 = r.l1, l2 = r.l2, l3 = r.l3, l4 = r.l4
        l1 &+= l0 >> 51
        l0 &= Self.mask
        l2 &+= l1 >> 51
        l1 &= Self.mask
        l3 &+= l2 >> 51
        l2 &= Self.mask
        l4 &+= l3 >> 51
        l3 &= Self.mask
        l4 &= Self.mask
        return FieldElement(l0, l1, l2, l3, l4)
    }

    /// The canonical encoding: 32 little-endian bytes of the value reduced below p.
    public var bytes: [UInt8] {
        let c = canonical
        let words = (c.l0 | c.l1 << 51, c.l1 >> 13 | c.l2 << 38, c.l2 >> 26 | c.l3 << 25, c.l3 >> 39 | c.l4 << 12)
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            for i in 0..<8 {
                out[i] = UInt8(truncatingIfNeeded: words.0 >> (8 * UInt64(i)))
                out[8 + i] = UInt8(truncatingIfNeeded: words.1 >> (8 * UInt64(i)))
                out[16 + i] = UInt8(truncatingIfNeeded: words.2 >> (8 * UInt64(i)))
                out[24 + i] = UInt8(truncatingIfNeeded: words.3 >> (8 * UInt64(i)))
            }
            count = 32
        }
    }

    /// The same value with every limb below 2^51 + 2^13 (one carry pass).
    @inlinable var reduced: FieldElement {
        var r = self
        let c0 = r.l0 >> 51, c1 = r.l1 >> 51, c2 = r.l2 >> 51, c3 = r.l3 >> 51, c4 = r.l4 >> 51
        r.l0 = (r.l0 & Self.mask) &+ c4 &* 19
        r.l1 = (r.l1 & Self.mask) &+ c0
        r.l2 = (r.l2 & Self.mask) &+ c1
        r.l3 = (r.l3 & Self.mask) &+ c2
        r.l4 = (r.l4 & Self.mask) &+ c3
        return r
    }

    /// Whether the canonical encoding is odd ("negative" in RFC 9496).
    @inlinable public var isNegative: Bool { canonical.l0 & 1 == 1 }

    /// Whether the value is 0 mod p.
    @inlinable public var isZero: Bool {
        let c = canonical
        return c.l0 | c.l1 | c.l2 | c.l3 | c.l4 == 0
    }

    @inlinable public static func == (a: FieldElement, b: FieldElement) -> Bool { (a - b).isZero }

    // MARK: - Ring operations

    @inlinable public static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4)
    }

    /// a - b as a + 16p - b, then one carry pass (inputs below 2^54).
    @inlinable public static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(
            (a.l0 &+ 36_028_797_018_963_664) &- b.l0, (a.l1 &+ 36_028_797_018_963_952) &- b.l1,
            (a.l2 &+ 36_028_797_018_963_952) &- b.l2, (a.l3 &+ 36_028_797_018_963_952) &- b.l3,
            (a.l4 &+ 36_028_797_018_963_952) &- b.l4
        ).reduced
    }

    @inlinable public static prefix func - (a: FieldElement) -> FieldElement { .zero - a }

    /// The product (inputs below 2^54: each partial product below 2^108, each column below 2^111).
    @inlinable public static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        @inline(__always) func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) &* UInt128(y) }
        let b1 = b.l1 &* 19, b2 = b.l2 &* 19, b3 = b.l3 &* 19, b4 = b.l4 &* 19
        let c0 = m(a.l0, b.l0) &+ m(a.l4, b1) &+ m(a.l3, b2) &+ m(a.l2, b3) &+ m(a.l1, b4)
        let c1 = m(a.l1, b.l0) &+ m(a.l0, b.l1) &+ m(a.l4, b2) &+ m(a.l3, b3) &+ m(a.l2, b4)
        let c2 = m(a.l2, b.l0) &+ m(a.l1, b.l1) &+ m(a.l0, b.l2) &+ m(a.l4, b3) &+ m(a.l3, b4)
        let c3 = m(a.l3, b.l0) &+ m(a.l2, b.l1) &+ m(a.l1, b.l2) &+ m(a.l0, b.l3) &+ m(a.l4, b4)
        let c4 = m(a.l4, b.l0) &+ m(a.l3, b.l1) &+ m(a.l2, b.l2) &+ m(a.l1, b.l3) &+ m(a.l0, b.l4)
        return carry(c0, c1, c2, c3, c4)
    }

    /// The square (one multiplication's work, about two thirds of it).
    /// (Always inlined: in the inversion's runs of squarings a call costs 40 % more, measured.)
    @inlinable public var squared: FieldElement {
        @inline(__always) get {
            @inline(__always) func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) &* UInt128(y) }
            let d0 = l0 &* 2, d1 = l1 &* 2, d3 = l3 &* 19, d4 = l4 &* 19
            let c0 = m(l0, l0) &+ m(d1, d4) &+ m(l2 &* 2, d3)
            let c1 = m(d0, l1) &+ m(l2 &* 2, d4) &+ m(l3, d3)
            let c2 = m(d0, l2) &+ m(l1, l1) &+ m(l3 &* 2, d4)
            let c3 = m(d0, l3) &+ m(d1, l2) &+ m(l4, d4)
            let c4 = m(d0, l4) &+ m(d1, l3) &+ m(l2, l2)
            return FieldElement.carry(c0, c1, c2, c3, c4)
        }
    }

    /// Five 128-bit columns carried into limbs below 2^51 + 2^13.
    @inlinable static func carry(_ c0: UInt128, _ c1: UInt128, _ c2: UInt128, _ c3: UInt128, _ c4: UInt128) -> FieldElement {
        var c1 = c1, c2 = c2, c3 = c3, c4 = c4
        c1 &+= c0 >> 51
        c2 &+= c1 >> 51
        c3 &+= c2 >> 51
        c4 &+= c3 >> 51
        var r0 = UInt64(truncatingIfNeeded: c0) & mask
        r0 &+= UInt64(truncatingIfNeeded: c4 >> 51) &* 19
        var r1 = UInt64(truncatingIfNeeded: c1) & mask
        r1 &+= r0 >> 51
        r0 &= mask
        return FieldElement(
            r0, r1, UInt64(truncatingIfNeeded: c2) & mask, UInt64(truncatingIfNeeded: c3) & mask, UInt64(truncatingIfNeeded: c4) & mask)
    }

    /// The value squared `n` times.
    @inlinable func squared(times n: Int) -> FieldElement {
        var r = self
        for _ in 0..<n { r = r.squared }
        return r
    }

    /// The absolute value of RFC 9496: the non-negative one of x and -x.
    public var absolute: FieldElement { isNegative ? -self : self }
}
