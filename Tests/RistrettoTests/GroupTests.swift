import Testing

@testable import Ristretto

@Suite("Group layer")
struct GroupTests {
    static let orderHex = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"

    @Test("Identity: zero scalar, identity input, and the all-zero encoding")
    func identityHandling() throws {
        let a = Scalar.randomNonZero()
        #expect(Element.base(.zero).isIdentity)
        #expect((Scalar.zero * Element.generator).isIdentity)
        #expect((a * Element.identity).isIdentity)
        #expect(try Element(hex: String(repeating: "0", count: 64)).isIdentity)
        #expect(throws: GroupError.identityElement) {
            try Element(hex: String(repeating: "0", count: 64), allowIdentity: false)
        }
        let p = Element.random()
        #expect((p - p).isIdentity)
        #expect(p + .identity == p)
        #expect(-(-p) == p)
    }

    @Test("Scalar decoding rejects l and above, accepts l - 1")
    func scalarRange() throws {
        #expect(throws: GroupError.scalarOutOfRange) { try Scalar(hex: Self.orderHex) }
        #expect(throws: GroupError.scalarOutOfRange) { try Scalar(hex: String(repeating: "ff", count: 32)) }
        var l1 = try Hex.decode(Self.orderHex)
        l1[0] += 1
        #expect(throws: GroupError.scalarOutOfRange) { try Scalar(rawRepresentation: l1) }
        l1[0] -= 2
        let lMinus1 = try Scalar(rawRepresentation: l1)
        #expect(lMinus1 + .one == .zero)
        #expect(lMinus1 == -Scalar.one)
        #expect(throws: GroupError.wrongLength(expected: 32, actual: 31)) {
            try Scalar(rawRepresentation: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test("Hex and length errors are typed")
    func encodingErrors() {
        #expect(throws: GroupError.invalidHex) { try Element(hex: "zz") }
        #expect(throws: GroupError.invalidHex) { try Element(hex: "abc") }
        #expect(throws: GroupError.wrongLength(expected: 32, actual: 2)) { try Element(hex: "abcd") }
    }

    @Test("Algebraic identities hold on random values", arguments: 0..<8)
    func algebra(_ round: Int) throws {
        let a = Scalar.random(), b = Scalar.random()
        let p = Element.random(), q = Element.random()
        #expect((a + b) * p == a * p + b * p)
        #expect(a * (p + q) == a * p + a * q)
        #expect(a * (b * p) == (a * b) * p)
        #expect(Element.base(a) == a * Element.generator)
        #expect(Element.base(a - b) == Element.base(a) - Element.base(b))
        #expect(Element.baseTimes(a, plus: b, times: p) == Element.base(a) + b * p)
        if let inv = a.inverse { #expect(a * inv == .one) }
        #expect(Scalar.zero.inverse == nil)
        #expect(try Element(rawRepresentation: p.rawRepresentation) == p)
        #expect(try Scalar(rawRepresentation: a.rawRepresentation) == a)
        #expect(Scalar(signed: -5) + Scalar(5) == .zero)
    }

    @Test("Constant-time select returns the identity or the element")
    func select() {
        let p = Element.random()
        #expect(Element.select(p, bit: 0).isIdentity)
        #expect(Element.select(p, bit: 1) == p)
    }

    @Test("Scalar reduction of 64 bytes matches l arithmetic")
    func reduction() throws {
        // 2^256 mod l computed two ways: reduce(1 at byte 32) and (2^128)^2.
        var wide = [UInt8](repeating: 0, count: 64)
        wide[32] = 1
        var two128 = [UInt8](repeating: 0, count: 32)
        two128[16] = 1
        let t = try Scalar(rawRepresentation: two128)
        #expect(Scalar(reducing: wide) == t * t)
    }

    @Test("SHA-512 of 'abc' matches FIPS 180-2")
    func sha512() {
        let digest = Hex.encode(SHA512.hash(Array("abc".utf8)))
        #expect(digest.hasPrefix("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"))
    }

    @Test("Ed25519, sealed boxes and passphrase sealing round-trip and reject tampering")
    func sodiumWrappers() throws {
        let key = Ed25519.SigningKey()
        let msg = Array("message".utf8)
        let sig = key.signature(for: msg)
        #expect(key.publicKey.isValidSignature(sig, for: msg))
        #expect(!key.publicKey.isValidSignature(sig, for: Array("messagf".utf8)))
        #expect(!Ed25519.SigningKey().publicKey.isValidSignature(sig, for: msg))
        let restored = try Ed25519.SigningKey(seed: key.seed)
        #expect(restored.publicKey == key.publicKey)

        let box = SealedBox.KeyPair()
        let sealed = try SealedBox.seal(msg, to: box.publicKey)
        #expect(box.open(sealed) == msg)
        #expect(SealedBox.KeyPair().open(sealed) == nil)
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(box.open(tampered) == nil)
        #expect(try SealedBox.KeyPair(secretKey: box.secretKey).publicKey == box.publicKey)

        let locked = try PassphraseSeal.seal(msg, passphrase: "correct horse")
        #expect(try PassphraseSeal.open(locked, passphrase: "correct horse") == msg)
        #expect(throws: PassphraseSeal.Failure.wrongPassphraseOrCorrupted) {
            try PassphraseSeal.open(locked, passphrase: "wrong horse")
        }
    }
}
