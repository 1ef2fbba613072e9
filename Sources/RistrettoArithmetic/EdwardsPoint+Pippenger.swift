extension EdwardsPoint {
    /// The window width for Pippenger's method on `n` terms (about log2(n) - 2, at least 4).
    static func pippengerWidth(terms n: Int) -> Int {
        var c = 4
        while c < 16 && (1 << (c + 2)) < n { c += 1 }
        return c
    }

    /// Signed radix-2^c digits of a scalar below 2^253: each in [-2^(c-1), 2^(c-1)), the sum of
    /// digit[i] 2^(ci) equal to the scalar. Complexity: O(256 / c).
    static func signedDigits(_ scalar: [UInt8], width c: Int) -> [Int32] {
        precondition(scalar.count == 32 && scalar[31] < 0x20 && (2...16).contains(c))
        let (w0, w1, w2, w3) = FieldElement.words(scalar)
        let words = [w0, w1, w2, w3, 0]
        let count = (253 + c - 1) / c + 1
        var digits = [Int32](repeating: 0, count: count)
        let radix = Int64(1) << c, half = radix / 2
        var carry: Int64 = 0
        for i in 0..<count {
            let position = i * c, index = position / 64, bit = position % 64
            guard index < 4 else {
                digits[i] = Int32(carry)
                break
            }
            var window = words[index] >> bit
            if bit + c > 64 { window |= words[index + 1] << (64 - bit) }
            let value = Int64(window & UInt64(radix - 1)) + carry
            carry = value >= half ? 1 : 0
            digits[i] = Int32(value - carry * radix)
        }
        return digits
    }

    /// The sum of scalars[i] * points[i] (scalars below 2^253) by Pippenger's bucket method with
    /// signed digits: for many terms the cheapest. Complexity: about (253 / c) (n + 2^c) additions
    /// for n terms and window width c (about log2(n) - 2), and 253 doublings.
    public static func pippenger(_ scalars: [[UInt8]], _ points: [EdwardsPoint]) -> EdwardsPoint {
        precondition(scalars.count == points.count, "one scalar per point")
        guard !points.isEmpty else { return .identity }
        let c = pippengerWidth(terms: points.count)
        let digits = scalars.map { signedDigits($0, width: c) }
        let cached = points.map(\.cached)
        let windows = digits[0].count
        let bucketCount = 1 << (c - 1)
        var result = EdwardsPoint.identity
        for w in (0..<windows).reversed() {
            if w < windows - 1 { result = result.doubled(times: c) }
            var buckets = [EdwardsPoint](repeating: .identity, count: bucketCount + 1)
            var used = [Bool](repeating: false, count: bucketCount + 1)
            for i in 0..<points.count {
                let d = Int(digits[i][w])
                if d > 0 {
                    buckets[d] = used[d] ? (buckets[d] + cached[i]).extended : points[i]
                    used[d] = true
                } else if d < 0 {
                    buckets[-d] = used[-d] ? (buckets[-d] - cached[i]).extended : -points[i]
                    used[-d] = true
                }
            }
            // sum of j * bucket[j] as a running sum from the top.
            var running = EdwardsPoint.identity, total = EdwardsPoint.identity
            var anything = false
            for j in stride(from: bucketCount, through: 1, by: -1) {
                if used[j] {
                    running = anything ? (running + buckets[j].cached).extended : buckets[j]
                    anything = true
                }
                if anything { total = (total + running.cached).extended }
            }
            result = (result + total.cached).extended
        }
        return result
    }
}
