import CSodium

extension Element {
    /// `s * B` for the generator B, constant-time (libsodium). `0 * B` is the identity.
    ///
    /// libsodium returns -1 when the product is the identity; with a reduced scalar that
    /// happens exactly for s = 0, which we map to the identity instead of failing.

    public static func base(_ s: Scalar) -> Element {
        var out = Raw32()
        let status = withUnsafeMutableBytes(of: &out) { o in
            s.raw.withPointer { crypto_scalarmult_ristretto255_base(o.baseAddress!.assumingMemoryBound(to: UInt8.self), $0) }
        }
        return status == 0 ? Element(raw: out) : .identity
    }

    /// `s * P`, constant-time (libsodium). Identity when s = 0 or P is the identity.

    public static func * (s: Scalar, p: Element) -> Element {
        var out = Raw32()
        let status = withUnsafeMutableBytes(of: &out) { o in
            s.raw.withPointer { ps in
                p.raw.withPointer { pp in
                    crypto_scalarmult_ristretto255(o.baseAddress!.assumingMemoryBound(to: UInt8.self), ps, pp)
                }
            }
        }
        return status == 0 ? Element(raw: out) : .identity
    }

    /// Group addition (libsodium).

    public static func + (a: Element, b: Element) -> Element {
        Element(
            raw: Raw32.make { o in a.raw.withPointer { pa in b.raw.withPointer { pb in _ = crypto_core_ristretto255_add(o, pa, pb) } } })
    }

    /// Group subtraction (libsodium).

    public static func - (a: Element, b: Element) -> Element {
        Element(
            raw: Raw32.make { o in a.raw.withPointer { pa in b.raw.withPointer { pb in _ = crypto_core_ristretto255_sub(o, pa, pb) } } })
    }

    /// Additive inverse.
    public static prefix func - (a: Element) -> Element { .identity - a }

    public static func += (a: inout Element, b: Element) { a = a + b }
    public static func -= (a: inout Element, b: Element) { a = a - b }

    /// `a * B + b * P`: the verification equation shape, computed with libsodium's primitives.

    public static func baseTimes(_ a: Scalar, plus b: Scalar, times p: Element) -> Element {
        base(a) + b * p
    }

    /// Constant-time choice between the identity (bit 0) and `p` (bit 1), without branching on the bit.
    public static func select(_ p: Element, bit: UInt8) -> Element {
        let mask = 0 &- UInt64(bit & 1)
        var r = p.raw
        r.w0 &= mask
        r.w1 &= mask
        r.w2 &= mask
        r.w3 &= mask
        return Element(raw: r)
    }
}
