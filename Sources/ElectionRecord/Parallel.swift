import Dispatch
import Foundation

/// Data-parallel helpers over all cores, for public-data work (verification, tallying).
public enum Parallel {
    /// The number of active processor cores.
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Maps `items` in order, splitting the work into chunks run on `workers` threads.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let n = items.count
        guard n > 0 else { return [] }
        let w = max(1, min(workers, n))
        if w == 1 { return items.map(transform) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: n)
        results.initialize(repeating: nil)
        defer {
            // The results were copied out: release what the buffer holds, then the buffer.
            _ = results.deinitialize()
            results.deallocate()
        }
        let box = UnsafeSendable(results)
        // More chunks than workers so uneven items balance out.
        let chunks = min(n, w * 8)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            for i in lo..<hi { box.value[i] = transform(items[i]) }
        }
        return results.map { $0! }
    }
}

/// Wraps a buffer written by disjoint indices from several threads.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
