import Foundation

extension ShpilkinEstimate.Result {
    /// The reference and the anomalous votes with their range, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        let (t0, s0) = (l.percent(referenceTurnout * 100, digits: 1), l.percent(referenceShare * 100, digits: 1))
        let (n, lo, hi) = (l.grouped(anomalousVotes), l.grouped(anomalousMin), l.grouped(anomalousMax))
        let window = l.number(sensitivityWindow * 100, 0)
        let part = l.percent(leaderVotes > 0 ? Double(anomalousVotes) * 100 / Double(leaderVotes) : 0, digits: 1)
        return l.pick(
            "reference peak at \(t0) turnout with \(s0) for the leader; \(n) anomalous votes (\(lo) to \(hi) as the reference moves +-\(window) points), \(part) of the leader's votes",
            "опорний пік за явки \(t0), лідер має \(s0); аномальних голосів: \(n) (від \(lo) до \(hi), якщо опору зсунути на +-\(window) пункти), \(part) голосів лідера",
            "опорный пик при явке \(t0), у лидера \(s0); аномальных голосов: \(n) (от \(lo) до \(hi), если опору сдвинуть на +-\(window) пункта), \(part) голосов лидера"
        )
    }

    /// What the estimate takes for granted, in `l`.
    public static func assumptions(_ l: DocumentLanguage) -> String {
        l.pick(
            "The reference turnout is the first clear peak of the voter-weighted turnout distribution (smoothed, sigma 2 points), and stations there are honest; other candidates' votes are genuine everywhere; without fraud the leader's share would not depend on turnout. The estimate counts leader votes above O * s0 / (1 - s0) in stations with turnout above the reference. It is a model, not a proof: honest variation of share with turnout also enters it.",
            "Опорна явка — перший чіткий пік розподілу явки, зваженого за виборцями (згладженого, sigma 2 пункти), і дільниці там чесні; голоси інших кандидатів справжні всюди; без фальсифікацій частка лідера не залежала б від явки. Оцінка рахує голоси лідера понад O * s0 / (1 - s0) на дільницях з явкою вище опорної. Це модель, а не доказ: чесна зміна частки з явкою теж до неї входить.",
            "Опорная явка — первый чёткий пик распределения явки, взвешенного по избирателям (сглаженного, sigma 2 пункта), и участки там честные; голоса других кандидатов подлинные везде; без фальсификаций доля лидера не зависела бы от явки. Оценка считает голоса лидера сверх O * s0 / (1 - s0) на участках с явкой выше опорной. Это модель, а не доказательство: честное изменение доли с явкой тоже в неё входит."
        )
    }
}
