/// Lowercase hexadecimal, the encoding of every binary value in JSON.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex.
    public static func encode<B: Sequence>(_ bytes: B) -> String where B.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); throws `GroupError.invalidHex` on anything else.
    public static func decode(_ string: String) throws(GroupError) -> [UInt8] {
        try Array(string.utf8).withUnsafeBufferPointer { (utf8) throws(GroupError) in try decode(utf8: utf8) }
    }

    /// Decodes hex given as its UTF-8 bytes, as `decode(_:)` decodes the same text.
    public static func decode(utf8: UnsafeBufferPointer<UInt8>) throws(GroupError) -> [UInt8] {
        guard utf8.count % 2 == 0 else { throw .invalidHex }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var digits = utf8.makeIterator()
        while let h = digits.next(), let l = digits.next() {
            guard let hi = value(h), let lo = value(l) else { throw .invalidHex }
            out.append(hi << 4 | lo)
        }
        return out
    }

    /// Decodes hex that must hold exactly `count` bytes.
    public static func decode(_ string: String, count: Int) throws(GroupError) -> [UInt8] {
        let bytes = try decode(string)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
