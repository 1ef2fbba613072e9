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

    /// The best fit at one alpha: the profile of the distance over alpha.
    public struct ProfilePoint: Codable, Sendable, Equatable {
        public var alpha: Double
        public var incremental: Double
        public var extreme: Double
        public var distance: Double
    }

    public struct Result: Codable, Sendable {
        public var assumptions: String
        public var method: String
        /// Which turnout and share the fit used (valid ballots where the file has them, as the authors did).
        public var figures: String
        /// Whether `figures` are valid ballots (every station has them) rather than all ballots.
        public var figuresUseValidBallots: Bool
        public var stations: Int
        public var simulatedPerStation: Int
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
        /// The best f_i and f_e at each alpha of the grid, with their distance.
        public var profile: [ProfilePoint]
        /// The 95% bootstrap quantile of how much worse the fitted parameters look than a replicate's own best:
        /// a profile point closer than this to the best distance is as good a fit, given the data's noise.
        public var distanceTolerance: Double
        /// The alphas whose profile point lies within `distanceTolerance` of the best: the ones the histogram cannot tell apart.
        public var plausibleAlphas: [Double]
        /// The model's fingerprint at the fitted parameters and without stuffing, as `Fingerprint.Result.grid`.
        public var modelGrid: [[Int]]
        public var fairGrid: [[Int]]
        public var verdict: String
    }

    /// Simulated stations per observed one: the model's histogram is their mean, so its own noise is
    /// about a third of the data's and the profile over alpha is not decided by one draw.
    public static let simulatedPerStation = 10

    /// Turnout and share as the fit reads them: valid ballots over registered voters and the leader over
    /// valid ballots (the definitions of the authors' code) when every station has valid ballots, else
    /// the station's own turnout (B / V) and share (L / C).
    static func figures(_ stations: [Station]) -> Figures {
        if stations.allSatisfy({ ($0.valid ?? 0) > 0 }) {
            return Figures(
                turnout: stations.map { min(1, Double($0.valid!) / Double($0.registered)) },
                share: stations.map { min(1, Double($0.leader) / Double($0.valid!)) }, validBallots: true)
        }
        return Figures(turnout: stations.map { min($0.turnout, 1) }, share: stations.map { min($0.share, 1) }, validBallots: false)
    }

    /// The turnout and share the fit reads, and whether they come from valid ballots.
    struct Figures {
        var turnout: [Double]
        var share: [Double]
        var validBallots: Bool
        /// Which they are, in English.
        var description: String { KlimekModel.figuresWording(validBallots: validBallots, .en) }
    }

    /// Fits the model to the stations with ballots and counted ballots; nil with fewer than `minimumStations`.
    /// Complexity: O(M * K * alphas) to simulate (K = `simulatedPerStation`), O(alphas * grid * 101) per fit,
    /// the fit repeated per replicate.
    /// `knownFair` replaces the fair stations read from the flanks (tests of the fit alone).
    public static func run(
        _ stations: [Station], bootstrap: Int = 100, seed: UInt64 = 1, workers: Int = 1, knownFair: FairStations? = nil
    ) -> Result? {
        let withBallots = stations.filter { $0.ballots > 0 && $0.counted > 0 && $0.registered > 0 }
        let usable = withBallots.contains { $0.valid != nil } ? withBallots.filter { ($0.valid ?? 0) > 0 } : withBallots
        guard usable.count >= minimumStations else { return nil }
        let n = usable.count
        let read = figures(usable)
        let (turnout, share) = (read.turnout, read.share)
        guard let fair = knownFair ?? FairStations(turnout: turnout, share: share) else { return nil }
        let simulation = Simulation(fair: fair, stations: n * simulatedPerStation, seed: seed, workers: workers)
        let observed = Grid.shareHistogram(share)
        let allTables = simulation.tables(replicas: simulatedPerStation, workers: workers)
        // Without stuffing every alpha gives the same histogram: the fair distance is read at the first.
        let fairPoint = Grid.Point(alphaIndex: 0, incrementalSteps: 0, extremeSteps: 0, distance: 0)
        let (profile, fairAt) = Grid.profile(observed: observed, tables: allTables, also: [fairPoint])
        let fairDistance = fairAt[0]
        let best = profile.min { $0.distance < $1.distance }!
        // The bootstrap resamples stations: the observed histogram becomes a multinomial draw over its
        // own bins; the simulated stations stay fixed, so the intervals are the data's sampling error.
        let replicates = max(0, bootstrap)
        let fits = UnsafeMutableBufferPointer<(Grid.Point, Double)>.allocate(capacity: max(replicates, 1))
        defer { fits.deallocate() }
        let box = SendableBuffer(fits)
        let w = max(1, min(workers, replicates))
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            var r = worker
            while r < replicates {
                var rng = Xoshiro256(seed: seed, stream: 0x4B4C_494D_0000_0000 | UInt64(r))
                let resampled = Grid.resample(observed, total: n, using: &rng)
                let (replicate, atBest) = Grid.profile(observed: resampled, tables: allTables, also: [best])
                let own = replicate.min { $0.distance < $1.distance }!
                box.buffer[r] = (own, atBest[0] - own.distance)
                r += w
            }
        }
        let sample = Array(fits.prefix(replicates))
        func quantile(_ xs: [Double], _ q: Double) -> Double {
            let sorted = xs.sorted()
            return sorted[Int((Double(sorted.count - 1) * q).rounded())]
        }
        func interval(_ key: (Grid.Point) -> Double) -> Interval {
            guard !sample.isEmpty else { return Interval(low: key(best), high: key(best)) }
            let values = sample.map { key($0.0) }
            return Interval(low: quantile(values, 0.025), high: quantile(values, 0.975))
        }
        let tolerance = sample.isEmpty ? 0 : quantile(sample.map(\.1), 0.95)
        let fit = best.parameters
        var edge = [String]()
        // Without stuffing alpha plays no part, so its edge says nothing then.
        if best.incrementalSteps + best.extremeSteps > 0 && (best.alphaIndex == 0 || best.alphaIndex == Grid.alphas.count - 1) {
            edge.append("alpha")
        }
        if best.extremeSteps == Grid.maxExtremeSteps { edge.append("extreme") }
        if best.incrementalSteps + best.extremeSteps >= Grid.cells { edge.append("incremental") }
        let ii = interval(\.parameters.incremental), ie = interval(\.parameters.extreme), ia = interval(\.parameters.alpha)
        let valley = profile.filter { $0.distance - best.distance <= tolerance }
        var result = Result(
            assumptions: Result.assumptions(.en), method: "",
            figures: "", figuresUseValidBallots: read.validBallots, stations: n,
            simulatedPerStation: simulatedPerStation, fair: fair, fit: fit, incrementalInterval: ii,
            extremeInterval: ie, alphaInterval: ia, bootstrapReplicates: replicates, atGridEdge: edge, distance: best.distance,
            fairDistance: fairDistance,
            profile: profile.map {
                ProfilePoint(
                    alpha: $0.parameters.alpha, incremental: $0.parameters.incremental, extreme: $0.parameters.extreme,
                    distance: $0.distance)
            }, distanceTolerance: tolerance, plausibleAlphas: valley.map(\.parameters.alpha),
            modelGrid: simulation.fingerprint(fit, stations: n),
            fairGrid: simulation.fingerprint(Parameters(incremental: 0, extreme: 0, alpha: 1), stations: n),
            verdict: "")
        (result.figures, result.method, result.verdict) = (result.figures(.en), result.method(.en), result.verdict(.en))
        return result
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
