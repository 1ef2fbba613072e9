import Foundation

/// xoshiro256** seeded by SplitMix64: fast, reproducible streams for Monte Carlo draws.
/// Draw d of an analysis seeded with s always uses the stream (s, d), whatever the thread count.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix()
        s1 = splitmix()
        s2 = splitmix()
        s3 = splitmix()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// Exact binomial sampling: inversion when n*min(p,1-p) < 10, otherwise Hörmann's BTRD
/// (transformed rejection with decomposition, 1993), which takes constant expected time.
public enum Binomial {
    /// A Binomial(n, p) variate.
    @inline(__always)
    public static func sample(n: Int, p: Double, using rng: inout Xoshiro256) -> Int {
        if n <= 0 || p <= 0 { return 0 }
        if p >= 1 { return n }
        if p > 0.5 { return n - sample(n: n, p: 1 - p, using: &rng) }
        if Double(n) * p < 10 { return inversion(n: n, p: p, using: &rng) }
        return btrd(n: n, p: p, using: &rng)
    }

    /// Sequential search from 0; expected n*p + 1 steps.
    static func inversion(n: Int, p: Double, using rng: inout Xoshiro256) -> Int {
        let q = 1 - p
        let s = p / q
        let a = Double(n + 1) * s
        var r = pow(q, Double(n))
        var u = rng.uniform()
        var x = 0
        while u > r {
            u -= r
            x += 1
            if x > n { return n }
            r *= a / Double(x) - s
        }
        return x
    }

    /// Stirling-series correction fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2].
    @inline(__always)
    static func fc(_ k: Int) -> Double {
        if k < 10 { return fcTable[k] }
        let r = 1.0 / Double(k + 1)
        let r2 = r * r
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 * r2) * r2) * r
    }

    static let fcTable: [Double] = [
        0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509, 0.01664469118982119,
        0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871,
    ]

    /// BTRD for n*p >= 10, p <= 1/2.
    static func btrd(n: Int, p: Double, using rng: inout Xoshiro256) -> Int {
        let nd = Double(n)
        let m = Int((nd + 1) * p)
        let r = p / (1 - p)
        let nr = (nd + 1) * r
        let npq = nd * p * (1 - p)
        let sq = npq.squareRoot()
        let b = 1.15 + 2.53 * sq
        let a = -0.0873 + 0.0248 * b + 0.01 * p
        let c = nd * p + 0.5
        let alpha = (2.83 + 5.1 / b) * sq
        let vr = 0.92 - 4.2 / b
        let urvr = 0.86 * vr
        while true {
            var v = rng.uniform()
            var u: Double
            if v <= urvr {
                u = v / vr - 0.43
                return Int((2 * a / (0.5 - abs(u)) + b) * u + c)
            }
            if v >= vr {
                u = rng.uniform() - 0.5
            } else {
                u = v / vr - 0.93
                u = (u < 0 ? -0.5 : 0.5) - u
                v = rng.uniform() * vr
            }
            let us = 0.5 - abs(u)
            let kd = ((2 * a / us + b) * u + c).rounded(.down)
            if kd < 0 || kd > nd { continue }
            let k = Int(kd)
            v = v * alpha / (a / (us * us) + b)
            let km = abs(k - m)
            if km <= 15 {
                // Recursive evaluation of f(k) / f(m).
                var f = 1.0
                if m < k {
                    for i in (m + 1)...k { f *= nr / Double(i) - r }
                } else if m > k {
                    for i in (k + 1)...m { v *= nr / Double(i) - r }
                }
                if v <= f { return k }
                continue
            }
            // Squeeze, then the final acceptance test on log f(k) / f(m).
            let lv = log(v)
            let kmd = Double(km)
            let rho = (kmd / npq) * (((kmd / 3 + 0.625) * kmd + 1.0 / 6) / npq + 0.5)
            let t = -kmd * kmd / (2 * npq)
            if lv < t - rho { return k }
            if lv > t + rho { continue }
            let nm = nd - Double(m) + 1
            let h = (Double(m) + 0.5) * log((Double(m) + 1) / (r * nm)) + fc(m) + fc(n - m)
            let nk = nd - kd + 1
            if lv <= h + (nd + 1) * log(nm / nk) + (kd + 0.5) * log(nk * r / (kd + 1)) - fc(k) - fc(n - k) { return k }
        }
    }

    /// log of the binomial probability mass, for tests and exact sums.
    public static func logPMF(_ k: Int, n: Int, p: Double) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }
}
