import PlebisciteCrypto
import Ristretto

/// A 32-byte hash identifier (entry hashes, ballot ids, manifest and context hashes), hex in JSON.
public struct Digest: Sendable, Hashable, HexCodable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(GroupError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public init(hex: String) throws(GroupError) { try self.init(bytes: Hex.decode(hex, count: 32)) }

    /// The all-zero digest: the "previous entry" of the first log entry.
    public static let zero = Digest(unchecked: [UInt8](repeating: 0, count: 32))

    /// H32(tag, parts...): the first 32 bytes of the protocol hash.
    public static func of(_ tag: String, _ build: (inout Transcript) -> Void) -> Digest {
        var t = Transcript(tag)
        build(&t)
        return Digest(unchecked: t.digest32())
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (a: Digest, b: Digest) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public static var hexValueName: String { "digest" }
}

extension Transcript {
    public mutating func append(_ digest: Digest) { append(bytes: digest.bytes) }
}

/// Bytes carried as hex in JSON (signatures, sealed boxes, keys).
public struct HexBytes: Sendable, Hashable, HexCodable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(hex: String) throws(GroupError) { bytes = try Hex.decode(hex) }
    public var hex: String { Hex.encode(bytes) }
    public static var hexValueName: String { "hex bytes" }
}
