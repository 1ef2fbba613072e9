import Foundation

extension IntegerPercentTest {
    /// log n! for n up to a bound, from lgamma once.
    struct LogFactorials {
        let table: [Double]
        init(upTo n: Int) { table = (0...max(n, 1)).map { lgamma(Double($0) + 1) } }

        /// log of the Binomial(n, p) mass at k, with log p and log(1 - p) given.
        @inline(__always)
        func logMass(_ k: Int, _ n: Int, logP: Double, logQ: Double) -> Double {
            table[n] - table[k] - table[n - k] + Double(k) * logP + Double(n - k) * logQ
        }
    }

    /// How far a binomial's tails are followed: beyond 5 standard deviations lies less than 6e-7 of its mass,
    /// which lowers the null mean of 100,000 stations by less than 0.06.
    static let tailSDs = 5.0

    /// The largest n a station's null can reach, for the log-factorial table.
    static func largestCount(_ s: Station) -> Int {
        max(s.registered, Int((Double(s.registered) * countedPerBallot(s)).rounded()) + 1)
    }

    /// Counted ballots follow the drawn ballots in the station's own proportion C / B.
    static func countedPerBallot(_ s: Station) -> Double { s.ballots > 0 ? Double(s.counted) / Double(s.ballots) : 1 }

    /// The exact probability that the station is at a whole percentage under the null:
    /// the sum over B' ~ Binomial(V, B/V) of P(B') times 1 when B'/V is near an integer percentage,
    /// else P(L'/C' near one) with C' = round(B' C/B) and L' ~ Binomial(C', L/C).
    /// Complexity: O(sd(B') * sd(L') / (C / 100)), a few thousand terms for a station of 1,500 voters.
    static func integerProbability(_ st: Station, logFactorials lf: LogFactorials) -> Double {
        let v = st.registered, t = st.turnout, s = st.share, ratio = countedPerBallot(st)
        let logT = log(t), logNotT = log1p(-t), logS = log(s), logNotS = log1p(-s)
        func shareProbability(_ c: Int) -> Double {
            guard c > 0 else { return 0 }
            if s <= 0 { return nearInteger(0, c) ? 1 : 0 }
            if s >= 1 { return nearInteger(c, c) ? 1 : 0 }
            let cd = Double(c), mean = cd * s, sd = (cd * s * (1 - s)).squareRoot()
            let lo = max(0, Int(mean - tailSDs * sd) - 1), hi = min(c, Int(mean + tailSDs * sd) + 1)
            var total = 0.0
            // Only the l with |100 l - k c| <= c / 20 for a whole k qualify (nearInteger): the integers of
            // [(20 k c - c) / 2000, (20 k c + c) / 2000]; the windows of two k never overlap.
            for k in (100 * lo / c)...min(100, (100 * hi + c - 1) / c) {
                let first = max(lo, k == 0 ? 0 : (20 * k * c - c + 1999) / 2000), last = min(hi, (20 * k * c + c) / 2000)
                guard first <= last else { continue }
                for l in first...last { total += exp(lf.logMass(l, c, logP: logS, logQ: logNotS)) }
            }
            return total
        }
        if t >= 1 { return nearInteger(v, v) ? 1 : shareProbability(Int((Double(v) * ratio).rounded())) }
        let vd = Double(v), mean = vd * t, sd = (vd * t * (1 - t)).squareRoot()
        let lo = max(0, Int(mean - tailSDs * sd) - 1), hi = min(v, Int(mean + tailSDs * sd) + 1)
        var p = 0.0
        for b in lo...hi {
            let mass = t > 0 ? exp(lf.logMass(b, v, logP: logT, logQ: logNotT)) : (b == 0 ? 1 : 0)
            if mass == 0 { continue }
            p += mass * (nearInteger(b, v) ? 1 : shareProbability(Int((Double(b) * ratio).rounded())))
        }
        return min(1, p)
    }
}
