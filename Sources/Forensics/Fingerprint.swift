import Foundation

/// Klimek, Yegorov, Hanel & Thurner (2012): the 2-D histogram of turnout against leader share.
/// Fair elections give one compact cluster; ballot stuffing and rewriting smear it towards 100%/100%.
public enum Fingerprint {
    public struct Result: Codable, Sendable {
        public var assumptions: String
        /// Station counts on a 1% grid: grid[turnout percent][share percent], 101 x 101.
        public var grid: [[Int]]
        /// Ballots per 0.1% turnout bin (1,001 bins) and per 0.1% share bin: integer spikes show here.
        public var turnoutHistogram: [Int]
        public var shareHistogram: [Int]
        public var stations: Int
        public var ballots: Int
        public var meanTurnout: Double
        public var leaderShare: Double
        /// Ballot-weighted Pearson correlation of turnout and share.
        public var correlation: Double
        /// Ballots in stations with turnout >= 90% and share >= 90%, as a fraction of all ballots.
        public var cornerFraction: Double
        /// Number of clear peaks of the ballot-weighted turnout distribution (smoothed, >= 10% of the highest).
        public var turnoutPeaks: Int
        public var verdict: String
    }

    public static func run(_ stations: [Station]) -> Result {
        var grid = [[Int]](repeating: [Int](repeating: 0, count: 101), count: 101)
        var th = [Int](repeating: 0, count: 1001), sh = [Int](repeating: 0, count: 1001)
        var wSum = 0.0, tSum = 0.0, sSum = 0.0, ttSum = 0.0, ssSum = 0.0, tsSum = 0.0
        var ballots = 0, leader = 0, registered = 0, corner = 0, counted = 0
        for st in stations where st.ballots > 0 {
            let t = st.turnout, s = st.share
            grid[min(100, Int(t * 100))][min(100, Int(s * 100))] += 1
            th[min(1000, Int(t * 1000))] += st.ballots
            sh[min(1000, Int(s * 1000))] += st.ballots
            let w = Double(st.ballots)
            wSum += w
            tSum += w * t
            sSum += w * s
            ttSum += w * t * t
            ssSum += w * s * s
            tsSum += w * t * s
            ballots += st.ballots
            leader += st.leader
            counted += st.counted
            registered += st.registered
            if 10 * st.ballots >= 9 * st.registered && 10 * st.leader >= 9 * st.counted { corner += st.ballots }
        }
        let mt = tSum / max(wSum, 1), ms = sSum / max(wSum, 1)
        let cov = tsSum / max(wSum, 1) - mt * ms
        let vt = ttSum / max(wSum, 1) - mt * mt, vs = ssSum / max(wSum, 1) - ms * ms
        let corr = vt > 0 && vs > 0 ? cov / (vt * vs).squareRoot() : 0
        let peaks = countPeaks(th)
        let cornerFraction = ballots > 0 ? Double(corner) / Double(ballots) : 0
        var result = Result(
            assumptions: Result.assumptions(.en),
            grid: grid, turnoutHistogram: th, shareHistogram: sh, stations: stations.count, ballots: ballots,
            meanTurnout: registered > 0 ? Double(ballots) / Double(registered) : 0,
            leaderShare: counted > 0 ? Double(leader) / Double(counted) : 0, correlation: corr,
            cornerFraction: cornerFraction, turnoutPeaks: peaks, verdict: "")
        result.verdict = result.verdict(.en)
        return result
    }

    /// Peaks of a 0.1%-bin histogram regrouped to 1% bins and smoothed (Gaussian, sigma 2 points).
    static func countPeaks(_ fine: [Int]) -> Int {
        var coarse = [Double](repeating: 0, count: 101)
        for (i, v) in fine.enumerated() { coarse[min(100, i / 10)] += Double(v) }
        let kernel = (-6...6).map { exp(-Double($0 * $0) / 8) }
        let smooth = (0...100).map { i in
            (-6...6).reduce(0.0) { acc, k in
                let j = i + k
                return j >= 0 && j <= 100 ? acc + coarse[j] * kernel[k + 6] : acc
            }
        }
        let top = smooth.max() ?? 0
        guard top > 0 else { return 0 }
        var peaks = 0
        for i in 0...100 {
            let left = i > 0 ? smooth[i - 1] : -1, right = i < 100 ? smooth[i + 1] : -1
            if smooth[i] >= 0.1 * top && smooth[i] > left && smooth[i] >= right { peaks += 1 }
        }
        return peaks
    }
}
