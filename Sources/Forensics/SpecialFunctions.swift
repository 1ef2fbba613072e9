import Foundation

/// The distribution functions the tests report significance with.
public enum Distributions {
    /// Standard normal upper tail P(Z > z).
    public static func normalUpperTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// Two-sided normal p-value for |Z| >= |z|.
    public static func normalTwoSided(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Chi-square upper tail P(X > x) with `df` degrees of freedom: the regularized gamma Q(df/2, x/2).
    public static func chiSquareUpperTail(_ x: Double, df: Int) -> Double {
        guard x > 0 else { return 1 }
        return regularizedGammaQ(a: Double(df) / 2, x: x / 2)
    }

    /// Q(a, x) = Gamma(a, x) / Gamma(a): series below a + 1, continued fraction above (Numerical Recipes 6.2).
    static func regularizedGammaQ(a: Double, x: Double) -> Double {
        let lnPrefix = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var sum = 1.0 / a
            var term = sum
            var ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(lnPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(lnPrefix) * h)
    }
}
