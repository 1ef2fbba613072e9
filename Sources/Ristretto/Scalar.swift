import CSodium

/// An integer modulo the ristretto255 group order l = 2^252 + 27742317777372353535851937790883648493.
///
/// Encoded as 32 little-endian bytes; decoding rejects values >= l. Equality is constant-time,
/// because scalars are often secrets (keys, nonces, shares).
public struct Scalar: Sendable {
    @usableFromInline var raw: Raw32

    init(raw: Raw32) { self.raw = raw }

    /// The group order l, little-endian.
    static let orderBytes: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// Decodes a canonical scalar: exactly 32 bytes, little-endian, value below l.
    public init<B: Collection>(rawRepresentation bytes: B) throws(GroupError) where B.Element == UInt8 {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        let array = Array(bytes)
        guard Scalar.isBelowOrder(array) else { throw .scalarOutOfRange }
        raw = Raw32(array)
    }

    /// Decodes a canonical scalar from hex.
    public init(hex: String) throws(GroupError) {
        try self.init(rawRepresentation: Hex.decode(hex, count: 32))
    }

    /// The 32-byte little-endian encoding.
    public var rawRepresentation: [UInt8] { raw.bytes }

    /// Lowercase hex of the encoding.
    public var hex: String { Hex.encode(raw.bytes) }

    /// Reduces 64 uniformly random bytes modulo l (for challenges and hash-derived secrets).
    public init(reducing wide: [UInt8]) {
        precondition(wide.count == 64, "reduction takes 64 bytes")
        Sodium.ensureInitialised()
        raw = Raw32.make { out in wide.withUnsafeBufferPointer { crypto_core_ristretto255_scalar_reduce(out, $0.baseAddress!) } }
    }

    /// A small non-negative integer as a scalar.
    public init(_ value: UInt64) {
        var r = Raw32()
        r.w0 = value.littleEndian
        raw = r
    }

    /// A signed small integer as a scalar (negative values wrap modulo l).
    public init(signed value: Int64) {
        if value >= 0 { self.init(UInt64(value)) } else { self = -Scalar(UInt64(value.magnitude)) }
    }

    /// A uniformly random scalar from libsodium's CSPRNG.
    public static func random() -> Scalar {
        Sodium.ensureInitialised()
        return Scalar(raw: Raw32.make { crypto_core_ristretto255_scalar_random($0) })
    }

    /// A uniformly random non-zero scalar.
    public static func randomNonZero() -> Scalar {
        while true {
            let s = random()
            if !s.isZero { return s }
        }
    }

    public static let zero = Scalar(0)
    public static let one = Scalar(1)

    /// Whether this is 0 mod l. Variable-time; do not branch on secrets with it.
    public var isZero: Bool { raw.isZero }

    /// Little-endian comparison of a 32-byte value against l.
    static func isBelowOrder(_ bytes: [UInt8]) -> Bool {
        for i in stride(from: 31, through: 0, by: -1) {
            if bytes[i] < orderBytes[i] { return true }
            if bytes[i] > orderBytes[i] { return false }
        }
        return false
    }

    /// The value as an integer if it fits in 64 bits (for small counts and indices).
    public var smallValue: UInt64? {
        guard raw.w1 == 0, raw.w2 == 0, raw.w3 == 0 else { return nil }
        return UInt64(littleEndian: raw.w0)
    }
}

extension Scalar: Equatable {
    /// Constant-time comparison: scalars are often secrets.
    public static func == (lhs: Scalar, rhs: Scalar) -> Bool {
        Swift.withUnsafeBytes(of: lhs.raw) { a in Swift.withUnsafeBytes(of: rhs.raw) { b in Sodium.constantTimeEqual(a, b) } }
    }
}

extension Scalar: CustomStringConvertible {
    public var description: String { "Scalar(\(hex))" }
}
