extension EdwardsPoint {
    /// The width-`w` non-adjacent form of a scalar below 2^253 (32 little-endian bytes): 256 digits,
    /// each 0 or odd with |digit| < 2^(w-1), any two non-zero digits at least `w` apart, and
    /// sum of digit[i] 2^i equal to the scalar. Complexity: O(256).
    static func nonAdjacentForm(_ scalar: [UInt8], width w: Int) -> [Int8] {
        precondition(scalar.count == 32 && scalar[31] < 0x20 && (2...8).contains(w))
        var words = [UInt64](repeating: 0, count: 5)
        for (i, b) in scalar.enumerated() { words[i / 8] |= UInt64(b) << (8 * UInt64(i % 8)) }
        var naf = [Int8](repeating: 0, count: 256)
        let width = UInt64(1) << w, windowMask = width - 1
        var position = 0, carry: UInt64 = 0
        while position < 256 {
            let index = position / 64, bit = position % 64
            let buffer = bit < 64 - w ? words[index] >> bit : words[index] >> bit | words[index + 1] << (64 - bit)
            let window = carry + (buffer & windowMask)
            if window & 1 == 0 {
                position += 1
                continue
            }
            if window < width / 2 {
                carry = 0
                naf[position] = Int8(window)
            } else {
                carry = 1
                naf[position] = Int8(Int(window) - Int(width))
            }
            position += w
        }
        return naf
    }

    /// The odd multiples P, 3P, 5P, ..., (2^(w-1) - 1)P, for digits of a width-`w` NAF, ready to add.
    func oddMultiples(width w: Int) -> [Cached] {
        let double = doubled.cached
        var point = self
        var table = [cached]
        table.reserveCapacity(1 << (w - 2))
        for _ in 1..<(1 << (w - 2)) {
            point = (point + double).extended
            table.append(point.cached)
        }
        return table
    }

    /// The sum of scalars[i] * points[i] (scalars below 2^253) by Straus's method: one shared chain
    /// of 256 doublings, width-5 NAF digits for each point. Complexity: 256 doublings plus about
    /// 256/6 additions per point, and 7 additions per point for its table.
    public static func multiscalarMultiply(_ scalars: [[UInt8]], _ points: [EdwardsPoint]) -> EdwardsPoint {
        multiscalarMultiply(scalars, points, fixed: [])
    }
}

extension EdwardsPoint {
    /// The generator B of RFC 9496 (its encoding e2f2ae0a...2d76).
    public static let basepoint = try! EdwardsPoint(
        ristretto: [
            0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
            0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76,
        ])

    /// A point's odd multiples for width-8 NAF digits (64 points), kept for points used again and
    /// again (B, an election's key K): a term with such a table costs about 256/9 additions.
    public struct Table: Sendable {
        public let point: EdwardsPoint
        let multiples: [Cached]
        public init(_ point: EdwardsPoint) {
            self.point = point
            multiples = point.oddMultiples(width: 8)
        }
    }

    /// B's table, built once.
    public static let basepointTable = Table(basepoint)

    /// The sum of scalars[i] * points[i] plus fixed[j].scalar * fixed[j].table's point: Straus's
    /// method with width-5 digits for the points and width-8 digits for the tabled ones.
    public static func multiscalarMultiply(
        _ scalars: [[UInt8]], _ points: [EdwardsPoint], fixed: [(scalar: [UInt8], table: Table)]
    ) -> EdwardsPoint {
        precondition(scalars.count == points.count, "one scalar per point")
        let terms =
            zip(scalars, points).map { (nonAdjacentForm($0, width: 5), $1.oddMultiples(width: 5)) }
            + fixed.map { (nonAdjacentForm($0.scalar, width: 8), $0.table.multiples) }
        guard let top = (0..<256).reversed().first(where: { i in terms.contains { $0.0[i] != 0 } }) else { return .identity }
        // Doubled in projective coordinates, converted to extended ones only where something is added.
        var r = Projective.identity
        var i = top
        while true {
            var t = r.doubled
            for (naf, table) in terms {
                let digit = Int(naf[i])
                if digit > 0 { t = t.extended + table[digit / 2] } else if digit < 0 { t = t.extended - table[-digit / 2] }
            }
            if i == 0 { return t.extended }
            r = t.projective
            i -= 1
        }
    }
}
