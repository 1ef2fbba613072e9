import Foundation

extension KlimekModel {
    /// One simulated station per observed one, drawn once (common random numbers) so that every
    /// parameter set is judged on the same stations and the distance changes smoothly with it.
    struct Simulation {
        var turnout: [Double]
        var share: [Double]
        /// Decides the station's kind: incremental when u < f_i, extreme when f_i <= u < f_i + f_e.
        var u: [Double]
        /// log x for each kind, so x^alpha is one exp.
        var logIncremental: [Double]
        var logExtreme: [Double]

        init(fair: FairStations, stations: Int, seed: UInt64) {
            var rng = Xoshiro256(seed: seed, stream: 0x4B4C_494D_4B00_0000)
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
            logIncremental = []
            logExtreme = []
            for _ in 0..<stations {
                turnout.append(inside(fair.turnout, fair.turnoutSD))
                share.append(inside(fair.share, fair.shareSD))
                u.append(rng.uniform())
                var xi = 1.0
                while xi >= 1 || xi <= 0 { xi = abs(fair.theta * normal()) }
                var xe = 0.0
                while xe >= 1 || xe <= 0 { xe = 1 - abs(0.075 * normal()) }
                logIncremental.append(log(xi))
                logExtreme.append(log(xe))
            }
        }

        /// Turnout and share of station i stuffed with x (log x given), as the model says.
        @inline(__always)
        func stuffed(_ i: Int, logX: Double, alpha: Double) -> (turnout: Double, share: Double) {
            let a = turnout[i], v = share[i], x = exp(logX)
            let t = a + x * (1 - a)
            let leader = a * v + x * (1 - a) + exp(alpha * logX) * a * (1 - v)
            return (t, min(1, leader / t))
        }

        @inline(__always)
        static func bin(_ x: Double) -> Int { min(100, max(0, Int(x * 100))) }

        /// Share histograms by kind, summed over u cells: prefix[j] holds the stations of cells below j.
        func prefixTables(alpha: Double) -> Grid.Table {
            let cells = Grid.cells
            var fair = [Int32](repeating: 0, count: (cells + 1) * 101)
            var incremental = fair, extreme = fair
            for i in 0..<u.count {
                let row = (min(cells - 1, Int(u[i] * Double(cells))) + 1) * 101
                fair[row + Self.bin(share[i])] += 1
                incremental[row + Self.bin(stuffed(i, logX: logIncremental[i], alpha: alpha).share)] += 1
                extreme[row + Self.bin(stuffed(i, logX: logExtreme[i], alpha: alpha).share)] += 1
            }
            for j in 1...cells {
                for b in 0..<101 {
                    fair[j * 101 + b] += fair[(j - 1) * 101 + b]
                    incremental[j * 101 + b] += incremental[(j - 1) * 101 + b]
                    extreme[j * 101 + b] += extreme[(j - 1) * 101 + b]
                }
            }
            return Grid.Table(fair: fair, incremental: incremental, extreme: extreme)
        }

        /// The model's fingerprint (stations per 1% turnout x 1% share) at the given parameters.
        func fingerprint(_ p: Parameters) -> [[Int]] {
            var grid = [[Int]](repeating: [Int](repeating: 0, count: 101), count: 101)
            for i in 0..<u.count {
                var point = (turnout: turnout[i], share: share[i])
                if u[i] < p.incremental {
                    point = stuffed(i, logX: logIncremental[i], alpha: p.alpha)
                } else if u[i] < p.incremental + p.extreme {
                    point = stuffed(i, logX: logExtreme[i], alpha: p.alpha)
                }
                grid[Self.bin(point.turnout)][Self.bin(point.share)] += 1
            }
            return grid
        }
    }
}
