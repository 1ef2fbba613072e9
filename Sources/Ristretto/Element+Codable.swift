/// A value that travels in JSON as a hex string: elements, scalars, keys, digests.
public protocol HexCodable: Codable {
    init(hex: String) throws(GroupError)
    var hex: String { get }
    /// What the value is, for decoding errors ("group element", "scalar", ...).
    static var hexValueName: String { get }
}

extension HexCodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { try self.init(hex: text) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(Self.hexValueName): \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}

extension Element: HexCodable {
    public static var hexValueName: String { "group element" }
}

extension Scalar: HexCodable {
    public static var hexValueName: String { "scalar" }
}

extension Ed25519.PublicKey: HexCodable {
    public static var hexValueName: String { "Ed25519 public key" }
}
