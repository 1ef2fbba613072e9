import Foundation

extension IntegerPercentTest.Result {
    /// What the test found, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        let minimum = IntegerPercentTest.minimumStations
        if stationsTested < minimum {
            return l.pick(
                "needs more data: \(stationsTested) stations qualify (C > 0, V >= 100, turnout and share <= 99%), at least \(minimum) are needed",
                "потрібно більше даних: підходять \(stationsTested) дільниць (C > 0, V >= 100, явка й частка <= 99%), потрібно щонайменше \(minimum)",
                "нужно больше данных: подходят \(stationsTested) участков (C > 0, V >= 100, явка и доля <= 99%), нужно не меньше \(minimum)"
            )
        }
        if draws < 100 {
            return l.pick(
                "too few draws (\(draws)) for a reliable p-value; use at least 1,000",
                "замало вибірок (\(draws)) для надійного p-значення; потрібно щонайменше 1 000",
                "слишком мало выборок (\(draws)) для надёжного p-значения; нужно не меньше 1 000")
        }
        if empiricalP < 0.001 && z > 3 {
            let excess = l.number(excess, 0), z = l.number(z, 1), p = l.number(max(empiricalP, 1.0 / Double(draws + 1)), 4)
            return l.pick(
                "significant excess of integer percentages: \(excess) stations above the null (z = \(z), p < \(p))",
                "значущий надлишок цілих відсотків: на \(excess) дільниць більше, ніж за нульовою гіпотезою (z = \(z), p < \(p))",
                "значимый избыток целых процентов: на \(excess) участков больше, чем по нулевой гипотезе (z = \(z), p < \(p))")
        }
        let z = l.number(z, 2), p = l.number(empiricalP, 3)
        return l.pick(
            "no significant excess of integer percentages (z = \(z), empirical p = \(p))",
            "значущого надлишку цілих відсотків немає (z = \(z), емпіричне p = \(p))",
            "значимого избытка целых процентов нет (z = \(z), эмпирическое p = \(p))")
    }

    /// What the test takes for granted, in `l`.
    public static func assumptions(_ l: DocumentLanguage) -> String {
        l.pick(
            "Without manipulation, a station's reported counts are binomial around its own turnout and leader share, so whole percentages are no more frequent than the binomial null predicts. Stations with C > 0, V >= 100, turnout B/V <= 99% and share L/C <= 99%. A station counts when its turnout or its share lies within 0.05 percentage points of an integer.",
            "Без маніпуляцій підсумки дільниці біноміально розкидані навколо її власної явки та частки лідера, тож цілі відсотки трапляються не частіше, ніж передбачає біноміальна нульова гіпотеза. Дільниці з C > 0, V >= 100, явкою B/V <= 99% і часткою L/C <= 99%. Дільниця враховується, коли її явка або частка лежить у межах 0,05 процентного пункту від цілого числа.",
            "Без манипуляций итоги участка биномиально разбросаны вокруг его собственной явки и доли лидера, поэтому целые проценты встречаются не чаще, чем предсказывает биномиальная нулевая гипотеза. Участки с C > 0, V >= 100, явкой B/V <= 99% и долей L/C <= 99%. Участок учитывается, когда его явка или доля лежит в пределах 0,05 процентного пункта от целого числа."
        )
    }

    /// How the null was drawn, in `l`.
    public func parameters(_ l: DocumentLanguage) -> String {
        l.pick(
            "draws \(draws), seed \(seed); null: B' ~ Binomial(V, B/V), C' = round(B' C/B), L' ~ Binomial(C', L/C) per station, independent across stations; each station's probability of a whole percentage is summed exactly over B' and L' (tails beyond 5 sd left out), and a draw takes one Bernoulli per station",
            "вибірок \(draws), зерно \(seed); нульова гіпотеза: B' ~ Binomial(V, B/V), C' = round(B' C/B), L' ~ Binomial(C', L/C) для кожної дільниці, незалежно між дільницями; імовірність цілого відсотка для кожної дільниці підсумовано точно за B' і L' (хвости далі 5 стандартних відхилень відкинуто), і кожна вибірка бере одне випробування Бернуллі на дільницю",
            "выборок \(draws), зерно \(seed); нулевая гипотеза: B' ~ Binomial(V, B/V), C' = round(B' C/B), L' ~ Binomial(C', L/C) для каждого участка, независимо между участками; вероятность целого процента для каждого участка просуммирована точно по B' и L' (хвосты дальше 5 стандартных отклонений отброшены), и каждая выборка берёт одно испытание Бернулли на участок"
        )
    }
}
