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
                let total = cells * 101
                a = [Double](repeating: 0, count: (cells + 1) * 101)
                b = a
                for j in 0...cells {
                    for k in 0..<101 {
                        let fairAll = Double(table.fair[total + k])
                        a[j * 101 + k] =
                            (Double(table.incremental[j * 101 + k]) - Double(table.extreme[j * 101 + k]) + fairAll - Double(observed[k]))
                            * w[k]
                        b[j * 101 + k] = (Double(table.extreme[j * 101 + k]) - Double(table.fair[j * 101 + k])) * w[k]
                    }
                }
            }

            @inline(__always)
            func distance(_ i: Int, _ e: Int) -> Double {
                var d = 0.0
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        let ai = i * 101, bj = (i + e) * 101
                        for k in 0..<101 {
                            let r = a[ai + k] + b[bj + k]
                            d += r * r
                        }
                    }
                }
                return d
            }
        }

        static func distance(observed: [Int], table: Table, point: Point) -> Double {
            Weighted(table: table, observed: observed).distance(point.incrementalSteps, point.extremeSteps)
        }

        /// The best point: a coarse pass (alpha in steps of 0.5, f_i of 0.01, f_e of 0.005), then every
        /// step around the coarse best.
        static func fit(observed: [Int], tables: [Table]) -> Point {
            var weighted = [Int: Weighted]()
            func table(_ ai: Int) -> Weighted {
                if let w = weighted[ai] { return w }
                let w = Weighted(table: tables[ai], observed: observed)
                weighted[ai] = w
                return w
            }
            var best = Point(alphaIndex: 0, incrementalSteps: 0, extremeSteps: 0, distance: .infinity)
            func search(_ alphaIndex: Int, _ steps: some Sequence<Int>, _ extreme: some Sequence<Int>) {
                let w = table(alphaIndex)
                for i in steps where i >= 0 && i <= cells {
                    for e in extreme where e >= 0 && e <= min(maxExtremeSteps, cells - i) {
                        let d = w.distance(i, e)
                        if d < best.distance { best = Point(alphaIndex: alphaIndex, incrementalSteps: i, extremeSteps: e, distance: d) }
                    }
                }
            }
            for ai in stride(from: 0, to: alphas.count, by: 2) {
                search(ai, stride(from: 0, through: cells, by: 4), stride(from: 0, through: maxExtremeSteps, by: 2))
            }
            let coarse = best
            for ai in max(0, coarse.alphaIndex - 1)...min(alphas.count - 1, coarse.alphaIndex + 1) {
                search(
                    ai, (coarse.incrementalSteps - 4)...(coarse.incrementalSteps + 4), (coarse.extremeSteps - 2)...(coarse.extremeSteps + 2)
                )
            }
            return best
        }
    }
}
