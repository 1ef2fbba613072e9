import Foundation

/// Digit tests on vote counts: second-digit Benford (2BL, Mebane) and last-digit uniformity (Beber & Scacco).
public enum DigitTests {
    public struct Result: Codable, Sendable {
        public var test: String
        public var variable: String
        public var assumptions: String
        public var counts: Int
        public var observed: [Int]
        public var expected: [Double]
        public var chiSquare: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
        public var mean: Double
        public var expectedMean: Double
        /// 95% bootstrap interval of the mean digit (1,000 resamples, seeded).
        public var meanInterval95: [Double]
        /// The draws of the binomial null the expected digits come from; nil against Benford or uniform.
        public var nullDraws: Int?
        public var verdict: String
    }

    /// Benford's law for the second digit: P(d) = sum over k = 1..9 of log10(1 + 1/(10k + d)).
    public static let secondDigitBenford: [Double] = (0...9).map { d in (1...9).reduce(0.0) { $0 + log10(1 + 1 / Double(10 * $1 + d)) } }

    /// What honest counts of the same sizes would look like: each station's count drawn again
    /// from its own binomial (n trials with probability p), `draws` times. Small counts do not
    /// follow Benford or a uniform last digit; comparing with this null corrects for count size.
    /// One simulation serves both digit tests of a variable (the same draws, as before); draws run
    /// on all cores, each from its own random stream, so results do not depend on the thread count.
    public final class BinomialNull: @unchecked Sendable {
        public let trials: [Int]
        public let probabilities: [Double]
        public let draws: Int
        private let lock = NSLock()
        private var cache: [UInt64: [Int]] = [:]

        public init(trials: [Int], probabilities: [Double], draws: Int = 20) {
            self.trials = trials
            self.probabilities = probabilities
            self.draws = draws
        }

        /// Digit counts over every draw: [0..<10] second digits of draws >= 10, [10..<20] last digits of draws >= 100.
        private func histogram(seed: UInt64) -> [Int] {
            lock.lock()
            defer { lock.unlock() }
            if let h = cache[seed] { return h }
            let perDraw = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, draws * 20))
            perDraw.initialize(repeating: 0)
            defer { perDraw.deallocate() }
            let box = SendableBuffer(perDraw)
            let trials = self.trials, probabilities = self.probabilities
            DispatchQueue.concurrentPerform(iterations: draws) { d in
                var rng = Xoshiro256(seed: seed, stream: 0xD1_6170 + UInt64(d))
                let base = d * 20
                for (n, p) in zip(trials, probabilities) {
                    let x = Binomial.sample(n: n, p: min(1, max(0, p)), using: &rng)
                    if x >= 10 { box.buffer[base + DigitTests.second(x)] += 1 }
                    if x >= 100 { box.buffer[base + 10 + x % 10] += 1 }
                }
            }
            var h = [Int](repeating: 0, count: 20)
            for d in 0..<draws { for k in 0..<20 { h[k] += perDraw[d * 20 + k] } }
            cache[seed] = h
            return h
        }

        /// The share of each second digit (`last` false) or last digit among the simulated counts.
        func digitShares(seed: UInt64, last: Bool) -> [Double]? {
            let h = Array(histogram(seed: seed)[(last ? 10 : 0)..<(last ? 20 : 10)])
            let total = h.reduce(0, +)
            guard total > 0 else { return nil }
            return h.map { Double($0) / Double(total) }
        }
    }

    static func second(_ v: Int) -> Int {
        var x = v
        while x >= 100 { x /= 10 }
        return x % 10
    }

    /// The second-digit test of counts of 10 or more: against Benford, or against the binomial null when given.
    public static func secondDigit(_ values: [Int], variable: String, seed: UInt64, null: BinomialNull? = nil) -> Result? {
        let digits = values.filter { $0 >= 10 }.map(second)
        let simulated = null?.digitShares(seed: seed, last: false)
        return evaluate(
            digits, expectedShares: simulated ?? secondDigitBenford,
            test: simulated == nil ? "second-digit Benford (2BL)" : "second digit against a binomial null", variable: variable, seed: seed,
            nullDraws: simulated == nil ? nil : null?.draws)
    }

    /// The last-digit test of counts of 100 or more: against uniform, or against the binomial null when given.
    public static func lastDigit(_ values: [Int], variable: String, seed: UInt64, null: BinomialNull? = nil) -> Result? {
        let digits = values.filter { $0 >= 100 }.map { $0 % 10 }
        let simulated = null?.digitShares(seed: seed, last: true)
        return evaluate(
            digits, expectedShares: simulated ?? Array(repeating: 0.1, count: 10),
            test: simulated == nil ? "last-digit uniformity" : "last digit against a binomial null", variable: variable, seed: seed,
            nullDraws: simulated == nil ? nil : null?.draws)
    }

    static func evaluate(_ digits: [Int], expectedShares: [Double], test: String, variable: String, seed: UInt64, nullDraws: Int?)
        -> Result?
    {
        guard digits.count >= 50 else { return nil }
        var observed = [Int](repeating: 0, count: 10)
        for d in digits { observed[d] += 1 }
        let n = Double(digits.count)
        let expected = expectedShares.map { $0 * n }
        let chi = zip(observed, expected).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) / $1.1 }
        let p = Distributions.chiSquareUpperTail(chi, df: 9)
        let mean = Double(digits.reduce(0, +)) / n
        let expectedMean = expectedShares.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        // Bootstrap: resampling n digits with replacement is a multinomial draw over the observed
        // digit counts, taken here as ten conditional binomials (O(10) per resample, not O(n)).
        var rng = Xoshiro256(seed: seed, stream: 0xD161)
        var means = [Double]()
        for _ in 0..<1000 {
            var left = digits.count, leftShare = 1.0, sum = 0
            for k in 0..<9 where left > 0 {
                let share = Double(observed[k]) / n
                let c = leftShare > 0 ? Binomial.sample(n: left, p: min(1, share / leftShare), using: &rng) : 0
                sum += k * c
                left -= c
                leftShare -= share
            }
            sum += 9 * left
            means.append(Double(sum) / n)
        }
        means.sort()
        let interval = [means[24], means[974]]
        var result = Result(
            test: test, variable: variable, assumptions: "", counts: digits.count, observed: observed, expected: expected,
            chiSquare: chi, degreesOfFreedom: 9, pValue: p, mean: mean, expectedMean: expectedMean, meanInterval95: interval,
            nullDraws: nullDraws, verdict: "")
        (result.assumptions, result.verdict) = (result.assumptions(.en), result.verdict(.en))
        return result
    }
}

/// How plausible the reported leader share is, given an independent poll.
public enum PollComparison {
    public struct Result: Codable, Sendable {
        public var assumptions: String
        public var pollShare: Double
        public var pollSize: Int
        public var designEffect: Double
        public var reportedShare: Double
        public var standardError: Double
        public var z: Double
        public var pTwoSided: Double
        /// The range of true support the poll allows at 99.9% confidence.
        public var interval999: [Double]
        public var verdict: String
    }

    /// `margin` is the poll's 95% margin of error (e.g. 0.03), used when `size` is absent.
    public static func run(reportedShare: Double, pollShare p: Double, size: Int?, margin: Double?, designEffect: Double = 1) -> Result? {
        guard p > 0, p < 1, designEffect >= 1 else { return nil }
        let n: Int
        if let size, size > 0 {
            n = size
        } else if let margin, margin > 0 {
            n = Int((1.96 * 1.96 * p * (1 - p) / (margin * margin)).rounded())
        } else {
            return nil
        }
        let se = (p * (1 - p) * designEffect / Double(n)).squareRoot()
        let z = (reportedShare - p) / se
        let pv = Distributions.normalTwoSided(z)
        let lo = max(0, p - 3.2905 * se), hi = min(1, p + 3.2905 * se)
        var result = Result(
            assumptions: Result.assumptions(.en),
            pollShare: p, pollSize: n, designEffect: designEffect, reportedShare: reportedShare, standardError: se, z: z, pTwoSided: pv,
            interval999: [lo, hi], verdict: "")
        result.verdict = result.verdict(.en)
        return result
    }
}
