import ElectionRecord
import Synchronization
import Testing

@Suite("Parallel.map")
struct ParallelTests {
    /// Counts the instances alive.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test("Results in order on several threads, and nothing kept once they are dropped (the fuzzer found a leak of every result)")
    func releasesResults() {
        do {
            let out = Parallel.map(Array(0..<1_000), workers: 4) { Tracked($0 * 2) }
            #expect(out.map(\.value) == (0..<1_000).map { $0 * 2 })
            #expect(Tracked.alive.load(ordering: .relaxed) == 1_000)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }
}
