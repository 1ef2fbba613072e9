import Foundation

extension KlimekModel {
    /// The grid search: every (alpha, f_i, f_e) judged by its distance to the observed share histogram.
    enum Grid {
        /// u is cut in cells of 0.0025: f_i and f_e move in those steps.
        static let cells = 400
        static let maxExtremeSteps = 60
        static let alphas = stride(from: 0.5, through: 4.0, by: 0.25).map { $0 }

        /// Share histograms of the simulated stations by kind, as prefix sums over u cells
        /// (`(cells + 1) x 101`, row j = the stations of cells below j).
        struct Table: Sendable {
            var fair: [Int32]
            var incremental: [Int32]
            var extreme: [Int32]
            /// Simulated stations per observed one: the counts are divided by it.
            var replicas: Int
        }

        struct Point: Sendable {
            var alphaIndex: Int
            var incrementalSteps: Int
            var extremeSteps: Int
            var distance: Double

            var parameters: Parameters {
                Parameters(
                    incremental: Double(incrementalSteps) / Double(cells), extreme: Double(extremeSteps) / Double(cells),
                    alpha: alphas[alphaIndex])
            }
        }

        static func shareHistogram(_ shares: [Double]) -> [Int] {
            var h = [Int](repeating: 0, count: 101)
            for s in shares { h[Simulation.bin(s)] += 1 }
            return h
        }

        /// A multinomial draw of `total` stations over the observed bins (ten-odd conditional binomials).
        static func resample(_ observed: [Int], total: Int, using rng: inout Xoshiro256) -> [Int] {
            var left = total, mass = Double(observed.reduce(0, +))
            return observed.map { count in
                guard left > 0, mass > 0 else { return 0 }
                let k = Binomial.sample(n: left, p: min(1, Double(count) / mass), using: &rng)
                left -= k
                mass -= Double(count)
                return k
            }
        }

        /// The histogram at (I, E) is A_I + B_{I+E}, with A_I = incremental[I] - extreme[I] + fair[cells]
        /// and B_J = extreme[J] - fair[J]; both are weighted by 1 / (observed + 1) once, so a distance
        /// is one pass of 101 multiply-adds.
        struct Weighted {
            var a: [Double]
            var b: [Double]

            init(table: Table, observed: [Int]) {
                let w = observed.map { 1 / (Double($0) + 1) }
                let scale = 1 / Double(table.replicas)
                let total = cells * 101
                a = [Double](repeating: 0, count: (cells + 1) * 101)
                b = a
                for j in 0...cells {
                    for k in 0..<101 {
                        let fairAll = Double(table.fair[total + k])
                        a[j * 101 + k] =
                            ((Double(table.incremental[j * 101 + k]) - Double(table.extreme[j * 101 + k]) + fairAll) * scale
                                - Double(observed[k])) * w[k]
                        b[j * 101 + k] = (Double(table.extreme[j * 101 + k]) - Double(table.fair[j * 101 + k])) * scale * w[k]
                    }
                }
            }

            /// Runs `body` with a distance function that reads the tables without bounds checks.
            func withDistance<R>(_ body: ((Int, Int) -> Double) -> R) -> R {
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in body { i, e in Self.distance(a, b, i, e) } } }
            }

            @inline(__always)
            static func distance(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, _ i: Int, _ e: Int) -> Double {
                let pa = a.baseAddress! + i * 101, pb = b.baseAddress! + (i + e) * 101
                // Four partial sums let the loop vectorise.
                var d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0
                var k = 0
                while k + 4 <= 101 {
                    let r0 = pa[k] + pb[k], r1 = pa[k + 1] + pb[k + 1], r2 = pa[k + 2] + pb[k + 2], r3 = pa[k + 3] + pb[k + 3]
                    d0 += r0 * r0
                    d1 += r1 * r1
                    d2 += r2 * r2
                    d3 += r3 * r3
                    k += 4
                }
                while k < 101 {
                    let r = pa[k] + pb[k]
                    d0 += r * r
                    k += 1
                }
                return (d0 + d1) + (d2 + d3)
            }
        }

        /// The best point at each alpha (the profile): a coarse pass (f_i in steps of 0.01, f_e of 0.005),
        /// then every step around the coarse best.
        /// Also gives the distance at each of `points` (of any alpha), from the same weighted tables.
        static func profile(observed: [Int], tables: [Table], also points: [Point] = []) -> (best: [Point], at: [Double]) {
            var at = [Double](repeating: .nan, count: points.count)
            let best = tables.indices.map { ai in
                Weighted(table: tables[ai], observed: observed).withDistance { distance in
                    for (k, p) in points.enumerated() where p.alphaIndex == ai { at[k] = distance(p.incrementalSteps, p.extremeSteps) }
                    var best = Point(alphaIndex: ai, incrementalSteps: 0, extremeSteps: 0, distance: .infinity)
                    func search(_ steps: some Sequence<Int>, _ extreme: some Sequence<Int>) {
                        for i in steps where i >= 0 && i <= cells {
                            for e in extreme where e >= 0 && e <= min(maxExtremeSteps, cells - i) {
                                let d = distance(i, e)
                                if d < best.distance { best = Point(alphaIndex: ai, incrementalSteps: i, extremeSteps: e, distance: d) }
                            }
                        }
                    }
                    search(stride(from: 0, through: cells, by: 4), stride(from: 0, through: maxExtremeSteps, by: 2))
                    let coarse = best
                    search(
                        (coarse.incrementalSteps - 4)...(coarse.incrementalSteps + 4), (coarse.extremeSteps - 2)...(coarse.extremeSteps + 2)
                    )
                    return best
                }
            }
            return (best, at)
        }
    }
}
