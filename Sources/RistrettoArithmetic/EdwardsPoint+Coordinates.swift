extension EdwardsPoint {
    /// A point ready to be added: (Y+X, Y-X, Z, 2dT). Adding it costs 4 multiplications.
    struct Cached: Sendable {
        var yPlusX, yMinusX, z, t2d: FieldElement
    }

    /// This point in the form additions take (one multiplication).
    var cached: Cached { Cached(yPlusX: y + x, yMinusX: y - x, z: z, t2d: t * FieldElement.d2) }

    /// A sum or double before its last multiplications ("completed" coordinates: x = X/Z, y = Y/T).
    struct Completed: Sendable {
        var x, y, z, t: FieldElement

        /// Extended coordinates, to add to (4 multiplications).
        var extended: EdwardsPoint { EdwardsPoint(x: x * t, y: y * z, z: z * t, t: x * y) }

        /// Projective coordinates, to double (3 multiplications: T is not needed there).
        var projective: Projective { Projective(x: x * t, y: y * z, z: z * t) }
    }

    /// (X : Y : Z) without T: enough to double.
    struct Projective: Sendable {
        var x, y, z: FieldElement

        static let identity = Projective(x: .zero, y: .one, z: .one)

        /// The double (4 squarings; dbl-2008-hwcd with a = -1, left completed).
        var doubled: Completed {
            let xx = x.squared, yy = y.squared, zz = z.squared
            let sum = (x + y).squared
            let yyPlusXX = yy + xx, yyMinusXX = yy - xx
            return Completed(x: sum - yyPlusXX, y: yyPlusXX, z: yyMinusXX, t: (zz + zz) - yyMinusXX)
        }
    }

    /// p + q (4 multiplications; add-2008-hwcd-3 with a = -1, left completed).
    static func + (p: EdwardsPoint, q: Cached) -> Completed {
        let a = (p.y + p.x) * q.yPlusX, b = (p.y - p.x) * q.yMinusX
        let c = q.t2d * p.t, d = p.z * q.z
        let d2 = d + d
        return Completed(x: a - b, y: a + b, z: d2 + c, t: d2 - c)
    }

    /// p - q (4 multiplications).
    static func - (p: EdwardsPoint, q: Cached) -> Completed {
        let a = (p.y + p.x) * q.yMinusX, b = (p.y - p.x) * q.yPlusX
        let c = q.t2d * p.t, d = p.z * q.z
        let d2 = d + d
        return Completed(x: a - b, y: a + b, z: d2 - c, t: d2 + c)
    }
}
