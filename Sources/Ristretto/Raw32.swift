/// Thirty-two bytes held inline, so elements and scalars never allocate.
@usableFromInline
struct Raw32: Hashable, Sendable {
    @usableFromInline var w0: UInt64 = 0
    @usableFromInline var w1: UInt64 = 0
    @usableFromInline var w2: UInt64 = 0
    @usableFromInline var w3: UInt64 = 0

    @inlinable init() {}

    init(copying bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32)
        withUnsafeMutableBytes(of: &self) { $0.copyMemory(from: bytes) }
    }

    init(_ bytes: [UInt8]) {
        self.init()
        bytes.withUnsafeBytes { src in withUnsafeMutableBytes(of: &self) { $0.copyMemory(from: src) } }
    }

    var bytes: [UInt8] {
        withUnsafeBytes(of: self) { Array($0) }
    }

    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: self) { try body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    @inline(__always)
    static func make(_ body: (UnsafeMutablePointer<UInt8>) throws -> Void) rethrows -> Raw32 {
        var raw = Raw32()
        try withUnsafeMutableBytes(of: &raw) { try body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        return raw
    }

    var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }
}
