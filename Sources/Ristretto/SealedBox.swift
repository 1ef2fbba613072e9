import CSodium

/// Anonymous public-key encryption (libsodium `crypto_box_seal`, X25519 + XSalsa20-Poly1305),
/// used to send each trustee its key shares.
public enum SealedBox {
    /// An X25519 key pair for receiving sealed boxes.
    public struct KeyPair: Sendable {
        public let publicKey: [UInt8]
        public let secretKey: [UInt8]

        public init() {
            Sodium.ensureInitialised()
            var pk = [UInt8](repeating: 0, count: 32)
            var sk = [UInt8](repeating: 0, count: 32)
            _ = crypto_box_keypair(&pk, &sk)
            publicKey = pk
            secretKey = sk
        }

        public init(secretKey: [UInt8]) throws(GroupError) {
            guard secretKey.count == 32 else { throw .wrongLength(expected: 32, actual: secretKey.count) }
            Sodium.ensureInitialised()
            var pk = [UInt8](repeating: 0, count: 32)
            _ = crypto_scalarmult_curve25519_base(&pk, secretKey)
            publicKey = pk
            self.secretKey = secretKey
        }

        /// Opens a box sealed to this key; nil if it was not, or was altered.
        public func open(_ box: [UInt8]) -> [UInt8]? {
            let overhead = crypto_box_sealbytes()
            guard box.count >= overhead else { return nil }
            var out = [UInt8](repeating: 0, count: box.count - overhead)
            let status = out.withUnsafeMutableBufferPointer { o in
                crypto_box_seal_open(o.baseAddress, box, UInt64(box.count), publicKey, secretKey)
            }
            return status == 0 ? out : nil
        }
    }

    /// Seals a message to a 32-byte X25519 public key.
    public static func seal(_ message: [UInt8], to publicKey: [UInt8]) throws(GroupError) -> [UInt8] {
        guard publicKey.count == 32 else { throw .wrongLength(expected: 32, actual: publicKey.count) }
        Sodium.ensureInitialised()
        var out = [UInt8](repeating: 0, count: message.count + crypto_box_sealbytes())
        let status = message.withUnsafeBufferPointer { m in
            crypto_box_seal(&out, m.baseAddress, UInt64(m.count), publicKey)
        }
        guard status == 0 else { throw .nonCanonicalElement }
        return out
    }
}
