import Ristretto
import RistrettoArithmetic

/// Exponential ElGamal ciphertext (alpha, beta) = (r*B, m*B + r*K) under the joint key K.
public struct Ciphertext: Sendable, Hashable, Codable {
    public var alpha: Element
    public var beta: Element

    public init(alpha: Element, beta: Element) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The encryption of 0 with nonce 0: the neutral element for homomorphic sums.
    public static let zero = Ciphertext(alpha: .identity, beta: .identity)

    /// Homomorphic addition: the result encrypts the sum of the plaintexts.
    public static func + (a: Ciphertext, b: Ciphertext) -> Ciphertext {
        Ciphertext(alpha: a.alpha + b.alpha, beta: a.beta + b.beta)
    }

    public static func += (a: inout Ciphertext, b: Ciphertext) { a = a + b }

    /// Encrypts a small plaintext `m` (a selection 0/1) with nonce `r`, constant-time in `m` for m in {0, 1}.
    public static func encrypt(bit m: UInt8, nonce r: Scalar, key: Element) -> Ciphertext {
        Ciphertext(alpha: .base(r), beta: r * key + Element.select(.generator, bit: m))
    }

    /// Encrypts an arbitrary plaintext scalar (not secret-shaped, e.g. audits and tests).
    public static func encrypt(_ m: Scalar, nonce r: Scalar, key: Element) -> Ciphertext {
        Ciphertext(alpha: .base(r), beta: .base(m) + r * key)
    }

    /// Appends both components to a transcript.
    public func append(to t: inout Transcript) {
        t.append(alpha)
        t.append(beta)
    }
}

/// A ciphertext's two components as points of the own arithmetic, decoded once (by verification)
/// and added again by tallying without decoding them a second time.
public struct CiphertextPoints: Sendable {
    let alpha: EdwardsPoint, beta: EdwardsPoint

    init(alpha: EdwardsPoint, beta: EdwardsPoint) { (self.alpha, self.beta) = (alpha, beta) }

    /// Decodes a ciphertext's components (nil should the own arithmetic refuse one).
    public init?(_ c: Ciphertext) {
        guard let a = PublicArithmetic.point(c.alpha), let b = PublicArithmetic.point(c.beta) else { return nil }
        (alpha, beta) = (a, b)
    }
}

/// A homomorphic sum of many ciphertexts in the project's own arithmetic (public data): each
/// addition in extended coordinates (9 multiplications), encoded once at the end, instead of
/// libsodium's decode-add-encode per addition.
public struct CiphertextSum: Sendable {
    private var alpha = EdwardsPoint.identity, beta = EdwardsPoint.identity
    /// Ciphertexts the own arithmetic did not decode (never, if it agrees with libsodium), summed by libsodium.
    private var rest = Ciphertext.zero

    public init() {}

    /// Adds a ciphertext. Cost: two decodings and two additions.
    public mutating func add(_ c: Ciphertext) {
        guard let points = CiphertextPoints(c) else {
            rest += c
            return
        }
        add(points)
    }

    /// Adds a ciphertext whose points `batch` decoded already (two additions), or decodes it.
    public mutating func add(_ c: Ciphertext, decodedIn batch: ProofBatch) {
        if let points = batch.points(c) { add(points) } else { add(c) }
    }

    /// Adds a ciphertext decoded before. Cost: two additions.
    public mutating func add(_ c: CiphertextPoints) {
        alpha = alpha + c.alpha
        beta = beta + c.beta
    }

    /// The sum so far: one encoding per component (canonical by construction, tested byte for
    /// byte against libsodium, so not validated again).
    public var value: Ciphertext {
        let sum = Ciphertext(alpha: Element(ownEncoding: alpha.ristrettoBytes), beta: Element(ownEncoding: beta.ristrettoBytes))
        return rest == .zero ? sum : sum + rest
    }
}
