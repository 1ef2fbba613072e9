extension FieldElement {
    /// A non-negative value below p given in decimal (for the constants of RFC 9496 4.1).
    init(decimal: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        for digit in decimal.utf8 {
            var carry = UInt32(digit - 48)
            for i in 0..<32 {
                let v = UInt32(bytes[i]) * 10 + carry
                bytes[i] = UInt8(v & 0xff)
                carry = v >> 8
            }
        }
        self.init(littleEndian: bytes)
    }

    /// d = -121665/121666, of the curve -x^2 + y^2 = 1 + d x^2 y^2.
    public static let d = FieldElement(decimal: "37095705934669439343138083508754565189542113879843219016388785533085940283555")
    /// 2d, for point addition.
    static let d2 = d + d
    /// The non-negative square root of -1.
    public static let sqrtM1 = FieldElement(decimal: "19681161376707505956807079304988542015446066515923890162744021073123829784752")
    static let sqrtADMinusOne = FieldElement(decimal: "25063068953384623474111414158702152701244531502492656460079210482610430750235")
    static let invSqrtAMinusD = FieldElement(decimal: "54469307008909316920995813868745141605393597292927456921205312896311721017578")
    static let oneMinusDSquared = FieldElement(decimal: "1159843021668779879193775521855586647937357759715417654439879720876111806838")
    static let dMinusOneSquared = FieldElement(decimal: "40440834346308536858101042469323190826248399146238708352240133220865137265952")
}
