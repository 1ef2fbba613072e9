import Ristretto
import RistrettoArithmetic

/// Proof that log_G(X) = log_H(Y) (Chaum-Pedersen), in (challenge, response) form.
///
/// With A1 = w*G, A2 = w*H: c = H("chaum-pedersen", context, G, X, H, Y, A1, A2), s = w + c*x.
/// Used for decryption shares: G = B, X = trustee verification key, H = alpha, Y = share.
public struct ChaumPedersenProof: Sendable, Equatable, Codable {
    public var challenge: Scalar
    public var response: Scalar

    public init(challenge: Scalar, response: Scalar) {
        self.challenge = challenge
        self.response = response
    }

    static func challenge(
        context: [UInt8], g: Element, x: Element, h: Element, y: Element, a1: [UInt8], a2: [UInt8]
    ) -> Scalar {
        var t = Transcript("chaum-pedersen")
        t.append(bytes: context)
        for e in [g, x, h, y] { t.append(e) }
        t.append(bytes: a1)
        t.append(bytes: a2)
        return t.challenge()
    }

    /// Proves `x = secret*g` and `y = secret*h` for the same secret.
    public static func prove(
        secret: Scalar, g: Element, x: Element, h: Element, y: Element, context: [UInt8]
    ) -> ChaumPedersenProof {
        let w = Scalar.random()
        let a1 = g == .generator ? Element.base(w) : w * g
        let a2 = w * h
        let c = challenge(context: context, g: g, x: x, h: h, y: y, a1: a1.rawRepresentation, a2: a2.rawRepresentation)
        return ChaumPedersenProof(challenge: c, response: w + c * secret)
    }

    /// Checks the proof.
    public func verify(g: Element, x: Element, h: Element, y: Element, context: [UInt8]) throws(ProofError) {
        let a = ownCommitments(g: g, x: x, h: h, y: y) ?? referenceCommitments(g: g, x: x, h: h, y: y).map(\.rawRepresentation)
        guard ChaumPedersenProof.challenge(context: context, g: g, x: x, h: h, y: y, a1: a[0], a2: a[1]) == challenge
        else { throw .challengeMismatch }
    }

    /// A1 = s*G - c*X and A2 = s*H - c*Y, encoded, in the project's own arithmetic (one Straus chain
    /// each, G tabled when it is B or a key seen before); nil if an element does not decode.
    func ownCommitments(g: Element, x: Element, h: Element, y: Element) -> [[UInt8]]? {
        guard let gTable = PublicArithmetic.table(g), let xp = PublicArithmetic.point(x), let hp = PublicArithmetic.point(h),
            let yp = PublicArithmetic.point(y)
        else { return nil }
        let a1 = PublicArithmetic.multiply([(challenge, -xp)], fixed: [(response, gTable)])
        let a2 = PublicArithmetic.multiply([(response, hp), (challenge, -yp)], fixed: [])
        return [a1.ristrettoBytes, a2.ristrettoBytes]
    }

    /// The same with libsodium's API: the reference (and the fallback).
    func referenceCommitments(g: Element, x: Element, h: Element, y: Element) -> [Element] {
        [(g == .generator ? Element.base(response) : response * g) - challenge * x, response * h - challenge * y]
    }
}
