import Ristretto
import RistrettoArithmetic

/// Proof of knowledge of x with X = x*B (Schnorr, Fiat-Shamir), in (challenge, response) form.
///
/// c = H("schnorr-pok", context, X, A) with A = w*B; s = w + c*x. Verification recomputes
/// A = s*B - c*X and the challenge. `context` binds who proves and where (PROTOCOL.md 3.1).
public struct SchnorrProof: Sendable, Equatable, Codable {
    public var challenge: Scalar
    public var response: Scalar

    public init(challenge: Scalar, response: Scalar) {
        self.challenge = challenge
        self.response = response
    }

    static func challenge(context: [UInt8], statement: Element, commitment: [UInt8]) -> Scalar {
        var t = Transcript("schnorr-pok")
        t.append(bytes: context)
        t.append(statement)
        t.append(bytes: commitment)
        return t.challenge()
    }

    /// Proves knowledge of `secret` for `statement = secret*B`.
    public static func prove(secret x: Scalar, statement: Element, context: [UInt8]) -> SchnorrProof {
        let w = Scalar.random()
        let a = Element.base(w)
        let c = challenge(context: context, statement: statement, commitment: a.rawRepresentation)
        return SchnorrProof(challenge: c, response: w + c * x)
    }

    /// Checks the proof for `statement` under `context`.
    public func verify(statement: Element, context: [UInt8]) throws(ProofError) {
        let a = schnorrCommitment(challenge: challenge, response: response, key: statement)
        guard SchnorrProof.challenge(context: context, statement: statement, commitment: a) == challenge else {
            throw .challengeMismatch
        }
    }
}

/// Schnorr signature on ristretto255 by a key X = x*B, over a 32- or 64-byte message digest.
///
/// c = H("schnorr-signature", context, X, A, message), s = w + c*x. Used for credential
/// signatures on ballots (PROTOCOL.md 3.2).
public struct SchnorrSignature: Sendable, Equatable, Codable {
    public var challenge: Scalar
    public var response: Scalar

    public init(challenge: Scalar, response: Scalar) {
        self.challenge = challenge
        self.response = response
    }

    static func challenge(context: [UInt8], key: Element, commitment: [UInt8], message: [UInt8]) -> Scalar {
        var t = Transcript("schnorr-signature")
        t.append(bytes: context)
        t.append(key)
        t.append(bytes: commitment)
        t.append(bytes: message)
        return t.challenge()
    }

    /// Signs `message` with secret `x` whose public key is `key = x*B`.
    public static func sign(message: [UInt8], secret x: Scalar, key: Element, context: [UInt8]) -> SchnorrSignature {
        let w = Scalar.random()
        let a = Element.base(w)
        let c = challenge(context: context, key: key, commitment: a.rawRepresentation, message: message)
        return SchnorrSignature(challenge: c, response: w + c * x)
    }

    /// Checks the signature.
    public func verify(message: [UInt8], key: Element, context: [UInt8]) throws(ProofError) {
        guard !key.isIdentity else { throw .identityNotAllowed }
        let a = schnorrCommitment(challenge: challenge, response: response, key: key)
        guard SchnorrSignature.challenge(context: context, key: key, commitment: a, message: message) == challenge else {
            throw .challengeMismatch
        }
    }
}

/// A = s*B - c*X, encoded: the commitment a Schnorr proof or signature implies, in the project's
/// own arithmetic (one Straus chain), or with libsodium should X not decode there.
func schnorrCommitment(challenge c: Scalar, response s: Scalar, key: Element) -> [UInt8] {
    guard let x = PublicArithmetic.point(key) else {
        return referenceSchnorrCommitment(challenge: c, response: s, key: key).rawRepresentation
    }
    return PublicArithmetic.multiply([(c, -x)], fixed: [(s, EdwardsPoint.basepointTable)]).ristrettoBytes
}

/// The same with libsodium's API (one fixed-base, one variable-base multiplication): the reference.
func referenceSchnorrCommitment(challenge c: Scalar, response s: Scalar, key: Element) -> Element { .base(s) - c * key }
