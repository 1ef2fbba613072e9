import CSodium

/// SHA-256 (libsodium `crypto_hash_sha256`), for the RFC 9162 Merkle tree.
public enum SHA256 {
    /// The digest of the concatenation of `parts`.
    public static func hash(_ parts: [UInt8]...) -> [UInt8] {
        Sodium.ensureInitialised()
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        for p in parts { p.withUnsafeBufferPointer { _ = crypto_hash_sha256_update(&state, $0.baseAddress, UInt64($0.count)) } }
        var out = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256_final(&state, &out)
        return out
    }
}
