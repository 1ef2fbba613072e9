import Foundation
import Testing

@testable import Forensics

@Suite("The Klimek model fit and the exact integer-percentage null")
struct KlimekModelTests {
    /// Stations drawn from the model itself with known parameters (1,000 voters each, counts rounded).
    static func modelElection(stations: Int, fraud: KlimekModel.Parameters, seed: UInt64) -> [Station] {
        var rng = Xoshiro256(seed: seed)
        func normal() -> Double { (-2 * log(1 - rng.uniform())).squareRoot() * cos(2 * Double.pi * rng.uniform()) }
        func inside(_ m: Double, _ sd: Double) -> Double {
            while true {
                let x = m + sd * normal()
                if x > 0 && x < 1 { return x }
            }
        }
        return (0..<stations).map { i in
            let a = inside(0.55, 0.08), v = inside(0.45, 0.1), u = rng.uniform()
            var x = 0.0
            if u < fraud.incremental {
                repeat { x = abs(0.35 * normal()) } while x >= 1
            } else if u < fraud.incremental + fraud.extreme {
                repeat { x = 1 - abs(0.075 * normal()) } while x <= 0
            }
            let t = a + x * (1 - a), leader = a * v + x * (1 - a) + pow(x, fraud.alpha) * a * (1 - v)
            let ballots = Int((t * 1000).rounded())
            return Station(
                line: i + 2, id: "\(i)", registered: 1000, ballots: ballots, leader: Int((leader * 1000).rounded()))
        }
    }

    @Test(
        "On an election drawn from the model with its fair stations given: the true alpha is among the plausible ones, and there the fit finds f_i within 0.03 and f_e within 0.01 of the truth"
    )
    func recoversKnownParameters() throws {
        let truth = KlimekModel.Parameters(incremental: 0.3, extreme: 0.04, alpha: 1.5)
        let stations = Self.modelElection(stations: 40_000, fraud: truth, seed: 7)
        let known = KlimekModel.FairStations(turnout: 0.55, turnoutSD: 0.08, share: 0.45, shareSD: 0.1, theta: 0.35)
        let r = try #require(KlimekModel.run(stations, bootstrap: 60, seed: 1, workers: 2, knownFair: known))
        // The intervals hold the estimate; they are the data's sampling error only (the simulated stations
        // stay fixed), so the truth may lie a little outside them.
        for (i, x) in [(r.incrementalInterval, r.fit.incremental), (r.extremeInterval, r.fit.extreme), (r.alphaInterval, r.fit.alpha)] {
            #expect(i.low <= x && x <= i.high, "\(r.verdict)")
        }
        // The share histogram trades alpha against f_i and f_e: the best point may sit at a neighbouring alpha
        // with more incremental stuffing, but the truth lies in the valley the fit reports.
        #expect(abs(r.fit.alpha - truth.alpha) <= 0.5 && r.plausibleAlphas.contains(truth.alpha), "\(r.verdict)")
        #expect(abs(r.fit.extreme - truth.extreme) <= 0.01, "\(r.verdict)")
        let atTruth = try #require(r.profile.first { $0.alpha == truth.alpha })
        #expect(abs(atTruth.incremental - truth.incremental) <= 0.03 && abs(atTruth.extreme - truth.extreme) <= 0.01, "\(atTruth)")
        #expect(r.distance < r.fairDistance / 2)
        // The model's fingerprint holds every station; the stuffed one has its extreme corner, the fair one not.
        #expect(r.modelGrid.joined().reduce(0, +) == 40_000 && r.fairGrid.joined().reduce(0, +) == 40_000)
        let corner = { (g: [[Int]]) in g[95...].map { $0[95...].reduce(0, +) }.reduce(0, +) }
        #expect(corner(r.modelGrid) > 1_000 && corner(r.fairGrid) == 0)
    }

    @Test("Read from the flanks, the fair stations are found near the truth; theta comes out larger, so fewer stations are needed")
    func fairStationsFromTheFlanks() throws {
        let truth = KlimekModel.Parameters(incremental: 0.3, extreme: 0.04, alpha: 1.5)
        let stations = Self.modelElection(stations: 40_000, fraud: truth, seed: 7)
        let r = try #require(KlimekModel.run(stations, bootstrap: 20, seed: 1, workers: 2))
        #expect(abs(r.fair.turnout - 0.55) <= 0.02 && abs(r.fair.share - 0.45) <= 0.02, "fair centres \(r.fair)")
        #expect(abs(r.fair.turnoutSD - 0.08) <= 0.01 && abs(r.fair.shareSD - 0.1) <= 0.01, "fair spreads \(r.fair)")
        // theta, the square root of the RMS distance above the share's mode, also counts the stuffed stations'
        // spread: it exceeds the truth's 0.35, incremental stuffing reaches further, and the fit needs fewer
        // such stations. What holds: stuffing is found, the extreme fraction near the truth, the truth's alpha plausible.
        #expect(r.fair.theta > 0.4, "\(r.fair)")
        #expect(
            r.fit.incremental > 0.15 && r.fit.incremental < truth.incremental && abs(r.fit.extreme - truth.extreme) <= 0.015, "\(r.verdict)"
        )
        #expect(r.plausibleAlphas.contains(truth.alpha) && r.profile.count == 15, "\(r.verdict)")
    }

    @Test("On a fair election drawn from the model, the fit finds (almost) no stuffing")
    func fairElection() throws {
        let stations = Self.modelElection(stations: 20_000, fraud: .init(incremental: 0, extreme: 0, alpha: 1), seed: 9)
        let r = try #require(KlimekModel.run(stations, bootstrap: 40, seed: 1, workers: 2))
        #expect(r.fit.extreme <= 0.0025 && r.fit.incremental <= 0.05, "\(r.verdict)")
        #expect(r.extremeInterval.high <= 0.005, "\(r.verdict)")
    }

    @Test("Too few stations: no fit, and the report says it needs more data")
    func needsMoreData() {
        let stations = Self.modelElection(
            stations: KlimekModel.minimumStations - 1, fraud: .init(incremental: 0, extreme: 0, alpha: 1), seed: 3)
        #expect(KlimekModel.run(stations) == nil)
        let report = ForensicsAnalysis.run(StationTable(stations: stations), source: "small", options: ForensicsOptions())
        #expect(report.model == nil)
        #expect(report.summary.contains("model fit: needs more data"))
        #expect(report.html.contains("Klimek model fit: needs at least"))
    }

    /// The null probability by brute force: every B' and every L'.
    static func bruteForce(_ s: Station) -> Double {
        let ratio = s.ballots > 0 ? Double(s.counted) / Double(s.ballots) : 1
        var p = 0.0
        for b in 0...s.registered {
            let mb = exp(Binomial.logPMF(b, n: s.registered, p: s.turnout))
            if IntegerPercentTest.nearInteger(b, s.registered) {
                p += mb
                continue
            }
            let c = Int((Double(b) * ratio).rounded())
            guard c > 0 else { continue }
            var ps = 0.0
            for l in 0...c where IntegerPercentTest.nearInteger(l, c) { ps += exp(Binomial.logPMF(l, n: c, p: s.share)) }
            p += mb * ps
        }
        return p
    }

    @Test(
        "Each station's exact null probability equals the brute-force sum, also for large stations (several l per percentage)",
        arguments: [
            (150, 90, 88, 50), (1_000, 612, 600, 377), (2_600, 2_300, 2_290, 1_500), (300, 297, 290, 285),
        ])
    func exactProbability(_ a: (Int, Int, Int, Int)) {
        let s = Station(line: 2, id: "s", registered: a.0, ballots: a.1, counted: a.2, leader: a.3)
        let lf = IntegerPercentTest.LogFactorials(upTo: IntegerPercentTest.largestCount(s))
        let exact = IntegerPercentTest.integerProbability(s, logFactorials: lf)
        let brute = Self.bruteForce(s)
        #expect(abs(exact - brute) < 1e-6, "exact \(exact), brute force \(brute)")
        #expect(exact > 0.005 && exact < 0.5)
    }

    @Test("The exact null agrees with drawing B' and L' (Monte Carlo, 200,000 draws of one station)")
    func exactAgreesWithDraws() {
        let s = Station(line: 2, id: "s", registered: 1_234, ballots: 700, counted: 690, leader: 400)
        let lf = IntegerPercentTest.LogFactorials(upTo: IntegerPercentTest.largestCount(s))
        let exact = IntegerPercentTest.integerProbability(s, logFactorials: lf)
        var rng = Xoshiro256(seed: 5)
        let draws = 200_000
        var hits = 0
        for _ in 0..<draws {
            let b = Binomial.sample(n: s.registered, p: s.turnout, using: &rng)
            let c = Int((Double(b) * Double(s.counted) / Double(s.ballots)).rounded())
            let l = Binomial.sample(n: c, p: s.share, using: &rng)
            if IntegerPercentTest.isInteger(ballots: b, registered: s.registered, leader: l, counted: c) { hits += 1 }
        }
        let observed = Double(hits) / Double(draws)
        let se = (exact * (1 - exact) / Double(draws)).squareRoot()
        #expect(abs(observed - exact) < 4 * se, "draws \(observed), exact \(exact), se \(se)")
    }
}
