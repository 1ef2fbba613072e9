/// Elements and scalars travel in JSON as lowercase hex of their canonical encodings.
extension Element: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { try self.init(hex: text) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "group element: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}

extension Scalar: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do { try self.init(hex: text) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "scalar: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}
