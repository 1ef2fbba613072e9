import Foundation

extension ForensicsReport.StratumSummary {
    /// Flagged: whole-number percentages beyond chance (integer z > 3) or more than 5 % of its
    /// ballots from stations where both turnout and the leader's share exceed 90 %.
    public var isFlagged: Bool { (integer?.z ?? 0) > 3 || cornerFraction > 0.05 }

    /// Whether Shpilkin's reference lies where honest stations can be: a peak at 90 % turnout or
    /// more is itself in the anomalous zone, and the estimate against it means nothing.
    public var hasHonestReference: Bool { (shpilkinReferenceTurnout ?? 1) < 0.9 }

    /// Shpilkin's anomalous votes as a reader may take them: none when the estimate falls below
    /// the reference (a negative figure is the leader doing worse than the reference predicts),
    /// nil when there is no honest reference or too few stations.
    public var anomalousVotes: Int? { hasHonestReference ? shpilkinAnomalousVotes.map { max(0, $0) } : nil }
}

extension ForensicsReport {
    /// The strata from the most anomalous: flagged first, then by the share of ballots in the
    /// 90/90 corner, then by the integer-percentage z.
    public var strataByAnomaly: [StratumSummary] {
        strata.sorted { a, b in
            if a.isFlagged != b.isFlagged { return a.isFlagged }
            if a.cornerFraction != b.cornerFraction { return a.cornerFraction > b.cornerFraction }
            return (a.integer?.z ?? -.infinity) > (b.integer?.z ?? -.infinity)
        }
    }

    /// One paragraph a journalist can quote: what the tests found, with the main figures, and what
    /// such findings are and are not.
    public var conclusion: String { conclusion(.en) }

    /// The conclusion in `l`.
    public func conclusion(_ l: DocumentLanguage) -> String {
        var found = [String]()
        var notFound = [String]()
        let i = integerPercentages
        if i.stationsTested >= IntegerPercentTest.minimumStations {
            if i.z > 3 {
                let (n, z) = (l.grouped(Int(i.excess.rounded())), l.number(i.z, 1))
                found.append(
                    l.pick(
                        "\(n) more stations than chance allows report whole-number percentages (z = \(z))",
                        "на \(n) дільниць більше, ніж допускає випадок, повідомляють цілі відсотки (z = \(z))",
                        "на \(n) участков больше, чем допускает случай, сообщают целые проценты (z = \(z))"))
            } else {
                notFound.append(l.pick("an excess of whole-number percentages", "надлишку цілих відсотків", "избытка целых процентов"))
            }
        }
        if fingerprint.cornerFraction > 0.05 {
            let corner = l.percent(fingerprint.cornerFraction * 100, digits: 1)
            found.append(
                l.pick(
                    "\(corner) of all ballots come from stations where both turnout and the leader's share exceed 90%",
                    "\(corner) усіх бюлетенів надходять із дільниць, де і явка, і частка лідера перевищують 90%",
                    "\(corner) всех бюллетеней приходятся на участки, где и явка, и доля лидера превышают 90%"))
        } else {
            notFound.append(
                l.pick(
                    "a cluster of stations near 100% turnout and 100% for the leader",
                    "скупчення дільниць біля 100% явки й 100% за лідера",
                    "скопления участков около 100% явки и 100% за лидера"))
        }
        if let m = model {
            if m.incrementalInterval.low > 0 {
                let share = l.number(m.fit.incremental * 100, 0)
                found.append(
                    l.pick(
                        "the turnout and share distribution fits only with ballot stuffing at about \(share)% of stations",
                        "розподіл явки й частки пояснюється лише вкиданням бюлетенів приблизно на \(share)% дільниць",
                        "распределение явки и доли объясняется только вбросом бюллетеней примерно на \(share)% участков"))
            } else {
                notFound.append(l.pick("stuffing in the fitted model", "вкидання в підігнаній моделі", "вброса в подогнанной модели"))
            }
        }
        if let sh = shpilkin, sh.referenceTurnout < 0.9, sh.anomalousVotes > 0, sh.leaderVotes > 0 {
            let (n, part) = (l.grouped(sh.anomalousVotes), l.percent(Double(sh.anomalousVotes) * 100 / Double(sh.leaderVotes), digits: 1))
            found.append(
                l.pick(
                    "Shpilkin's method counts about \(n) of the leader's votes as anomalous (\(part))",
                    "метод Шпількіна вважає аномальними близько \(n) голосів лідера (\(part))",
                    "метод Шпилькина считает аномальными около \(n) голосов лидера (\(part))"))
        }
        let digitFailures = Set(digits.filter { $0.pValue < 0.001 }.map { $0.variableName(l) }).sorted()
        if !digitFailures.isEmpty {
            let names = digitFailures.joined(separator: l.pick(" and ", " і ", " и "))
            found.append(
                l.pick(
                    "digit tests reject honest counting for \(names)", "тести цифр відкидають чесний підрахунок для \(names)",
                    "тесты цифр отвергают честный подсчёт для \(names)"))
        }
        let stationCount = l.grouped(stations)
        var s =
            found.isEmpty
            ? l.pick(
                "Conclusion: none of the tests finds a statistical fingerprint of falsification in these \(stationCount) stations",
                "Висновок: жоден тест не знаходить статистичного відбитка фальсифікації на цих \(stationCount) дільницях",
                "Вывод: ни один тест не находит статистического отпечатка фальсификации на этих \(stationCount) участках")
            : l.pick(
                "Conclusion: these results carry statistical fingerprints of falsification: ",
                "Висновок: ці результати мають статистичні відбитки фальсифікації: ",
                "Вывод: эти результаты несут статистические отпечатки фальсификации: ") + found.joined(separator: "; ")
        if !found.isEmpty && !notFound.isEmpty {
            s += l.pick(". Not found: ", ". Не знайдено: ", ". Не найдено: ") + notFound.joined(separator: ", ")
        }
        let flagged = strataByAnomaly.filter(\.isFlagged)
        if !flagged.isEmpty {
            let top = flagged.prefix(3).map {
                let (t, lead, corner) = (
                    l.percent($0.meanTurnout * 100, digits: 1), l.percent($0.leaderShare * 100, digits: 1),
                    l.percent($0.cornerFraction * 100, digits: 1)
                )
                return l.pick(
                    "\($0.stratum) (turnout \(t), leader \(lead), \(corner) of ballots in the 90/90 corner)",
                    "\($0.stratum) (явка \(t), лідер \(lead), \(corner) бюлетенів у куті 90/90)",
                    "\($0.stratum) (явка \(t), лидер \(lead), \(corner) бюллетеней в углу 90/90)")
            }.joined(separator: ", ")
            s += l.pick(
                ". \(flagged.count) of \(strata.count) strata are flagged; the most anomalous: \(top)",
                ". Позначено \(flagged.count) з \(strata.count) груп; найаномальніші: \(top)",
                ". Отмечено \(flagged.count) из \(strata.count) групп; самые аномальные: \(top)")
        }
        return s
            + l.pick(
                ". These tests measure how unlikely the published figures are under honest counting; they do not show who changed what, and an unusual place may have reasons of its own.",
                ". Ці тести вимірюють, наскільки малоймовірні оприлюднені числа за чесного підрахунку; вони не показують, хто що змінив, і незвичне місце може мати власні причини.",
                ". Эти тесты измеряют, насколько маловероятны опубликованные числа при честном подсчёте; они не показывают, кто что изменил, и у необычного места могут быть свои причины."
            )
    }
}
