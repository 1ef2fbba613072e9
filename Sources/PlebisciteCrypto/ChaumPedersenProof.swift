import Ristretto

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
        context: [UInt8], g: Element, x: Element, h: Element, y: Element, a1: Element, a2: Element
    ) -> Scalar {
        var t = Transcript("chaum-pedersen")
        t.append(bytes: context)
        for e in [g, x, h, y, a1, a2] { t.append(e) }
        return t.challenge()
    }

    /// Proves `x = secret*g` and `y = secret*h` for the same secret.
    public static func prove(
        secret: Scalar, g: Element, x: Element, h: Element, y: Element, context: [UInt8]
    ) -> ChaumPedersenProof {
        let w = Scalar.random()
        let a1 = g == .generator ? Element.base(w) : w * g
        let a2 = w * h
        let c = challenge(context: context, g: g, x: x, h: h, y: y, a1: a1, a2: a2)
        return ChaumPedersenProof(challenge: c, response: w + c * secret)
    }

    /// Checks the proof.
    public func verify(g: Element, x: Element, h: Element, y: Element, context: [UInt8]) throws(ProofError) {
        let a1 = (g == .generator ? Element.base(response) : response * g) - challenge * x
        let a2 = response * h - challenge * y
        guard ChaumPedersenProof.challenge(context: context, g: g, x: x, h: h, y: y, a1: a1, a2: a2) == challenge
        else { throw .challengeMismatch }
    }
}
