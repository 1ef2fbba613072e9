import CSodium

extension Scalar {
    @inline(__always)
    private static func binary(
        _ a: Scalar, _ b: Scalar,
        _ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void
    ) -> Scalar {
        Scalar(raw: Raw32.make { out in a.raw.withPointer { pa in b.raw.withPointer { pb in op(out, pa, pb) } } })
    }

    /// Addition modulo l (constant-time, libsodium).
    public static func + (a: Scalar, b: Scalar) -> Scalar { binary(a, b, crypto_core_ristretto255_scalar_add) }
    /// Subtraction modulo l (constant-time, libsodium).
    public static func - (a: Scalar, b: Scalar) -> Scalar { binary(a, b, crypto_core_ristretto255_scalar_sub) }
    /// Multiplication modulo l (constant-time, libsodium).
    public static func * (a: Scalar, b: Scalar) -> Scalar { binary(a, b, crypto_core_ristretto255_scalar_mul) }

    /// Additive inverse modulo l.
    public static prefix func - (a: Scalar) -> Scalar {
        Scalar(raw: Raw32.make { out in a.raw.withPointer { crypto_core_ristretto255_scalar_negate(out, $0) } })
    }

    public static func += (a: inout Scalar, b: Scalar) { a = a + b }
    public static func -= (a: inout Scalar, b: Scalar) { a = a - b }
    public static func *= (a: inout Scalar, b: Scalar) { a = a * b }

    /// Multiplicative inverse modulo l; nil for zero.
    public var inverse: Scalar? {
        var result = Raw32()
        let status = withUnsafeMutableBytes(of: &result) { out in
            raw.withPointer { crypto_core_ristretto255_scalar_invert(out.baseAddress!.assumingMemoryBound(to: UInt8.self), $0) }
        }
        return status == 0 ? Scalar(raw: result) : nil
    }
}
