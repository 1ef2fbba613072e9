import ElectionRecord
import PlebisciteCrypto
import Ristretto

/// A voter's secret credential: 100 random bits shown as a printable string with a checksum.
///
/// The string is 20 Crockford base32 characters of payload and 2 of checksum, grouped by 5
/// ("K7M2Q-9XH4T-..."). The secret scalar is H("credential", election id, payload) reduced mod l,
/// so the string alone (with the election id) is all a voter needs.
public struct VoterCredential: Sendable {
    public let text: String
    public let secret: Scalar
    public let publicKey: Element

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// Why a credential string was refused.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case wrongLength(Int)
        case invalidCharacter(Character)
        case checksumMismatch

        public var description: String {
            switch self {
            case .wrongLength(let n): "a credential has 22 characters (dashes aside), this one has \(n)"
            case .invalidCharacter(let c): "'\(c)' is not a credential character"
            case .checksumMismatch: "the checksum does not match: a character was mistyped"
            }
        }
    }

    /// A fresh random credential for `electionId`.
    public static func generate(electionId: String) -> VoterCredential {
        var payload = Sodium.randomBytes(13)
        payload[0] &= 0x0f  // 100 bits
        return VoterCredential(payload: payload, electionId: electionId)
    }

    private init(payload: [UInt8], electionId: String) {
        let symbols = VoterCredential.symbols(payload)
        let check = VoterCredential.checksum(symbols)
        let chars = (symbols + check).map { VoterCredential.alphabet[Int($0)] }
        text = stride(from: 0, to: 22, by: 5).map { String(chars[$0..<min($0 + 5, 22)]) }.joined(separator: "-")
        var t = Transcript("credential")
        t.append(electionId)
        t.append(bytes: payload)
        secret = t.challenge()
        publicKey = .base(secret)
    }

    /// Parses a credential string (case-insensitive; dashes and spaces ignored; O->0, I/L->1).
    public init(text input: String, electionId: String) throws(ParseError) {
        var symbols = [UInt8]()
        for ch in input.uppercased() where ch != "-" && ch != " " {
            let c: Character = ch == "O" ? "0" : (ch == "I" || ch == "L") ? "1" : ch
            guard let i = VoterCredential.alphabet.firstIndex(of: c) else { throw .invalidCharacter(ch) }
            symbols.append(UInt8(i))
        }
        guard symbols.count == 22 else { throw .wrongLength(symbols.count) }
        guard VoterCredential.checksum(Array(symbols.prefix(20))) == Array(symbols.suffix(2)) else { throw .checksumMismatch }
        var bits: UInt128 = 0
        for s in symbols.prefix(20) { bits = bits << 5 | UInt128(s) }
        let payload = (0..<13).map { UInt8(truncatingIfNeeded: bits >> UInt128(8 * (12 - $0))) }
        self.init(payload: payload, electionId: electionId)
    }

    /// 20 five-bit symbols of a 100-bit payload (13 bytes, top nibble zero).
    static func symbols(_ payload: [UInt8]) -> [UInt8] {
        var bits: UInt128 = 0
        for b in payload { bits = bits << 8 | UInt128(b) }
        return (0..<20).map { UInt8(truncatingIfNeeded: (bits >> UInt128(5 * (19 - $0))) & 31) }
    }

    /// Two check symbols (10 bits) from SHA-512 of the payload symbols: catches any typo with probability 1 - 2^-10.
    static func checksum(_ symbols: [UInt8]) -> [UInt8] {
        let d = Transcript.hash("credential-checksum", [symbols])
        return [d[0] & 31, d[1] & 31]
    }

    /// The QR payload a voter's card carries.
    public func qrPayload(electionId: String) -> String { "plebiscite:credential:\(electionId):\(text)" }
}
