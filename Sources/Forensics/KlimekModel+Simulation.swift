import Foundation

extension KlimekModel {
    /// Simulated stations (`simulatedPerStation` per observed one), drawn once (common random numbers)
    /// so that every parameter set is judged on the same stations and the distance changes smoothly with it.
    struct Simulation {
        var turnout: [Double]
        var share: [Double]
        /// Decides the station's kind: incremental when u < f_i, extreme when f_i <= u < f_i + f_e.
        var u: [Double]
        var incremental: Stuffing
        var extreme: Stuffing

        /// One kind of stuffing applied to every simulated station, with all that does not depend on alpha
        /// computed once: the stuffed share is (base + x^alpha * others) / turnout.
        struct Stuffing {
            /// log x, so x^alpha is one exp.
            var logX: [Double] = []
            /// a + x (1 - a): the turnout after stuffing.
            var turnout: [Double] = []
            /// a v + x (1 - a): the leader's votes before any are taken from others.
            var base: [Double] = []
            /// a (1 - v): the others' votes, of which x^alpha move to the leader.
            var others: [Double] = []

            mutating func append(contentsOf other: Stuffing) {
                logX += other.logX
                turnout += other.turnout
                base += other.base
                others += other.others
            }

            mutating func append(x: Double, a: Double, v: Double) {
                logX.append(log(x))
                turnout.append(a + x * (1 - a))
                base.append(a * v + x * (1 - a))
                others.append(a * (1 - v))
            }

            /// Turnout and share of station i stuffed this way, as the model says.
            @inline(__always)
            func stuffed(_ i: Int, alpha: Double) -> (turnout: Double, share: Double) {
                (turnout[i], min(1, (base[i] + exp(alpha * logX[i]) * others[i]) / turnout[i]))
            }
        }

        /// Stations drawn per random stream: the draws depend on the seed alone, not on the thread count.
        static let chunk = 1 << 16

        /// Draws `stations` stations, chunk by chunk on up to `workers` threads.
        init(fair: FairStations, stations: Int, seed: UInt64, workers: Int = 1) {
            let chunks = (stations + Self.chunk - 1) / Self.chunk
            let parts = UnsafeMutableBufferPointer<Simulation>.allocate(capacity: max(chunks, 1))
            defer { parts.deallocate() }
            let box = SendableBuffer(parts)
            let w = max(1, min(workers, chunks))
            DispatchQueue.concurrentPerform(iterations: w) { worker in
                for c in stride(from: worker, to: chunks, by: w) {
                    let count = min(Self.chunk, stations - c * Self.chunk)
                    (box.buffer.baseAddress! + c).initialize(to: Simulation(fair: fair, count: count, seed: seed, chunk: c))
                }
            }
            defer { parts.baseAddress!.deinitialize(count: chunks) }
            self = parts.prefix(chunks).reduce(into: Simulation(fair: fair, count: 0, seed: seed, chunk: 0)) { all, part in
                all.turnout += part.turnout
                all.share += part.share
                all.u += part.u
                all.incremental.append(contentsOf: part.incremental)
                all.extreme.append(contentsOf: part.extreme)
            }
        }

        /// One chunk's stations, from its own random stream.
        private init(fair: FairStations, count: Int, seed: UInt64, chunk: Int) {
            var rng = Xoshiro256(seed: seed, stream: 0x4B4C_494D_4B00_0000 | UInt64(chunk))
            func normal() -> Double {
                // Box-Muller; one of the pair is enough here.
                let r = (-2 * log(1 - rng.uniform())).squareRoot()
                return r * cos(2 * Double.pi * rng.uniform())
            }
            func inside(_ mean: Double, _ sd: Double) -> Double {
                while true {
                    let x = mean + sd * normal()
                    if x > 0 && x < 1 { return x }
                }
            }
            turnout = []
            share = []
            u = []
            incremental = Stuffing()
            extreme = Stuffing()
            for _ in 0..<count {
                let a = inside(fair.turnout, fair.turnoutSD), v = inside(fair.share, fair.shareSD)
                turnout.append(a)
                share.append(v)
                u.append(rng.uniform())
                var xi = 1.0
                while xi >= 1 || xi <= 0 { xi = abs(fair.theta * normal()) }
                var xe = 0.0
                while xe >= 1 || xe <= 0 { xe = 1 - abs(0.075 * normal()) }
                incremental.append(x: xi, a: a, v: v)
                extreme.append(x: xe, a: a, v: v)
            }
        }

        @inline(__always)
        static func bin(_ x: Double) -> Int { min(100, max(0, Int(x * 100))) }

        /// Share histograms by kind for every alpha of the grid, as prefix sums over u cells (row j holds the
        /// stations of cells below j); `replicas` simulated stations stand for one observed station.
        /// One pass over the stations: alpha steps by 0.25 from 0.5, so x^alpha is sqrt(x) times
        /// (x^0.25)^k, a product per alpha instead of an exp. Split over `workers` by stations, counts added after.
        /// Complexity: O(stations * alphas + workers * alphas * cells * 101).
        func tables(replicas: Int, workers: Int) -> [Grid.Table] {
            let alphas = Grid.alphas.count, size = (Grid.cells + 1) * 101
            precondition(Grid.alphas == (0..<alphas).map { 0.5 + 0.25 * Double($0) }, "the grid of alpha is 0.5 + 0.25 k")
            let n = u.count, w = max(1, min(workers, 16, n / 10_000 + 1))
            // Per worker: the fair histogram, then each alpha's incremental and extreme ones.
            let perWorker = size * (1 + 2 * alphas)
            let counts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: w * perWorker)
            defer { counts.deallocate() }
            counts.initialize(repeating: 0)
            let box = SendableBuffer(counts)
            DispatchQueue.concurrentPerform(iterations: w) { worker in
                let h = box.buffer.baseAddress! + worker * perWorker
                @inline(__always)
                func add(_ at: UnsafeMutablePointer<Int32>, _ kind: Stuffing, _ i: Int) {
                    let root = exp(0.5 * kind.logX[i]), step = root.squareRoot()
                    let base = kind.base[i], others = kind.others[i], inverse = 1 / kind.turnout[i]
                    var power = root
                    for k in 0..<alphas {
                        at[k * size + Self.bin(min(1, (base + power * others) * inverse))] += 1
                        power *= step
                    }
                }
                for i in (n * worker / w)..<(n * (worker + 1) / w) {
                    let row = (min(Grid.cells - 1, Int(u[i] * Double(Grid.cells))) + 1) * 101
                    h[row + Self.bin(share[i])] += 1
                    add(h + size + row, incremental, i)
                    add(h + size * (1 + alphas) + row, extreme, i)
                }
            }
            func prefix(_ start: Int) -> [Int32] {
                var t = [Int32](repeating: 0, count: size)
                for worker in 0..<w {
                    for j in 0..<size { t[j] += counts[worker * perWorker + start + j] }
                }
                for j in 101..<size { t[j] += t[j - 101] }
                return t
            }
            let fair = prefix(0)
            return (0..<alphas).map { k in
                Grid.Table(fair: fair, incremental: prefix(size * (1 + k)), extreme: prefix(size * (1 + alphas + k)), replicas: replicas)
            }
        }

        /// The model's fingerprint (stations per 1% turnout x 1% share) at the given parameters, drawn
        /// from the first `stations` simulated stations (one per observed station).
        func fingerprint(_ p: Parameters, stations: Int) -> [[Int]] {
            var grid = [[Int]](repeating: [Int](repeating: 0, count: 101), count: 101)
            for i in 0..<min(stations, u.count) {
                var point = (turnout: turnout[i], share: share[i])
                if u[i] < p.incremental {
                    point = incremental.stuffed(i, alpha: p.alpha)
                } else if u[i] < p.incremental + p.extreme {
                    point = extreme.stuffed(i, alpha: p.alpha)
                }
                grid[Self.bin(point.turnout)][Self.bin(point.share)] += 1
            }
            return grid
        }
    }
}
