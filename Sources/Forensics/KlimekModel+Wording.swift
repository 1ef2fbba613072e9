import Foundation

extension KlimekModel.Result {
    /// The fitted parameters with their intervals, and what the profile cannot tell apart, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        func n(_ x: Double, _ d: Int) -> String { l.number(x, d) }
        let (ii, ie, ia) = (incrementalInterval, extremeInterval, alphaInterval)
        let edgeNames = atGridEdge.map { name in
            switch name {
            case "alpha": "alpha"
            case "extreme": l.pick("extreme", "екстремальний", "экстремальный")
            default: l.pick("incremental", "поступовий", "постепенный")
            }
        }
        let edge =
            edgeNames.isEmpty
            ? ""
            : l.pick("; at the edge of the searched grid: ", "; на краю перебраної сітки: ", "; на краю перебранной сетки: ")
                + edgeNames.joined(separator: ", ")
        let fi = "f_i = \(n(fit.incremental, 3)) [\(n(ii.low, 3)), \(n(ii.high, 3))]"
        let fe = "f_e = \(n(fit.extreme, 4)) [\(n(ie.low, 4)), \(n(ie.high, 4))]"
        let alpha = "alpha = \(n(fit.alpha, 2)) [\(n(ia.low, 2)), \(n(ia.high, 2))]"
        let (d, fd) = (n(distance, 1), n(fairDistance, 1))
        var verdict = l.pick(
            "model fit: \(fi) of stations with incremental stuffing, \(fe) with extreme stuffing, \(alpha) (95% bootstrap intervals, \(bootstrapReplicates) replicates)\(edge); distance \(d) against \(fd) for the fair model",
            "підгонка моделі: \(fi) дільниць із поступовим вкиданням, \(fe) з екстремальним вкиданням, \(alpha) (95% бутстреп-інтервали, \(bootstrapReplicates) повторів)\(edge); відстань \(d) проти \(fd) для чесної моделі",
            "подгонка модели: \(fi) участков с постепенным вбросом, \(fe) с экстремальным вбросом, \(alpha) (95% бутстреп-интервалы, \(bootstrapReplicates) повторов)\(edge); расстояние \(d) против \(fd) для честной модели"
        )
        let valley = profile.filter { $0.distance - distance <= distanceTolerance }
        if fit.incremental + fit.extreme > 0, valley.count > 1, let lo = valley.first, let hi = valley.last {
            let (a0, a1, tol) = (n(lo.alpha, 2), n(hi.alpha, 2), n(distanceTolerance, 2))
            let fis = valley.map(\.incremental), fes = valley.map(\.extreme)
            let along = "f_i \(n(fis.min()!, 3))-\(n(fis.max()!, 3)), f_e \(n(fes.min()!, 4))-\(n(fes.max()!, 4))"
            verdict += l.pick(
                "; alpha is not told apart from \(a0) to \(a1) (the profile stays within the data's noise, \(tol)), \(along) along it",
                "; alpha не розрізняється від \(a0) до \(a1) (профіль лишається в межах шуму даних, \(tol)), уздовж нього \(along)",
                "; alpha не различается от \(a0) до \(a1) (профиль остаётся в пределах шума данных, \(tol)), вдоль него \(along)")
        }
        return verdict
    }

    /// What the model takes for granted, in `l`.
    public static func assumptions(_ l: DocumentLanguage) -> String {
        l.pick(
            "Fair stations scatter around one turnout and one leader share; stuffing moves a station towards 100% turnout and 100% share together. The fair distributions are read from the left flanks of the observed ones, which stuffing does not reach. The parameters say how many stations the observed leader-share histogram needs stuffed to be explained by this model; they are not a count of proven falsifications.",
            "Чесні дільниці розкидані навколо однієї явки й однієї частки лідера; вкидання зсуває дільницю водночас до 100% явки й 100% частки. Чесні розподіли прочитано з лівих схилів спостережених, куди вкидання не сягає. Параметри кажуть, скільки дільниць з вкиданням потребує спостережена гістограма частки лідера, щоб ця модель її пояснила; це не кількість доведених фальсифікацій.",
            "Честные участки разбросаны вокруг одной явки и одной доли лидера; вброс сдвигает участок одновременно к 100% явки и 100% доли. Честные распределения прочитаны с левых склонов наблюдаемых, куда вброс не достаёт. Параметры говорят, сколько участков со вбросом нужно наблюдаемой гистограмме доли лидера, чтобы эта модель её объяснила; это не число доказанных фальсификаций."
        )
    }

    /// Which turnout and share the fit read, in `l`.
    public func figures(_ l: DocumentLanguage) -> String { KlimekModel.figuresWording(validBallots: figuresUseValidBallots, l) }

    /// How the model was fitted, in `l`.
    public func method(_ l: DocumentLanguage) -> String {
        let k = simulatedPerStation
        return l.pick(
            "Common random numbers: \(k) simulated stations per observed station, their histogram divided by \(k). Grid: alpha from 0.5 to 4 in steps of 0.25, each fitted on its own (the profile); f_i from 0 to 1, f_e from 0 to 0.15, searched in steps of 0.01 and 0.005, then in steps of 0.0025 around the best. Distance: sum over 1% share bins of ((model - observed) / (observed + 1))^2, the criterion of the authors' code. Intervals: stations resampled with replacement (a multinomial draw of the observed histogram), each replicate refitted against the same simulated stations. \(figures(l)).",
            "Спільні випадкові числа: \(k) змодельованих дільниць на кожну спостережену, їхню гістограму поділено на \(k). Сітка: alpha від 0,5 до 4 з кроком 0,25, кожне підігнано окремо (профіль); f_i від 0 до 1, f_e від 0 до 0,15, перебрано з кроком 0,01 і 0,005, потім з кроком 0,0025 навколо найкращого. Відстань: сума за інтервалами частки по 1% величини ((модель - спостереження) / (спостереження + 1))^2, критерій коду авторів. Інтервали: дільниці перевибрано з поверненням (мультиноміальна вибірка спостереженої гістограми), кожен повтор підігнано знову проти тих самих змодельованих дільниць. \(figures(l)).",
            "Общие случайные числа: \(k) смоделированных участков на каждый наблюдаемый, их гистограмма поделена на \(k). Сетка: alpha от 0,5 до 4 с шагом 0,25, каждое подогнано отдельно (профиль); f_i от 0 до 1, f_e от 0 до 0,15, перебраны с шагом 0,01 и 0,005, затем с шагом 0,0025 вокруг лучшего. Расстояние: сумма по интервалам доли в 1% величины ((модель - наблюдение) / (наблюдение + 1))^2, критерий кода авторов. Интервалы: участки перевыбраны с возвращением (мультиномиальная выборка наблюдаемой гистограммы), каждый повтор подогнан заново против тех же смоделированных участков. \(figures(l))."
        )
    }
}

extension KlimekModel {
    /// Which turnout and share the fit reads, in `l`: valid ballots, or all ballots when the file has no valid-ballot figure.
    static func figuresWording(validBallots: Bool, _ l: DocumentLanguage) -> String {
        validBallots
            ? l.pick(
                "turnout = valid ballots over registered voters, share = the leader's votes over valid ballots (as in the authors' code)",
                "явка = дійсні бюлетені до зареєстрованих виборців, частка = голоси лідера до дійсних бюлетенів (як у коді авторів)",
                "явка = действительные бюллетени к зарегистрированным избирателям, доля = голоса лидера к действительным бюллетеням (как в коде авторов)"
            )
            : l.pick(
                "turnout = ballots over registered voters, share = the leader's votes over counted ballots (the file has no valid-ballot figure)",
                "явка = бюлетені до зареєстрованих виборців, частка = голоси лідера до врахованих бюлетенів (у файлі немає числа дійсних бюлетенів)",
                "явка = бюллетени к зарегистрированным избирателям, доля = голоса лидера к учтённым бюллетеням (в файле нет числа действительных бюллетеней)"
            )
    }
}
