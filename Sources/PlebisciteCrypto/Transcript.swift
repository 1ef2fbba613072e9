import Ristretto

/// The protocol hash H(tag, parts...) of docs/PROTOCOL.md section 2.
///
/// SHA-512 over the length-prefixed domain tag "plebiscite/v1/" + tag, then every part
/// length-prefixed (8-byte little-endian length), so no two different inputs hash alike.
public struct Transcript: Sendable {
    public static let domainPrefix = "plebiscite/v1/"
    private var hasher = SHA512()

    /// Starts a transcript under the domain tag "plebiscite/v1/" + `tag`.
    public init(_ tag: String) {
        append(bytes: Array((Transcript.domainPrefix + tag).utf8))
    }

    /// Appends one length-prefixed part.
    public mutating func append<B: ContiguousBytes>(bytes: B) {
        bytes.withUnsafeBytes { buf in
            var length = UInt64(buf.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update($0) }
            hasher.update(buf)
        }
    }

    public mutating func append(_ element: Element) { append(bytes: element) }
    public mutating func append(_ scalar: Scalar) { append(bytes: scalar) }
    public mutating func append(_ string: String) { append(bytes: Array(string.utf8)) }
    public mutating func append(_ value: UInt64) {
        var le = value.littleEndian
        append(bytes: withUnsafeBytes(of: &le) { Array($0) })
    }
    /// A signed integer as its 8-byte two's-complement little-endian form (the u64 of
    /// PROTOCOL.md for every non-negative value); never traps on hostile negative input.
    public mutating func append(_ value: Int) { append(UInt64(bitPattern: Int64(value))) }

    /// A list of elements: its count, then each encoding.
    public mutating func append(_ elements: [Element]) { append(encodings: elements.map(\.rawRepresentation)) }

    /// A list of element encodings (computed by the own arithmetic): the same bytes as `append(_: [Element])`.
    public mutating func append(encodings: [[UInt8]]) {
        append(UInt64(encodings.count))
        for e in encodings { append(bytes: e) }
    }

    /// The full 64-byte SHA-512 digest.
    public func digest() -> [UInt8] {
        var h = hasher
        return h.finalize()
    }

    /// A 32-byte identifier: the first half of the digest (entry hashes, ballot ids, context hash).
    public func digest32() -> [UInt8] { Array(digest().prefix(32)) }

    /// A Fiat-Shamir challenge: the 64-byte digest reduced modulo l.
    public func challenge() -> Scalar { Scalar(reducing: digest()) }

    /// One-shot H(tag, parts...).
    public static func hash(_ tag: String, _ parts: [[UInt8]]) -> [UInt8] {
        var t = Transcript(tag)
        for p in parts { t.append(bytes: p) }
        return t.digest()
    }
}
