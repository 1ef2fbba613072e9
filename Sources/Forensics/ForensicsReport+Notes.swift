import Foundation

extension ForensicsReport {
    /// Why a test has no result, or only a weak one.
    public enum Note: Codable, Sendable, Equatable {
        /// The Klimek model was not fitted: too few stations, or a share distribution with an empty flank.
        case modelNeedsStations
        /// Only this many stations qualify for the integer-percentage test (fewer than 100).
        case fewIntegerStations(Int)
        /// Shpilkin's estimate needs 200 stations with ballots; the data has this many.
        case shpilkinNeedsStations(have: Int)
        /// Fewer than 50 counts of 10 or more for the second-digit test of the variable.
        case secondDigitNeedsCounts(variable: String)
        /// Fewer than 50 counts of 100 or more for the last-digit test of the variable.
        case lastDigitNeedsCounts(variable: String)
        /// A poll share outside (0, 1), or neither a size nor a margin.
        case pollNeedsShare

        /// The note, in `l`.
        public func text(_ l: DocumentLanguage) -> String {
            switch self {
            case .modelNeedsStations:
                let n = KlimekModel.minimumStations
                return l.pick(
                    "Klimek model fit: needs at least \(n) stations with ballots and a share distribution on both sides of its mode",
                    "підгонка моделі Клімека: потрібно щонайменше \(n) дільниць із бюлетенями й розподіл частки по обидва боки від моди",
                    "подгонка модели Климека: нужно не меньше \(n) участков с бюллетенями и распределение доли по обе стороны от моды")
            case .fewIntegerStations(let n):
                return l.pick(
                    "integer-percentage test: only \(n) stations qualify (C > 0, V >= 100, turnout and share <= 99%); its result is weak",
                    "тест цілих відсотків: підходять лише \(n) дільниць (C > 0, V >= 100, явка й частка <= 99%); його результат слабкий",
                    "тест целых процентов: подходят только \(n) участков (C > 0, V >= 100, явка и доля <= 99%); его результат слабый")
            case .shpilkinNeedsStations(let n):
                return l.pick(
                    "Shpilkin's estimate needs at least 200 stations with ballots; this data has \(n)",
                    "оцінці Шпількіна потрібно щонайменше 200 дільниць із бюлетенями; у цих даних їх \(n)",
                    "оценке Шпилькина нужно не меньше 200 участков с бюллетенями; в этих данных их \(n)")
            case .secondDigitNeedsCounts(let v):
                let name = DigitTests.variableName(v, l)
                return l.pick(
                    "second-digit test of \(name) needs at least 50 counts of 10 or more",
                    "тесту другої цифри для \(name) потрібно щонайменше 50 підсумків від 10 і більше",
                    "тесту второй цифры для \(name) нужно не меньше 50 итогов от 10 и больше")
            case .lastDigitNeedsCounts(let v):
                let name = DigitTests.variableName(v, l)
                return l.pick(
                    "last-digit test of \(name) needs at least 50 counts of 100 or more",
                    "тесту останньої цифри для \(name) потрібно щонайменше 50 підсумків від 100 і більше",
                    "тесту последней цифры для \(name) нужно не меньше 50 итогов от 100 и больше")
            case .pollNeedsShare:
                return l.pick(
                    "poll comparison needs a share in (0, 1), and --poll-size or --poll-margin",
                    "порівнянню з опитуванням потрібна частка в (0, 1) і --poll-size або --poll-margin",
                    "сравнению с опросом нужна доля в (0, 1) и --poll-size или --poll-margin")
            }
        }
    }
}
