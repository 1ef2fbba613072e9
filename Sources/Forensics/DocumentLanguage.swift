import Foundation

/// The language of a published document (the forensics report, the official results): Ukrainian,
/// Russian or English, the languages of the credential letters and the booth. Numbers follow it:
/// decimal comma and space-grouped thousands in Ukrainian and Russian.
public enum DocumentLanguage: String, CaseIterable, Codable, Sendable {
    case en, uk, ru

    /// The text in this language, of three given in the order en, uk, ru.
    public func pick<T>(_ en: T, _ uk: T, _ ru: T) -> T {
        switch self {
        case .en: en
        case .uk: uk
        case .ru: ru
        }
    }

    /// `x` with `digits` decimals.
    public func number(_ x: Double, _ digits: Int) -> String {
        let s = String(format: "%.\(digits)f", x)
        return self == .en ? s : s.replacingOccurrences(of: ".", with: ",")
    }

    /// `x`, in percent, as a percentage with `digits` decimals.
    public func percent(_ x: Double, digits: Int) -> String { number(x, digits) + "%" }

    /// A p-value or other small figure in `%g` style with `significant` digits.
    public func general(_ x: Double, _ significant: Int) -> String {
        let s = String(format: "%.\(significant)g", x)
        return self == .en ? s : s.replacingOccurrences(of: ".", with: ",")
    }

    /// A whole number with its thousands grouped: 1,234,567 or 1 234 567.
    public func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += self == .en ? "," : "\u{a0}" }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
