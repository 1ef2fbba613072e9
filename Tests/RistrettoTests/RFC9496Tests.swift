import TestVectors
import Testing

@testable import Ristretto

struct GeneratorMultiples: Decodable { let multiples: [String] }
struct InvalidEncodings: Decodable { let groups: [String: [String]] }

@Suite("RFC 9496 test vectors")
struct RFC9496Tests {
    @Test("A.1: n*B by scalar multiplication and by repeated addition match the published encodings")
    func generatorMultiples() throws {
        let vectors = try TestVectors.load("rfc9496-a1-generator-multiples", as: GeneratorMultiples.self, bundle: .module)
        #expect(vectors.multiples.count == 16)
        var sum = Element.identity
        for (n, hex) in vectors.multiples.enumerated() {
            let decoded = try Element(hex: hex)
            #expect(decoded.hex == hex, "round trip of \(n)*B")
            #expect(Element.base(Scalar(UInt64(n))) == decoded, "\(n)*B by base multiplication")
            #expect(Scalar(UInt64(n)) * Element.generator == decoded, "\(n)*B by variable-base multiplication")
            #expect(sum == decoded, "\(n)*B by repeated addition")
            sum = sum + .generator
        }
    }

    @Test("A.2: every invalid encoding is rejected as non-canonical")
    func invalidEncodings() throws {
        let vectors = try TestVectors.load("rfc9496-a2-invalid-encodings", as: InvalidEncodings.self, bundle: .module)
        let all = vectors.groups.values.flatMap { $0 }
        #expect(all.count == 29)
        for hex in all {
            #expect(throws: GroupError.nonCanonicalElement, "must reject \(hex)") { try Element(hex: hex) }
        }
    }

    @Test("An encoding with the top bit set is rejected although libsodium 1.0.18 accepts it")
    func topBitRejected() throws {
        var bytes = Element.generator.rawRepresentation
        bytes[31] |= 0x80
        #expect(throws: GroupError.nonCanonicalElement) { try Element(rawRepresentation: bytes) }
    }
}
