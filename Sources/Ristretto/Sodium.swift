import CSodium

/// Process-wide libsodium setup and the few raw helpers the rest of the layer needs.
public enum Sodium {
    /// libsodium must be initialised once before use; `sodium_init` is idempotent and thread-safe.
    static let initialised: Bool = {
        sodium_init() >= 0
    }()

    @inline(__always)
    static func ensureInitialised() {
        precondition(initialised, "libsodium failed to initialise")
    }

    /// Fills a buffer with cryptographically secure random bytes (libsodium `randombytes_buf`).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialised()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }

    /// Constant-time equality of two equally long byte strings.
    public static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return sodium_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// Constant-time equality of two byte arrays.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in constantTimeEqual(pa, pb) } }
    }

    /// Overwrites a buffer with zeros in a way the compiler cannot elide.
    public static func zero(_ bytes: inout [UInt8]) {
        let count = bytes.count
        bytes.withUnsafeMutableBytes { if count > 0 { sodium_memzero($0.baseAddress!, count) } }
    }

    /// The libsodium version string, for reports.
    public static var version: String {
        ensureInitialised()
        return String(cString: sodium_version_string())
    }
}
