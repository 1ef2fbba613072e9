import Foundation

/// Runs blocking work (a socket read, a child process's wait) on a thread of its own and awaits
/// its result. On 2 cores Swift's cooperative pool has 2 threads: two tests blocking them stall
/// every task of the test process, an in-process board's answers included, until their own
/// timeouts expire.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
        let thread = Thread { done.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
