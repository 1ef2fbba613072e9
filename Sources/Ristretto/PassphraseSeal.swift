import CSodium

/// Encryption at rest under a passphrase: Argon2id (libsodium `crypto_pwhash`) derives a key,
/// XSalsa20-Poly1305 (`crypto_secretbox`) encrypts. Used for trustee and authority key files.
public enum PassphraseSeal {
    public enum Failure: Error, Equatable, Sendable {
        /// Wrong passphrase or altered file: authentication failed.
        case wrongPassphraseOrCorrupted
        /// Not enough memory or a malformed header.
        case malformed
    }

    /// Sealed data with the parameters needed to open it.
    public struct Sealed: Codable, Sendable, Equatable {
        public var kdf: String
        public var opsLimit: UInt64
        public var memLimit: UInt64
        public var salt: String
        public var nonce: String
        public var ciphertext: String
    }

    /// Encrypts `plaintext` under `passphrase` (Argon2id, interactive limits unless raised).
    public static func seal(_ plaintext: [UInt8], passphrase: String, strong: Bool = false) throws(Failure) -> Sealed {
        Sodium.ensureInitialised()
        let ops = UInt64(strong ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE)
        let mem = UInt64(strong ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE)
        let salt = Sodium.randomBytes(Int(crypto_pwhash_SALTBYTES))
        let nonce = Sodium.randomBytes(Int(crypto_secretbox_NONCEBYTES))
        var key = try derive(passphrase: passphrase, salt: salt, ops: ops, mem: mem)
        defer { Sodium.zero(&key) }
        var out = [UInt8](repeating: 0, count: plaintext.count + Int(crypto_secretbox_MACBYTES))
        _ = plaintext.withUnsafeBufferPointer { p in
            crypto_secretbox_easy(&out, p.baseAddress, UInt64(p.count), nonce, key)
        }
        return Sealed(
            kdf: "argon2id13", opsLimit: ops, memLimit: mem, salt: Hex.encode(salt), nonce: Hex.encode(nonce),
            ciphertext: Hex.encode(out))
    }

    /// Decrypts; throws `wrongPassphraseOrCorrupted` when authentication fails.
    public static func open(_ sealed: Sealed, passphrase: String) throws(Failure) -> [UInt8] {
        guard sealed.kdf == "argon2id13",
            let salt = try? Hex.decode(sealed.salt, count: Int(crypto_pwhash_SALTBYTES)),
            let nonce = try? Hex.decode(sealed.nonce, count: Int(crypto_secretbox_NONCEBYTES)),
            let box = try? Hex.decode(sealed.ciphertext), box.count >= Int(crypto_secretbox_MACBYTES),
            sealed.opsLimit <= 16, sealed.memLimit <= 1 << 30
        else { throw .malformed }
        var key = try derive(passphrase: passphrase, salt: salt, ops: sealed.opsLimit, mem: sealed.memLimit)
        defer { Sodium.zero(&key) }
        var out = [UInt8](repeating: 0, count: box.count - Int(crypto_secretbox_MACBYTES))
        let status = out.withUnsafeMutableBufferPointer { o in
            crypto_secretbox_open_easy(o.baseAddress, box, UInt64(box.count), nonce, key)
        }
        guard status == 0 else { throw .wrongPassphraseOrCorrupted }
        return out
    }

    private static func derive(passphrase: String, salt: [UInt8], ops: UInt64, mem: UInt64) throws(Failure) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: Int(crypto_secretbox_KEYBYTES))
        let pw = Array(passphrase.utf8)
        let status = pw.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { pc in
                crypto_pwhash(
                    &key, UInt64(key.count), pc.baseAddress!, UInt64(pc.count), salt, ops, Int(mem),
                    crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard status == 0 else { throw .malformed }
        return key
    }
}
