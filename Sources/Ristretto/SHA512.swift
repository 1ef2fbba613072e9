import CSodium

/// Incremental SHA-512 (libsodium `crypto_hash_sha512`).
public struct SHA512: Sendable {
    private var state = crypto_hash_sha512_state()

    public init() {
        Sodium.ensureInitialised()
        crypto_hash_sha512_init(&state)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crypto_hash_sha512_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    public mutating func update<B: ContiguousBytes>(_ bytes: B) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes and returns the 64-byte digest.
    public mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        out.withUnsafeMutableBufferPointer { _ = crypto_hash_sha512_final(&state, $0.baseAddress!) }
        return out
    }

    /// One-shot digest.
    public static func hash<B: ContiguousBytes>(_ bytes: B) -> [UInt8] {
        var h = SHA512()
        h.update(bytes)
        return h.finalize()
    }
}

/// Byte containers that expose contiguous storage (`[UInt8]`, `ArraySlice<UInt8>`, ...).
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
extension Element: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: raw, body)
    }
}
extension Scalar: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: raw, body)
    }
}
