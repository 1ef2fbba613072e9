import Foundation

/// Shpilkin's estimate of anomalous votes: assume the stations around the "honest" turnout peak
/// show the true leader share s0, and that other candidates' votes are genuine everywhere; then
/// every station above the peak should have L = O * s0 / (1 - s0). The excess is anomalous.
public enum ShpilkinEstimate {
    public struct Bin: Codable, Sendable {
        public var turnout: Double
        public var registered: Int
        public var ballots: Int
        public var leader: Int
        public var others: Int
    }

    public struct Result: Codable, Sendable {
        public var assumptions: String
        public var binWidth: Double
        public var bins: [Bin]
        /// The reference ("honest") turnout: the lowest-turnout clear peak (>= 30% of the highest) of the
        /// smoothed voter-weighted turnout distribution.
        public var referenceTurnout: Double
        /// Leader share among stations within +-1 point of the reference turnout.
        public var referenceShare: Double
        public var anomalousVotes: Int
        /// The estimate's range when the reference turnout moves within +-`sensitivityWindow`.
        public var sensitivityWindow: Double
        public var anomalousMin: Int
        public var anomalousMax: Int
        public var leaderVotes: Int
        public var verdict: String
    }

    public static func run(_ stations: [Station], window: Double = 0.05) -> Result? {
        let usable = stations.filter { $0.ballots > 0 && $0.registered > 0 }
        guard usable.count >= 200 else { return nil }
        let width = 0.005
        let n = Int(1 / width) + 1
        var bins = (0..<n).map { Bin(turnout: Double($0) * width, registered: 0, ballots: 0, leader: 0, others: 0) }
        for s in usable {
            let i = min(n - 1, Int(s.turnout / width))
            bins[i].registered += s.registered
            bins[i].ballots += s.ballots
            bins[i].leader += s.leader
            bins[i].others += s.others
        }
        // The honest reference is the lowest-turnout clear peak of the voter-weighted turnout
        // distribution (Gaussian smoothing, sigma 2 points, which also removes integer spikes):
        // added ballots build a second hump at high turnout, which may well be the higher one.
        let sigma = 4.0
        let kernel = (-12...12).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let smooth = (0..<n).map { i in
            (-12...12).reduce(0.0) { acc, k in
                let j = i + k
                return j >= 0 && j < n ? acc + Double(bins[j].registered) * kernel[k + 12] : acc
            }
        }
        let top = smooth.max() ?? 0
        let peaks = (1..<(n - 1)).filter { smooth[$0] >= 0.3 * top && smooth[$0] > smooth[$0 - 1] && smooth[$0] >= smooth[$0 + 1] }
        let peak = peaks.first ?? (smooth.indices.max { smooth[$0] < smooth[$1] } ?? 0)
        let t0 = (Double(peak) + 0.5) * width
        func estimate(at t: Double) -> (share: Double, anomalous: Int) {
            let near = usable.filter { abs($0.turnout - t) <= 0.01 }
            let l = near.reduce(0) { $0 + $1.leader }, b = near.reduce(0) { $0 + $1.ballots }
            guard b > 0 else { return (0, 0) }
            let s0 = Double(l) / Double(b)
            guard s0 < 1 else { return (s0, 0) }
            let ratio = s0 / (1 - s0)
            let excess = usable.filter { $0.turnout > t }.reduce(0.0) { $0 + Double($1.leader) - Double($1.others) * ratio }
            return (s0, Int(excess.rounded()))
        }
        let (s0, anomalous) = estimate(at: t0)
        let range = stride(from: t0 - window, through: t0 + window + 1e-9, by: width).filter { $0 > 0 }.map { estimate(at: $0).anomalous }
        let leaderVotes = usable.reduce(0) { $0 + $1.leader }
        var result = Result(
            assumptions: Result.assumptions(.en),
            binWidth: width, bins: bins, referenceTurnout: t0, referenceShare: s0, anomalousVotes: anomalous,
            sensitivityWindow: window, anomalousMin: range.min() ?? anomalous, anomalousMax: range.max() ?? anomalous,
            leaderVotes: leaderVotes, verdict: "")
        result.verdict = result.verdict(.en)
        return result
    }
}
