extension FieldElement {
    /// z^(2^250 - 1) and z^11, the common start of inversion and of the square root's power.
    /// Cost: 250 squarings, 12 multiplications.
    func pow2250MinusOne() -> (power: FieldElement, z11: FieldElement) {
        let z2 = squared
        let z9 = z2.squared(times: 2) * self
        let z11 = z9 * z2
        let p5 = z11.squared * z9  // 2^5 - 1
        let p10 = p5.squared(times: 5) * p5
        let p20 = p10.squared(times: 10) * p10
        let p40 = p20.squared(times: 20) * p20
        let p50 = p40.squared(times: 10) * p10
        let p100 = p50.squared(times: 50) * p50
        let p200 = p100.squared(times: 100) * p100
        let p250 = p200.squared(times: 50) * p50
        return (p250, z11)
    }

    /// The inverse, z^(p - 2); zero for zero.
    public var inverse: FieldElement {
        let (p250, z11) = pow2250MinusOne()
        return p250.squared(times: 5) * z11
    }

    /// z^((p - 5) / 8) = z^(2^252 - 3).
    func pow22523() -> FieldElement { pow2250MinusOne().power.squared(times: 2) * self }

    /// SQRT_RATIO_M1 of RFC 9496 4.2: whether u/v is a square, and the non-negative r with
    /// r^2 = u/v (or r^2 = SQRT_M1 u/v when it is not; 0 when u is 0).
    public static func sqrtRatioM1(_ u: FieldElement, _ v: FieldElement) -> (wasSquare: Bool, root: FieldElement) {
        let v3 = v.squared * v
        let v7 = v3.squared * v
        var r = (u * v3) * (u * v7).pow22523()
        let check = v * r.squared
        let correctSign = check == u
        let flippedSign = check == -u
        let flippedSignI = check == -u * Self.sqrtM1
        if flippedSign || flippedSignI { r = Self.sqrtM1 * r }
        return (correctSign || flippedSign, r.absolute)
    }
}
