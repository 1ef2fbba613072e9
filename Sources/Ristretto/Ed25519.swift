import CSodium

/// Ed25519 signatures (libsodium `crypto_sign`), used by trustees, the credential authority,
/// devices and the board: keys that sign records rather than take part in the ballot algebra.
public enum Ed25519 {
    /// A public verification key (32 bytes).
    public struct PublicKey: Sendable, Hashable {
        public let rawRepresentation: [UInt8]

        public init(rawRepresentation: [UInt8]) throws(GroupError) {
            guard rawRepresentation.count == 32 else {
                throw .wrongLength(expected: 32, actual: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }

        public init(hex: String) throws(GroupError) {
            try self.init(rawRepresentation: Hex.decode(hex, count: 32))
        }

        public var hex: String { Hex.encode(rawRepresentation) }

        /// Checks a detached signature; false for any malformed or wrong signature.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == 64 else { return false }
            Sodium.ensureInitialised()
            return signature.withUnsafeBufferPointer { s in
                message.withUnsafeBufferPointer { m in
                    rawRepresentation.withUnsafeBufferPointer { k in
                        crypto_sign_verify_detached(s.baseAddress!, m.baseAddress, UInt64(m.count), k.baseAddress!) == 0
                    }
                }
            }
        }
    }

    /// A signing key pair; the 32-byte seed is the secret.
    public struct SigningKey: Sendable {
        public let seed: [UInt8]
        private let secret: [UInt8]
        public let publicKey: PublicKey

        /// A fresh random key.
        public init() { self.init(validSeed: Sodium.randomBytes(32)) }

        /// Re-creates the key from its 32-byte seed.
        public init(seed: [UInt8]) throws(GroupError) {
            guard seed.count == 32 else { throw .wrongLength(expected: 32, actual: seed.count) }
            self.init(validSeed: seed)
        }

        private init(validSeed seed: [UInt8]) {
            Sodium.ensureInitialised()
            var pk = [UInt8](repeating: 0, count: 32)
            var sk = [UInt8](repeating: 0, count: 64)
            _ = crypto_sign_seed_keypair(&pk, &sk, seed)
            self.seed = seed
            secret = sk
            publicKey = try! PublicKey(rawRepresentation: pk)
        }

        /// A 64-byte detached signature.
        public func signature(for message: [UInt8]) -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: 64)
            message.withUnsafeBufferPointer { m in
                _ = crypto_sign_detached(&sig, nil, m.baseAddress, UInt64(m.count), secret)
            }
            return sig
        }
    }
}
