import CSodium

/// An element of the ristretto255 group (RFC 9496), held as its canonical 32-byte encoding.
///
/// libsodium's ristretto255 API works on encodings, so an `Element` is always a validated
/// canonical encoding; the identity is the all-zero encoding.
public struct Element: Sendable, Hashable {
    @usableFromInline var raw: Raw32
    /// The inverse square root the project's own decoding found when it validated this encoding
    /// (PlebisciteCrypto's `Element(received:)`), all zero if none: verification then decodes the
    /// element again in a few multiplications, checking the hint first. Not part of the value.
    var hint = Raw32()

    init(raw: Raw32) { self.raw = raw }

    public static func == (a: Element, b: Element) -> Bool { a.raw == b.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    /// Decodes a canonical encoding. Rejects non-canonical encodings, including ones libsodium
    /// 1.0.18 would accept with the top bit set. Accepts the identity unless `allowIdentity` is false.
    public init<B: Collection>(rawRepresentation bytes: B, allowIdentity: Bool = true) throws(GroupError)
    where B.Element == UInt8 {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        let candidate = Raw32(Array(bytes))
        try self.init(validating: candidate, allowIdentity: allowIdentity)
    }

    /// An encoding the project's own arithmetic produced (RistrettoArithmetic's encoding: canonical
    /// by construction, tested byte for byte against libsodium), taken without validating it again.
    package init(ownEncoding bytes: [UInt8]) {
        precondition(bytes.count == 32, "an encoding is 32 bytes")
        raw = Raw32(bytes)
    }

    /// An encoding the project's own decoding validated (RFC 9496 DECODE, tested against libsodium's
    /// validation), with the inverse square root it computed.
    package init(ownDecoding bytes: [UInt8], hint: [UInt8]) {
        precondition(bytes.count == 32 && hint.count == 32, "an encoding and its hint are 32 bytes each")
        raw = Raw32(bytes)
        self.hint = Raw32(hint)
    }

    /// The inverse square root kept from the own decoding, if any.
    package var decodingHint: [UInt8]? { hint.isZero ? nil : hint.bytes }

    init(validating candidate: Raw32, allowIdentity: Bool) throws(GroupError) {
        Sodium.ensureInitialised()
        // libsodium 1.0.18 masks the top bit before checking; RFC 9496 requires it clear.
        guard candidate.w3 >> 63 == 0 else { throw .nonCanonicalElement }
        let valid = candidate.withPointer { crypto_core_ristretto255_is_valid_point($0) } == 1
        guard valid else { throw .nonCanonicalElement }
        if candidate.isZero && !allowIdentity { throw .identityElement }
        raw = candidate
    }

    /// Decodes a canonical encoding given in hex.
    public init(hex: String, allowIdentity: Bool) throws(GroupError) {
        try self.init(rawRepresentation: Hex.decode(hex, count: 32), allowIdentity: allowIdentity)
    }

    /// Decodes a canonical encoding given in hex; the identity is accepted.
    public init(hex: String) throws(GroupError) { try self.init(hex: hex, allowIdentity: true) }

    /// The canonical 32-byte encoding.
    public var rawRepresentation: [UInt8] { raw.bytes }

    /// Lowercase hex of the encoding.
    public var hex: String { Hex.encode(raw.bytes) }

    /// The identity element (all-zero encoding).
    public static let identity = Element(raw: Raw32())

    /// The generator B of RFC 9496.
    public static let generator: Element = .base(.one)

    /// Whether this is the identity.
    public var isIdentity: Bool { raw.isZero }

    /// Maps 64 uniform bytes to an element (RFC 9496 one-way map, libsodium `from_hash`).
    public init(uniformBytes: [UInt8]) {
        precondition(uniformBytes.count == 64, "the one-way map takes 64 bytes")
        Sodium.ensureInitialised()
        raw = Raw32.make { out in uniformBytes.withUnsafeBufferPointer { _ = crypto_core_ristretto255_from_hash(out, $0.baseAddress!) } }
    }

    /// A uniformly random element.
    public static func random() -> Element {
        Sodium.ensureInitialised()
        return Element(raw: Raw32.make { crypto_core_ristretto255_random($0) })
    }
}

extension Element: CustomStringConvertible {
    public var description: String { "Element(\(hex))" }
}
