/// One browser at a time in a process. A headless Chromium or Firefox takes both cores of a small
/// machine while it starts and renders; tests that run in parallel would otherwise start several
/// at once and starve each other (and the timing-sensitive tests beside them).
public actor BrowserTurn {
    public static let shared = BrowserTurn()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Waits until no other browser session of this process is open, then takes the turn.
    public func acquire() async {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the turn to the next waiter, if any.
    public func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` in a turn of its own.
    public static func run<T>(_ body: () async throws -> T) async rethrows -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }
}
