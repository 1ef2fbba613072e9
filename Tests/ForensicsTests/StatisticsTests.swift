import Foundation
import Testing

@testable import Forensics

@Suite("Statistical building blocks")
struct StatisticsTests {
    @Test(
        "The binomial sampler matches the exact distribution (chi-square), in both algorithms and by symmetry",
        arguments: [
            (20, 0.3), (200, 0.02), (1000, 0.42), (5000, 0.9), (57, 0.5), (3000, 0.999),
        ])
    func binomialExact(_ args: (Int, Double)) {
        let (n, p) = args
        var rng = Xoshiro256(seed: 42, stream: UInt64(n))
        let draws = 200_000
        var counts = [Int: Int]()
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<draws {
            let k = Binomial.sample(n: n, p: p, using: &rng)
            counts[k, default: 0] += 1
            sum += Double(k)
            sumSq += Double(k) * Double(k)
        }
        let mean = sum / Double(draws), variance = sumSq / Double(draws) - mean * mean
        let npq = Double(n) * p * (1 - p)
        #expect(abs(mean - Double(n) * p) < 5 * (npq / Double(draws)).squareRoot() + 1e-9, "mean \(mean)")
        #expect(abs(variance / npq - 1) < 0.03, "variance \(variance) vs \(npq)")
        // Chi-square over cells with expected count >= 20, the tails pooled.
        var chi = 0.0, cells = 0
        var tailObserved = 0, tailExpected = 0.0
        for k in 0...n {
            let e = exp(Binomial.logPMF(k, n: n, p: p)) * Double(draws)
            let o = counts[k] ?? 0
            if e >= 20 {
                chi += (Double(o) - e) * (Double(o) - e) / e
                cells += 1
            } else {
                tailObserved += o
                tailExpected += e
            }
        }
        if tailExpected > 0 {
            chi += (Double(tailObserved) - tailExpected) * (Double(tailObserved) - tailExpected) / tailExpected
            cells += 1
        }
        let pValue = Distributions.chiSquareUpperTail(chi, df: max(1, cells - 1))
        #expect(pValue > 0.0005, "chi2 \(chi) on \(cells - 1) df")
    }

    @Test("Chi-square and normal tails match tabulated values")
    func distributions() {
        #expect(abs(Distributions.chiSquareUpperTail(16.919, df: 9) - 0.05) < 1e-3)
        #expect(abs(Distributions.chiSquareUpperTail(27.877, df: 9) - 0.001) < 1e-4)
        #expect(abs(Distributions.chiSquareUpperTail(2.0, df: 2) - exp(-1)) < 1e-9)
        #expect(abs(Distributions.normalTwoSided(1.959964) - 0.05) < 1e-6)
    }

    @Test("Integer percentages are detected exactly at the 0.05-point boundary")
    func nearInteger() {
        #expect(IntegerPercentTest.nearInteger(50, 100))
        #expect(IntegerPercentTest.nearInteger(1, 2000))  // 0.05% exactly
        #expect(!IntegerPercentTest.nearInteger(3, 2000))  // 0.15%
        #expect(IntegerPercentTest.nearInteger(1999, 2000))  // 99.95%
        #expect(!IntegerPercentTest.nearInteger(1, 7))  // 14.29%
    }

    @Test("The integer test gives the same null for any number of threads")
    func deterministic() {
        let stations = (0..<300).map { i in
            Station(line: i + 2, id: "\(i)", registered: 500 + i, ballots: 250 + i / 2, leader: 120 + i / 3, strata: ["r\(i % 3)"])
        }
        let table = StationTable(stations: stations, strataNames: ["region"])
        let a = IntegerPercentTest.run(table, draws: 50, seed: 9, workers: 1)
        let b = IntegerPercentTest.run(table, draws: 50, seed: 9, workers: 2)
        #expect(a.nullCounts == b.nullCounts)
        #expect(a.strata.map(\.observed) == b.strata.map(\.observed))
        #expect(a.strata.count == 3)
        #expect(IntegerPercentTest.run(table, draws: 50, seed: 10, workers: 2).nullCounts != a.nullCounts)
    }

    @Test("Second-digit Benford probabilities sum to 1 with mean 4.187")
    func benford() {
        #expect(abs(DigitTests.secondDigitBenford.reduce(0, +) - 1) < 1e-12)
        let mean = DigitTests.secondDigitBenford.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        #expect(abs(mean - 4.187) < 0.001)
        let uniform = (0..<5000).map { 100 + $0 }
        #expect((DigitTests.lastDigit(uniform, variable: "x", seed: 1)?.pValue ?? 0) > 0.99)
        let fives = (0..<500).map { 105 + 10 * $0 }
        #expect((DigitTests.lastDigit(fives, variable: "x", seed: 1)?.pValue ?? 1) < 1e-10)
    }

    @Test("The mean digit's bootstrap interval: about +-1.96 standard errors around the mean")
    func bootstrapInterval() throws {
        // 10,000 uniform last digits: sd 2.87, standard error 0.0287, so a 95% interval about 0.11 wide.
        let uniform = (0..<10_000).map { 100 + $0 }
        let r = try #require(DigitTests.lastDigit(uniform, variable: "x", seed: 3))
        let (lo, hi) = (r.meanInterval95[0], r.meanInterval95[1])
        #expect(lo < r.mean && r.mean < hi)
        #expect(hi - lo > 0.09 && hi - lo < 0.14, "width \(hi - lo)")
        // All fives: no spread at all.
        let fives = try #require(DigitTests.lastDigit((0..<500).map { 105 + 10 * $0 }, variable: "x", seed: 3))
        #expect(fives.meanInterval95 == [5, 5])
    }
}
