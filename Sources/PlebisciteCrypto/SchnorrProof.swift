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

/// Schnorr signature on ristretto255 by a key X = x*B, over a 32- or 64-byte message digest, in
/// (commitment, response) form (protocol version 2).
///
/// A = w*B, c = H("schnorr-signature", context, X, A, message), s = w + c*x. Verification
/// recomputes c from the transmitted A and checks s*B = A + c*X. Used for credential signatures
/// on ballots (PROTOCOL.md 3.2).
public struct SchnorrSignature: Sendable, Equatable, Codable {
    public var commitment: Element
    public var response: Scalar

    public init(commitment: Element, response: Scalar) {
        self.commitment = commitment
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
        return SchnorrSignature(commitment: a, response: w + c * x)
    }

    /// Checks the signature (a batch of its own).
    public func verify(message: [UInt8], key: Element, context: [UInt8]) throws(ProofError) {
        var batch = ProofBatch()
        try check(message: message, key: key, context: context, into: &batch)
        guard batch.holds() else { throw .commitmentMismatch }
    }

    /// Checks the key now and adds the equation s*B - A - c*X = 0 to `batch` with a random weight.
    public func check(message: [UInt8], key: Element, context: [UInt8], into batch: inout ProofBatch) throws(ProofError) {
        guard !key.isIdentity, !commitment.isIdentity else { throw .identityNotAllowed }
        let c = SchnorrSignature.challenge(context: context, key: key, commitment: commitment.rawRepresentation, message: message)
        guard batch.admit([commitment, key]) else {
            guard referenceEquationHolds(message: message, key: key, context: context) else { throw .commitmentMismatch }
            return
        }
        let z = batch.weight()
        batch.addBase(z * response)
        batch.add(-z, commitment)
        batch.add(-(z * c), key)
    }

    /// The same equation with libsodium's API: the reference (and fallback) of `check`.
    public func referenceEquationHolds(message: [UInt8], key: Element, context: [UInt8]) -> Bool {
        let c = SchnorrSignature.challenge(context: context, key: key, commitment: commitment.rawRepresentation, message: message)
        return Element.base(response) == commitment + c * key
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
