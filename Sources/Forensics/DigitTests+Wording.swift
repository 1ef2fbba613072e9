import Foundation

extension DigitTests {
    /// The name of counts tested ("leader votes", "other votes"), in `l`.
    static func variableName(_ variable: String, _ l: DocumentLanguage) -> String {
        switch variable {
        case "leader votes": l.pick("leader votes", "голоси лідера", "голоса лидера")
        case "other votes": l.pick("other votes", "голоси інших", "голоса остальных")
        default: variable
        }
    }
}

extension DigitTests.Result {
    /// Whether this is a second-digit test (else a last-digit test).
    var isSecondDigit: Bool { test.hasPrefix("second") }

    /// The test's name, in `l`.
    public func testName(_ l: DocumentLanguage) -> String {
        switch (isSecondDigit, nullDraws != nil) {
        case (true, false): l.pick("second-digit Benford (2BL)", "Бенфорд для другої цифри (2BL)", "Бенфорд для второй цифры (2BL)")
        case (true, true):
            l.pick(
                "second digit against a binomial null", "друга цифра проти біноміальної нульової гіпотези",
                "вторая цифра против биномиальной нулевой гипотезы")
        case (false, false): l.pick("last-digit uniformity", "рівномірність останньої цифри", "равномерность последней цифры")
        case (false, true):
            l.pick(
                "last digit against a binomial null", "остання цифра проти біноміальної нульової гіпотези",
                "последняя цифра против биномиальной нулевой гипотезы")
        }
    }

    /// The counts tested, in `l`.
    public func variableName(_ l: DocumentLanguage) -> String { DigitTests.variableName(variable, l) }

    /// What the test found, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        let name = "\(testName(l)) \(l.pick("of", "для", "для")) \(variableName(l))"
        let chi = l.number(chiSquare, 1), m = l.number(mean, 3), em = l.number(expectedMean, 3)
        if pValue < 0.001 {
            let p = l.general(pValue, 2)
            return l.pick(
                "\(name): deviates from the expected distribution (chi2 = \(chi), df 9, p = \(p)); mean \(m) vs \(em)",
                "\(name): відхиляється від очікуваного розподілу (chi2 = \(chi), df 9, p = \(p)); середнє \(m) проти \(em)",
                "\(name): отклоняется от ожидаемого распределения (chi2 = \(chi), df 9, p = \(p)); среднее \(m) против \(em)")
        }
        let p = l.number(pValue, 3)
        if pValue < 0.05 {
            return l.pick(
                "\(name): mild deviation (chi2 = \(chi), df 9, p = \(p)), weak evidence at most; mean \(m) vs \(em)",
                "\(name): слабке відхилення (chi2 = \(chi), df 9, p = \(p)), щонайбільше слабкий доказ; середнє \(m) проти \(em)",
                "\(name): слабое отклонение (chi2 = \(chi), df 9, p = \(p)), самое большее слабое свидетельство; среднее \(m) против \(em)")
        }
        return l.pick(
            "\(name): consistent with the expected distribution (chi2 = \(chi), df 9, p = \(p))",
            "\(name): узгоджується з очікуваним розподілом (chi2 = \(chi), df 9, p = \(p))",
            "\(name): согласуется с ожидаемым распределением (chi2 = \(chi), df 9, p = \(p))")
    }

    /// What the test takes for granted, in `l`.
    public func assumptions(_ l: DocumentLanguage) -> String {
        switch (isSecondDigit, nullDraws) {
        case (true, nil):
            l.pick(
                "Counts of 10 or more spanning several orders of magnitude follow Benford's law in the second digit when they come from mixed honest processes (Mebane). Deviations are suggestive, not proof: 2BL can fail for honest data and pass for manipulated data.",
                "Підсумки від 10 і більше, що охоплюють кілька порядків величини, підкоряються закону Бенфорда для другої цифри, коли походять зі змішаних чесних процесів (Мебейн). Відхилення — підказка, а не доказ: 2BL може не виконуватися для чесних даних і виконуватися для підроблених.",
                "Итоги от 10 и больше, охватывающие несколько порядков величины, подчиняются закону Бенфорда для второй цифры, когда происходят из смешанных честных процессов (Мебейн). Отклонения — подсказка, а не доказательство: 2BL может не выполняться для честных данных и выполняться для подделанных."
            )
        case (true, let draws?):
            l.pick(
                "Corrected for count size: the expected second digits are those of each station's count drawn again from its own binomial (\(draws) draws), not Benford's law, which small counts do not follow. Deviations are suggestive, not proof.",
                "З поправкою на розмір підсумків: очікувані другі цифри — це цифри підсумку кожної дільниці, знову вибраного з її власного біноміального розподілу (\(draws) вибірок), а не закон Бенфорда, якому малі числа не підкоряються. Відхилення — підказка, а не доказ.",
                "С поправкой на размер итогов: ожидаемые вторые цифры — это цифры итога каждого участка, снова выбранного из его собственного биномиального распределения (\(draws) выборок), а не закон Бенфорда, которому малые числа не подчиняются. Отклонения — подсказка, а не доказательство."
            )
        case (false, nil):
            l.pick(
                "For counts of 100 or more the last digit of honest counts is uniform; people inventing numbers favour some digits (Beber & Scacco 2012).",
                "Для підсумків від 100 і більше остання цифра чесного підрахунку рівномірна; люди, що вигадують числа, віддають перевагу деяким цифрам (Бебер і Скакко, 2012).",
                "Для итогов от 100 и больше последняя цифра честного подсчёта равномерна; люди, придумывающие числа, предпочитают некоторые цифры (Бебер и Скакко, 2012)."
            )
        case (false, let draws?):
            l.pick(
                "Corrected for count size: the expected last digits are those of each station's count drawn again from its own binomial (\(draws) draws) rather than uniform; people inventing numbers favour some digits (Beber & Scacco 2012).",
                "З поправкою на розмір підсумків: очікувані останні цифри — це цифри підсумку кожної дільниці, знову вибраного з її власного біноміального розподілу (\(draws) вибірок), а не рівномірні; люди, що вигадують числа, віддають перевагу деяким цифрам (Бебер і Скакко, 2012).",
                "С поправкой на размер итогов: ожидаемые последние цифры — это цифры итога каждого участка, снова выбранного из его собственного биномиального распределения (\(draws) выборок), а не равномерные; люди, придумывающие числа, предпочитают некоторые цифры (Бебер и Скакко, 2012)."
            )
        }
    }
}

extension PollComparison.Result {
    /// How far the reported share lies from the poll, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        let (r, p) = (l.percent(reportedShare * 100, digits: 1), l.percent(pollShare * 100, digits: 1))
        let (z, pv) = (l.number(z, 1), l.general(pTwoSided, 2))
        let (lo, hi) = (l.percent(interval999[0] * 100, digits: 1), l.percent(interval999[1] * 100, digits: 1))
        return l.pick(
            "reported \(r) vs poll \(p) (n = \(pollSize)): \(z) standard errors apart, two-sided p = \(pv); the poll allows \(lo) to \(hi) at 99.9%",
            "оголошено \(r), опитування \(p) (n = \(pollSize)): різниця \(z) стандартних похибок, двобічне p = \(pv); опитування допускає від \(lo) до \(hi) з імовірністю 99,9%",
            "объявлено \(r), опрос \(p) (n = \(pollSize)): разница \(z) стандартных ошибок, двустороннее p = \(pv); опрос допускает от \(lo) до \(hi) с вероятностью 99,9%"
        )
    }

    /// What the comparison takes for granted, in `l`.
    public static func assumptions(_ l: DocumentLanguage) -> String {
        l.pick(
            "The poll is a random sample of the same electorate (inflated by the design effect) asked the same question, without house effects or shy respondents; only sampling error is modelled, so a large z says the two cannot both measure the same thing.",
            "Опитування — випадкова вибірка того самого електорату (з поправкою на ефект дизайну), якій поставили те саме питання, без систематичних похибок опитувальника чи сором'язливих респондентів; моделюється лише вибіркова похибка, тож велике z означає, що обидва числа не можуть вимірювати одне й те саме.",
            "Опрос — случайная выборка того же электората (с поправкой на эффект дизайна), которой задали тот же вопрос, без систематических ошибок опросчика или стеснительных респондентов; моделируется только выборочная ошибка, поэтому большое z означает, что оба числа не могут измерять одно и то же."
        )
    }
}
