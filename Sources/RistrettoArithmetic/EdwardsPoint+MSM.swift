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

    /// The odd multiples P, 3P, 5P, ..., (2^(w-1) - 1)P, for digits of a width-`w` NAF.
    func oddMultiples(width w: Int) -> [EdwardsPoint] {
        let double = doubled
        var table = [self]
        for _ in 1..<(1 << (w - 2)) { table.append(table[table.count - 1] + double) }
        return table
    }

    /// The sum of scalars[i] * points[i] (scalars below 2^253) by Straus's method: one shared chain
    /// of 256 doublings, width-5 NAF digits for each point. Complexity: 256 doublings plus about
    /// 256/6 additions per point, and 7 additions per point for its table.
    public static func multiscalarMultiply(_ scalars: [[UInt8]], _ points: [EdwardsPoint]) -> EdwardsPoint {
        precondition(scalars.count == points.count, "one scalar per point")
        let w = 5
        let nafs = scalars.map { nonAdjacentForm($0, width: w) }
        let tables = points.map { $0.oddMultiples(width: w) }
        guard let top = (0..<256).reversed().first(where: { i in nafs.contains { $0[i] != 0 } }) else { return .identity }
        var r = EdwardsPoint.identity
        for i in (0...top).reversed() {
            r = r.doubled
            for (naf, table) in zip(nafs, tables) {
                let digit = Int(naf[i])
                if digit > 0 { r = r + table[digit / 2] } else if digit < 0 { r = r - table[-digit / 2] }
            }
        }
        return r
    }
}
