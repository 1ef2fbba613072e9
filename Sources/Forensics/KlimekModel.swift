import Foundation

/// Klimek, Yegorov, Hanel & Thurner (PNAS 2012): fair stations plus incremental and extreme
/// ballot stuffing, fitted to the observed leader-share histogram, with bootstrap intervals.
///
/// A fair station has turnout a ~ N(a0, sa) and leader share v ~ N(v0, sv), both kept inside (0, 1).
/// With probability f_i it is stuffed incrementally, with probability f_e extremely: a fraction x of
/// its non-voters become leader votes and a fraction x^alpha of the other votes move to the leader,
/// with x = |N(0, theta)| (incremental) or x = 1 - |N(0, 0.075)| (extreme).
public enum KlimekModel {
    /// Stations a fit needs: below this the histogram is too coarse to tell the parameters apart.
    public static let minimumStations = 500

    /// The fraud parameters of the model.
    public struct Parameters: Codable, Sendable, Equatable {
        /// f_i: the fraction of stations with incremental stuffing.
        public var incremental: Double
        /// f_e: the fraction of stations with extreme stuffing (nearly every ballot for the leader).
        public var extreme: Double
        /// alpha: how much harder it is to take votes from others than to add ballots (x^alpha of them move).
        public var alpha: Double
    }

    /// A percentile interval of the bootstrap.
    public struct Interval: Codable, Sendable, Equatable {
        public var low: Double
        public var high: Double
    }

    /// The fair stations' distributions, estimated from the left flanks, where stuffing does not reach.
    public struct FairStations: Codable, Sendable, Equatable {
        /// a0 and sa: the mode of turnout and the RMS distance to it of the stations below it.
        public var turnout: Double
        public var turnoutSD: Double
        /// v0 and sv: the same for the leader's share.
        public var share: Double
        public var shareSD: Double
        /// theta: the spread of incremental stuffing, the square root of the RMS distance above the share mode.
        public var theta: Double
    }

    public struct Result: Codable, Sendable {
        public var assumptions: String
        public var method: String
        public var stations: Int
        public var fair: FairStations
        public var fit: Parameters
        public var incrementalInterval: Interval
        public var extremeInterval: Interval
        public var alphaInterval: Interval
        public var bootstrapReplicates: Int
        /// Parameters whose estimate lies on the edge of the searched grid (the fit would go further).
        public var atGridEdge: [String]
        /// The fit's distance to the observed histogram, and the fair model's (f_i = f_e = 0).
        public var distance: Double
        public var fairDistance: Double
        /// The model's fingerprint at the fitted parameters and without stuffing, as `Fingerprint.Result.grid`.
        public var modelGrid: [[Int]]
        public var fairGrid: [[Int]]
        public var verdict: String
    }

    /// Fits the model to the stations with ballots and counted ballots; nil with fewer than `minimumStations`.
    /// Complexity: O(M * alphas) to simulate, O(alphas * grid * 101) per fit, the fit repeated per replicate.
    public static func run(_ stations: [Station], bootstrap: Int = 100, seed: UInt64 = 1, workers: Int = 1) -> Result? {
        let usable = stations.filter { $0.ballots > 0 && $0.counted > 0 && $0.registered > 0 }
        guard usable.count >= minimumStations else { return nil }
        let turnout = usable.map { min($0.turnout, 1) }, share = usable.map { min($0.share, 1) }
        guard let fair = FairStations(turnout: turnout, share: share) else { return nil }
        let simulation = Simulation(fair: fair, stations: usable.count, seed: seed)
        let observed = Grid.shareHistogram(share)
        let tables = Grid.alphas.map { simulation.prefixTables(alpha: $0) }
        let best = Grid.fit(observed: observed, tables: tables)
        // The bootstrap resamples stations: the observed histogram becomes a multinomial draw over its
        // own bins; the simulated stations stay fixed, so the intervals are the data's sampling error.
        let replicates = max(0, bootstrap)
        let fits = UnsafeMutableBufferPointer<Grid.Point>.allocate(capacity: max(replicates, 1))
        defer { fits.deallocate() }
        let box = SendableBuffer(fits)
        let w = max(1, min(workers, replicates))
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            var r = worker
            while r < replicates {
                var rng = Xoshiro256(seed: seed, stream: 0x4B4C_494D_0000_0000 | UInt64(r))
                let resampled = Grid.resample(observed, total: usable.count, using: &rng)
                box.buffer[r] = Grid.fit(observed: resampled, tables: tables)
                r += w
            }
        }
        let sample = Array(fits.prefix(replicates))
        func interval(_ key: (Grid.Point) -> Double) -> Interval {
            guard !sample.isEmpty else { return Interval(low: key(best), high: key(best)) }
            let sorted = sample.map(key).sorted()
            let lo = sorted[Int((Double(sorted.count - 1) * 0.025).rounded())]
            let hi = sorted[Int((Double(sorted.count - 1) * 0.975).rounded())]
            return Interval(low: lo, high: hi)
        }
        let fit = best.parameters
        var edge = [String]()
        // Without stuffing alpha plays no part, so its edge says nothing then.
        if best.incrementalSteps + best.extremeSteps > 0 && (best.alphaIndex == 0 || best.alphaIndex == Grid.alphas.count - 1) {
            edge.append("alpha")
        }
        if best.extremeSteps == Grid.maxExtremeSteps { edge.append("extreme") }
        if best.incrementalSteps + best.extremeSteps >= Grid.cells { edge.append("incremental") }
        let fairPoint = Grid.Point(alphaIndex: best.alphaIndex, incrementalSteps: 0, extremeSteps: 0, distance: 0)
        let fairDistance = Grid.distance(observed: observed, table: tables[best.alphaIndex], point: fairPoint)
        let ii = interval(\.parameters.incremental), ie = interval(\.parameters.extreme), ia = interval(\.parameters.alpha)
        let verdict = String(
            format:
                "model fit: f_i = %.3f [%.3f, %.3f] of stations with incremental stuffing, f_e = %.4f [%.4f, %.4f] with extreme stuffing, alpha = %.2f [%.2f, %.2f] (95%% bootstrap intervals, %d replicates)%@; distance %.1f against %.1f for the fair model",
            fit.incremental, ii.low, ii.high, fit.extreme, ie.low, ie.high, fit.alpha, ia.low, ia.high, replicates,
            edge.isEmpty ? "" : "; at the edge of the searched grid: " + edge.joined(separator: ", "), best.distance, fairDistance)
        return Result(
            assumptions:
                "Fair stations scatter around one turnout and one leader share; stuffing moves a station towards 100% turnout and 100% share together. The fair distributions are read from the left flanks of the observed ones, which stuffing does not reach. The parameters say how many stations the observed leader-share histogram needs stuffed to be explained by this model; they are not a count of proven falsifications.",
            method:
                "Common random numbers: one simulated station per observed station. Grid: alpha from 0.5 to 4, f_i from 0 to 1, f_e from 0 to 0.15, searched in steps of 0.5, 0.01 and 0.005, then in steps of 0.25, 0.0025 and 0.0025 around the best. Distance: sum over 1% share bins of ((model - observed) / (observed + 1))^2, the criterion of the authors' code. Intervals: stations resampled with replacement (a multinomial draw of the observed histogram), each replicate refitted against the same simulated stations.",
            stations: usable.count, fair: fair, fit: fit, incrementalInterval: ii, extremeInterval: ie, alphaInterval: ia,
            bootstrapReplicates: replicates, atGridEdge: edge, distance: best.distance, fairDistance: fairDistance,
            modelGrid: simulation.fingerprint(fit), fairGrid: simulation.fingerprint(Parameters(incremental: 0, extreme: 0, alpha: 1)),
            verdict: verdict)
    }
}

extension KlimekModel.FairStations {
    /// Estimates the fair distributions from observed turnouts and shares; nil when a flank is empty.
    init?(turnout: [Double], share: [Double]) {
        let t0 = Self.mode(turnout), v0 = Self.mode(share)
        guard let st = Self.rms(turnout.lazy.filter { $0 < t0 }.map { $0 - t0 }),
            let sv = Self.rms(share.lazy.filter { $0 < v0 }.map { $0 - v0 }),
            let right = Self.rms(share.lazy.filter { $0 > v0 }.map { $0 - v0 })
        else { return nil }
        self.init(turnout: t0, turnoutSD: st, share: v0, shareSD: sv, theta: right.squareRoot())
    }

    /// The centre of the highest 1% bin below 95% after Gaussian smoothing (sigma 2 bins): the
    /// stuffed peak at 100% must not be taken for the fair one.
    static func mode(_ xs: [Double]) -> Double {
        var bins = [Double](repeating: 0, count: 100)
        for x in xs { bins[min(99, max(0, Int(x * 100)))] += 1 }
        var best = 0, bestValue = -1.0
        for i in 1..<95 {
            var v = 0.0
            for k in -6...6 where (0..<100).contains(i + k) { v += bins[i + k] * exp(-Double(k * k) / 8) }
            if v > bestValue { (best, bestValue) = (i, v) }
        }
        return (Double(best) + 0.5) / 100
    }

    static func rms<S: Sequence<Double>>(_ xs: S) -> Double? {
        var sum = 0.0, n = 0
        for x in xs {
            sum += x * x
            n += 1
        }
        return n > 0 && sum > 0 ? (sum / Double(n)).squareRoot() : nil
    }
}
