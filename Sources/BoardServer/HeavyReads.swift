import Foundation

/// A bound on the reads that cost the server real work (building a record's zip, a long page of
/// entries): `running` at once, `waiting` more queued in arrival order; beyond that the request is
/// answered 503 busy at once, so anonymous readers cannot take the processors from voters.
final class HeavyReads: @unchecked Sendable {
    private let running: Int
    private let waiting: Int
    private let lock = NSLock()
    private var active = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(running: Int, waiting: Int) {
        self.running = max(1, running)
        self.waiting = max(0, waiting)
    }

    /// Takes a slot, waiting for one while the queue has room; false when it has none.
    func acquire() async -> Bool {
        enum Admission { case now, queue, refuse }
        let admission: Admission = lock.withLock {
            if active < running {
                active += 1
                return .now
            }
            return queue.count < waiting ? .queue : .refuse
        }
        switch admission {
        case .now: return true
        case .refuse: return false
        case .queue:
            await withCheckedContinuation { continuation in
                // The slot may have come free between the two locks: take it rather than wait for a release that will not come.
                let resumeNow: Bool = lock.withLock {
                    if active < running {
                        active += 1
                        return true
                    }
                    queue.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            return true
        }
    }

    /// Requests waiting for a slot now.
    var waitingCount: Int { lock.withLock { queue.count } }

    /// Takes a slot only if one is free now.
    func tryAcquire() -> Bool {
        lock.withLock {
            guard active < running else { return false }
            active += 1
            return true
        }
    }

    /// Gives a slot back: to the first waiter if any (the slot passes on, `active` unchanged).
    func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            if queue.isEmpty {
                active -= 1
                return nil
            }
            return queue.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` in a slot, or returns nil when none is to be had.
    func run<T>(_ body: () async throws -> T) async rethrows -> T? {
        guard await acquire() else { return nil }
        defer { release() }
        return try await body()
    }
}

/// A budget of bytes per second shared by every download of record.zip: however many readers
/// there are, and however fast their links, the board spends at most this much of its processors
/// and network on them. A download that overdraws waits its turn, as long as its debt takes to
/// repay, so readers share the budget in the order they asked.
final class ByteBudget: @unchecked Sendable {
    private let perSecond: Double
    private let lock = NSLock()
    private var balance: Double
    private var last: TimeInterval

    init(bytesPerSecond: Int) {
        perSecond = Double(max(1, bytesPerSecond))
        balance = perSecond / 4
        last = ProcessInfo.processInfo.systemUptime
    }

    /// Spends `bytes`, waiting first while the budget is overdrawn.
    func spend(_ bytes: Int) async {
        let wait: Double = lock.withLock {
            let now = ProcessInfo.processInfo.systemUptime
            // At most a quarter second's worth saved up: no long burst after a quiet spell.
            balance = min(perSecond / 4, balance + (now - last) * perSecond) - Double(bytes)
            last = now
            return balance >= 0 ? 0 : -balance / perSecond
        }
        if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }
}
