import Foundation

/// A board clock that stands where a simulation or a test puts it, and never goes back.
/// Give `{ clock.now }` as a BoardService's clock.
public final class SimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date

    public init(_ time: Date) { self.time = time }

    public var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return time
    }

    /// Moves the clock to `t`, or leaves it where it is if `t` is earlier.
    public func set(_ t: Date) {
        lock.lock()
        defer { lock.unlock() }
        time = max(time, t)
    }
}
