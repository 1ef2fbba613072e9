/// Why a byte string or hex string is not a valid group value.
public enum GroupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input had the wrong number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// The input was not hexadecimal (odd length or a non-hex character).
    case invalidHex
    /// Not the canonical encoding of a ristretto255 element (RFC 9496 section 4.3.1).
    case nonCanonicalElement
    /// The identity element, where a non-identity element is required.
    case identityElement
    /// A scalar encoding whose integer value is not below the group order l.
    case scalarOutOfRange
    /// A zero scalar, where a non-zero scalar is required.
    case zeroScalar

    public var description: String {
        switch self {
        case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .invalidHex: "not a lowercase or uppercase hexadecimal string of even length"
        case .nonCanonicalElement: "not a canonical ristretto255 encoding"
        case .identityElement: "the identity element is not allowed here"
        case .scalarOutOfRange: "scalar is not below the group order l"
        case .zeroScalar: "the zero scalar is not allowed here"
        }
    }
}
