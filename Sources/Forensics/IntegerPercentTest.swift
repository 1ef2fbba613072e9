import Dispatch
import Foundation

/// Kobak, Shpilkin & Pshenichnikov (2016): too many stations whose turnout or leader share is a
/// whole percentage, against a binomial Monte Carlo null that keeps every station's turnout and share.
public enum IntegerPercentTest {
    public struct StratumResult: Codable, Sendable {
        public var stratum: String
        public var stations: Int
        public var observed: Int
        public var nullMean: Double
        public var nullSD: Double
        public var excess: Double
        public var z: Double?
        public var empiricalP: Double
    }

    public struct Result: Codable, Sendable {
        public var assumptions: String
        public var parameters: String
        public var stationsTested: Int
        public var observed: Int
        public var nullMean: Double
        public var nullSD: Double
        public var excess: Double
        public var z: Double
        /// (1 + number of null draws with at least the observed count) / (draws + 1).
        public var empiricalP: Double
        public var draws: Int
        public var seed: UInt64
        public var nullCounts: [Int]
        public var strata: [StratumResult]
        public var verdict: String
    }

    /// Whether 100*num/den lies within 0.05 percentage points of an integer (exact integer arithmetic).
    @inline(__always)
    static func nearInteger(_ num: Int, _ den: Int) -> Bool {
        guard den > 0 else { return false }
        let r = (100 * num) % den
        return 20 * min(r, den - r) <= den
    }

    /// Below this many qualifying stations the test says it needs more data instead of concluding.
    public static let minimumStations = 100

    /// Stations the test applies to (Kobak et al.): C > 0, V >= 100, turnout B/V <= 0.99, share L/C <= 0.99.
    static func eligible(_ s: Station) -> Bool {
        s.counted > 0 && s.registered >= 100 && 100 * s.ballots <= 99 * s.registered && 100 * s.leader <= 99 * s.counted
    }

    /// Turnout B/V or share L/C within 0.05 points of an integer percentage.
    @inline(__always)
    static func isInteger(ballots b: Int, registered v: Int, leader l: Int, counted c: Int) -> Bool {
        nearInteger(b, v) || (c > 0 && nearInteger(l, c))
    }

    /// Runs the test with `draws` null draws on `workers` threads; `progress` is called after each draw.
    public static func run(
        _ table: StationTable, draws: Int, seed: UInt64, workers: Int, progress: (@Sendable () -> Void)? = nil
    ) -> Result {
        let stations = table.stations.filter(eligible)
        let groups = StrataIndex(table: table, stations: stations)
        let observedFlags = stations.map {
            isInteger(ballots: $0.ballots, registered: $0.registered, leader: $0.leader, counted: $0.counted)
        }
        let observed = observedFlags.filter { $0 }.count
        var observedByGroup = [Int](repeating: 0, count: groups.count)
        for (i, f) in observedFlags.enumerated() where f { for g in groups.of[i] { observedByGroup[g] += 1 } }

        // Null draws: counts[draw], and per group. The stations are independent under the null, so a
        // draw is one Bernoulli per station with the station's exact probability of a whole percentage:
        // the same distribution as drawing B' and L', at a fraction of the cost.
        let n = stations.count
        let probability = exactProbabilities(stations, workers: workers)
        // P(u < p) for u uniform on 53-bit multiples: compare the top 53 bits against p * 2^53.
        let thresholds = probability.map { UInt64(($0 * 0x1.0p53).rounded(.up)) }
        let groupOf = groups.of
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(draws, 1))
        let groupCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(draws * groups.count, 1))
        groupCounts.initialize(repeating: 0)
        counts.initialize(repeating: 0)
        defer {
            counts.deallocate()
            groupCounts.deallocate()
        }
        let countsBox = SendableBuffer(counts), groupBox = SendableBuffer(groupCounts)
        let gCount = groups.count
        let w = max(1, min(workers, draws))
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            var d = worker
            while d < draws {
                var rng = Xoshiro256(seed: seed, stream: UInt64(d))
                var total = 0
                for i in 0..<n where rng.next() >> 11 < thresholds[i] {
                    total += 1
                    for g in groupOf[i] { groupBox.buffer[d * gCount + g] += 1 }
                }
                countsBox.buffer[d] = total
                progress?()
                d += w
            }
        }
        let nullCounts = Array(counts)
        let (mean, sd) = meanSD(nullCounts.map(Double.init))
        let z = sd > 0 ? (Double(observed) - mean) / sd : 0
        let p = Double(1 + nullCounts.filter { $0 >= observed }.count) / Double(draws + 1)
        let strata = (0..<groups.count).map { g -> StratumResult in
            let c = (0..<draws).map { Double(groupCounts[$0 * gCount + g]) }
            let (m, sdv) = meanSD(c)
            let obs = observedByGroup[g]
            return StratumResult(
                stratum: groups.names[g], stations: groups.sizes[g], observed: obs, nullMean: m, nullSD: sdv,
                excess: Double(obs) - m, z: sdv > 0 ? (Double(obs) - m) / sdv : nil,
                empiricalP: Double(1 + c.filter { $0 >= Double(obs) }.count) / Double(draws + 1))
        }
        var result = Result(
            assumptions: Result.assumptions(.en), parameters: "",
            stationsTested: n, observed: observed, nullMean: mean, nullSD: sd, excess: Double(observed) - mean, z: z,
            empiricalP: p, draws: draws, seed: seed, nullCounts: nullCounts, strata: strata, verdict: "")
        (result.parameters, result.verdict) = (result.parameters(.en), result.verdict(.en))
        return result
    }

    /// Every station's exact null probability of a whole percentage, on `workers` threads.
    static func exactProbabilities(_ stations: [Station], workers: Int) -> [Double] {
        let lf = LogFactorials(upTo: stations.map(largestCount).max() ?? 1)
        let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(stations.count, 1))
        defer { out.deallocate() }
        let box = SendableBuffer(out)
        let chunk = 1024, chunks = (stations.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, chunks))) { worker in
            var k = worker
            while k < chunks {
                for i in (k * chunk)..<min(stations.count, (k + 1) * chunk) {
                    box.buffer[i] = integerProbability(stations[i], logFactorials: lf)
                }
                k += max(1, min(workers, chunks))
            }
        }
        return Array(out.prefix(stations.count))
    }

    static func meanSD(_ xs: [Double]) -> (Double, Double) {
        guard !xs.isEmpty else { return (0, 0) }
        let m = xs.reduce(0, +) / Double(xs.count)
        guard xs.count > 1 else { return (m, 0) }
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        return (m, v.squareRoot())
    }
}

/// A buffer written at disjoint indices from several threads.
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// Which strata (column=value groups) each station belongs to.
struct StrataIndex {
    var names: [String] = []
    var sizes: [Int] = []
    var of: [[Int]] = []
    var count: Int { names.count }

    init(table: StationTable, stations: [Station]) {
        var index = [String: Int]()
        for s in stations {
            var mine = [Int]()
            for (c, column) in table.strataNames.enumerated() where c < s.strata.count {
                let key = "\(column)=\(s.strata[c])"
                let g =
                    index[key]
                    ?? {
                        index[key] = names.count
                        names.append(key)
                        sizes.append(0)
                        return names.count - 1
                    }()
                sizes[g] += 1
                mine.append(g)
            }
            of.append(mine)
        }
    }
}
