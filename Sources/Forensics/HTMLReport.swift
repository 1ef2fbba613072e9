import Foundation

extension ForensicsReport {
    /// A self-contained HTML page with the plots embedded as SVG, for readers without a terminal.
    public var html: String { html(.en) }

    /// The HTML report in `l`: its words, numbers and plots; the data's own names (stratum values,
    /// column names, excluded rows' reasons) as the file gives them.
    public func html(_ l: DocumentLanguage) -> String {
        let e = SVGPlot.escape
        let title = l.pick("Election forensics", "Криміналістика виборів", "Криминалистика выборов")
        let needsMore = l.pick("Needs more data", "Потрібно більше даних", "Нужно больше данных")
        var h = """
            <!DOCTYPE html><html lang="\(l.rawValue)"><head><meta charset="utf-8"><title>\(title): \(e(source))</title>
            <style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.45}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
            .verdict{background:#f3f6fa;border-left:4px solid #2b5d91;padding:.5em 1em}.assume{color:#555;font-size:.92em}
            table{border-collapse:collapse;font-size:.88em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}th{background:#f4f4f4}
            td:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:12px}svg{border:1px solid #eee;max-width:100%;height:auto}
            .scroll{overflow-x:auto}</style></head><body>
            <h1>\(title): \(e(source))</h1>
            """
        let (turnout, share) = (l.percent(fingerprint.meanTurnout * 100, digits: 2), l.percent(fingerprint.leaderShare * 100, digits: 2))
        h += l.pick(
            "<p>\(dataRows) data rows; \(stations) stations analysed; \(excludedRows) rows excluded. Leader: <b>\(e(leader))</b>. Turnout \(turnout), leader share \(share) of ballots. These tests find statistical fingerprints that falsification leaves; they measure how unusual the figures are, not who did what.</p>",
            "<p>Рядків даних: \(dataRows); проаналізовано дільниць: \(stations); виключено рядків: \(excludedRows). Лідер: <b>\(e(leader))</b>. Явка \(turnout), частка лідера \(share) бюлетенів. Ці тести шукають статистичні відбитки, які залишає фальсифікація; вони вимірюють, наскільки незвичні числа, а не хто що зробив.</p>",
            "<p>Строк данных: \(dataRows); проанализировано участков: \(stations); исключено строк: \(excludedRows). Лидер: <b>\(e(leader))</b>. Явка \(turnout), доля лидера \(share) бюллетеней. Эти тесты ищут статистические отпечатки, которые оставляет фальсификация; они измеряют, насколько необычны числа, а не кто что сделал.</p>"
        )
        h += "<p class=\"verdict\" id=\"conclusion\">\(e(conclusion(l)))</p>"
        h += l.pick(
            "<h2>1. Turnout and leader share (Klimek et al., PNAS 2012)</h2>",
            "<h2>1. Явка й частка лідера (Клімек та ін., PNAS 2012)</h2>",
            "<h2>1. Явка и доля лидера (Климек и др., PNAS 2012)</h2>")
        h += "<p class=\"verdict\">\(e(fingerprint.verdict(l)))</p><p class=\"assume\">\(e(Fingerprint.Result.assumptions(l)))</p>"
        h +=
            "<div class=\"plots\">"
            + SVGPlot.heatmap(
                fingerprint.grid,
                title: l.pick(
                    "Fingerprint: stations by turnout and share", "Відбиток: дільниці за явкою й часткою",
                    "Отпечаток: участки по явке и доле"), l)
        h += SVGPlot.histogram(
            fingerprint.turnoutHistogram, title: l.pick("Turnout, ballots per 0.1%", "Явка, бюлетені на 0,1%", "Явка, бюллетени на 0,1%"),
            xLabel: l.pick("turnout", "явка", "явка"), l)
        h +=
            SVGPlot.histogram(
                fingerprint.shareHistogram,
                title: l.pick("Leader share, ballots per 0.1%", "Частка лідера, бюлетені на 0,1%", "Доля лидера, бюллетени на 0,1%"),
                xLabel: l.pick("leader share", "частка лідера", "доля лидера"), l) + "</div>"
        if let m = model {
            h += l.pick("<h3>The model fitted</h3>", "<h3>Підігнана модель</h3>", "<h3>Подогнанная модель</h3>")
            h +=
                "<p class=\"verdict\">\(e(m.verdict(l)))</p><p class=\"assume\">\(e(KlimekModel.Result.assumptions(l))) \(e(m.method(l)))</p>"
            let (t, tsd, s, ssd, theta) = (
                l.percent(m.fair.turnout * 100, digits: 1), l.number(m.fair.turnoutSD * 100, 1), l.percent(m.fair.share * 100, digits: 1),
                l.number(m.fair.shareSD * 100, 1), l.number(m.fair.theta, 3)
            )
            h += l.pick(
                "<p>Fair stations: turnout \(t) (sd \(tsd)), share \(s) (sd \(ssd)); incremental stuffing spread theta \(theta).</p>",
                "<p>Чесні дільниці: явка \(t) (ст. відх. \(tsd)), частка \(s) (ст. відх. \(ssd)); розкид поступового вкидання theta \(theta).</p>",
                "<p>Честные участки: явка \(t) (ст. откл. \(tsd)), доля \(s) (ст. откл. \(ssd)); разброс постепенного вброса theta \(theta).</p>"
            )
            h += "<p>\(l.pick("Figures", "Величини", "Величины")): \(e(m.figures(l))).</p>" + Self.profileTable(m, l)
            h +=
                "<div class=\"plots\">"
                + SVGPlot.heatmap(
                    fingerprint.grid, title: l.pick("Observed fingerprint", "Спостережений відбиток", "Наблюдаемый отпечаток"), l)
            h += SVGPlot.heatmap(
                m.modelGrid,
                title: l.pick("The model at the fitted parameters", "Модель за підігнаних параметрів", "Модель при подогнанных параметрах"),
                l)
            h +=
                SVGPlot.heatmap(
                    m.fairGrid,
                    title: l.pick(
                        "The model without stuffing (f_i = f_e = 0)", "Модель без вкидання (f_i = f_e = 0)",
                        "Модель без вброса (f_i = f_e = 0)"), l)
                + "</div>"
        } else {
            h += "<p class=\"verdict\">\(e(ForensicsReport.Note.modelNeedsStations.text(l))).</p>"
        }
        let i = integerPercentages
        h += l.pick(
            "<h2>2. Integer percentages (Kobak, Shpilkin &amp; Pshenichnikov, AoAS 2016)</h2>",
            "<h2>2. Цілі відсотки (Кобак, Шпількін і Пшеничніков, AoAS 2016)</h2>",
            "<h2>2. Целые проценты (Кобак, Шпилькин и Пшеничников, AoAS 2016)</h2>")
        h += "<p class=\"verdict\">\(e(i.verdict(l)))</p>"
        if i.stationsTested >= IntegerPercentTest.minimumStations {
            let (mean, sd, excess, z, p) = (
                l.number(i.nullMean, 1), l.number(i.nullSD, 1), l.number(i.excess, 0), l.number(i.z, 1), l.number(i.empiricalP, 4)
            )
            h += l.pick(
                "<p>\(i.observed) of \(i.stationsTested) stations at whole percentages; null mean \(mean), standard deviation \(sd); excess \(excess); z = \(z); empirical p = \(p) (\(i.draws) draws, seed \(i.seed)).</p>",
                "<p>\(i.observed) з \(i.stationsTested) дільниць мають цілі відсотки; середнє за нульовою гіпотезою \(mean), стандартне відхилення \(sd); надлишок \(excess); z = \(z); емпіричне p = \(p) (\(i.draws) вибірок, зерно \(i.seed)).</p>",
                "<p>\(i.observed) из \(i.stationsTested) участков имеют целые проценты; среднее по нулевой гипотезе \(mean), стандартное отклонение \(sd); избыток \(excess); z = \(z); эмпирическое p = \(p) (\(i.draws) выборок, зерно \(i.seed)).</p>"
            )
            h +=
                "<p class=\"assume\">\(e(IntegerPercentTest.Result.assumptions(l))) \(e(i.parameters(l))).</p><div class=\"plots\">\(SVGPlot.nullDistribution(i, l))</div>"
        }
        h += l.pick(
            "<h2>3. Shpilkin's estimate of anomalous votes</h2>", "<h2>3. Оцінка аномальних голосів за Шпількіним</h2>",
            "<h2>3. Оценка аномальных голосов по Шпилькину</h2>")
        if let sh = shpilkin {
            h +=
                "<p class=\"verdict\">\(e(sh.verdict(l)))</p><p class=\"assume\">\(e(ShpilkinEstimate.Result.assumptions(l)))</p><div class=\"plots\">\(SVGPlot.shpilkin(sh, leader: leader, l))</div>"
        } else {
            h += "<p class=\"verdict\">\(e(ForensicsReport.Note.shpilkinNeedsStations(have: stations).text(l))).</p>"
        }
        h += l.pick("<h2>4. Digit tests</h2>", "<h2>4. Тести цифр</h2>", "<h2>4. Тесты цифр</h2>")
        if digits.isEmpty {
            h += l.pick(
                "<p class=\"verdict\">\(needsMore): at least 50 counts of 10 or more, and of 100 or more.</p>",
                "<p class=\"verdict\">\(needsMore): щонайменше 50 підсумків від 10 і більше та від 100 і більше.</p>",
                "<p class=\"verdict\">\(needsMore): не меньше 50 итогов от 10 и больше и от 100 и больше.</p>")
        }
        for d in digits { h += "<p class=\"verdict\">\(e(d.verdict(l)))</p><p class=\"assume\">\(e(d.assumptions(l)))</p>" }
        h += "<div class=\"plots\">" + digits.map { SVGPlot.digits($0, l) }.joined() + "</div>"
        if let p = poll {
            h += l.pick(
                "<h2>5. Comparison with an independent poll</h2>", "<h2>5. Порівняння з незалежним опитуванням</h2>",
                "<h2>5. Сравнение с независимым опросом</h2>")
            h += "<p class=\"verdict\">\(e(p.verdict(l)))</p><p class=\"assume\">\(e(PollComparison.Result.assumptions(l)))</p>"
        }
        if !strata.isEmpty { h += strataTable(l) }
        if !excluded.isEmpty {
            h += l.pick(
                "<h2>Excluded rows</h2><p>\(excludedRows) rows were excluded; the first ones:</p>",
                "<h2>Виключені рядки</h2><p>Виключено рядків: \(excludedRows); перші з них:</p>",
                "<h2>Исключённые строки</h2><p>Исключено строк: \(excludedRows); первые из них:</p>")
            h += "<table><tr><th>\(l.pick("line", "рядок", "строка"))</th><th>\(l.pick("reason", "причина", "причина"))</th></tr>"
            for x in excluded.prefix(50) { h += "<tr><td>\(x.line)</td><td style=\"text-align:left\">\(e(x.reason))</td></tr>" }
            h += "</table>"
        }
        for n in notes { h += "<p class=\"assume\">\(l.pick("Note", "Примітка", "Примечание")): \(e(n.text(l)))</p>" }
        h +=
            "<p class=\"assume\">\(l.pick("Computed in", "Обчислено за", "Вычислено за")) "
            + timings.map { "\(e(Self.stepName($0.step, l))) \(l.number($0.seconds, 2)) \(l.pick("s", "с", "с"))" }.joined(separator: ", ")
            + ".</p></body></html>"
        return h
    }

    /// A timed step's name (as `ForensicsAnalysis.run` records it) in `l`.
    static func stepName(_ step: String, _ l: DocumentLanguage) -> String {
        let count = step.split(separator: "(").dropFirst().first?.split(separator: " ").first.map(String.init) ?? ""
        return switch step.split(separator: " ").first ?? "" {
        case "import": l.pick("import", "імпорт", "импорт")
        case "fingerprint": l.pick("fingerprint", "відбиток", "отпечаток")
        case "Klimek": l.pick(step, "модель Клімека (\(count) повторів)", "модель Климека (\(count) повторов)")
        case "integer": l.pick(step, "цілі відсотки (\(count) вибірок)", "целые проценты (\(count) выборок)")
        case "Shpilkin": l.pick("Shpilkin estimate", "оцінка Шпількіна", "оценка Шпилькина")
        case "digit": l.pick("digit tests", "тести цифр", "тесты цифр")
        case "strata": l.pick("strata", "групи", "группы")
        default: step
        }
    }

    /// The strata, the most anomalous first, flagged rows marked, with the footnotes their figures need.
    func strataTable(_ l: DocumentLanguage) -> String {
        let flagged = strata.count(where: \.isFlagged)
        var h = l.pick("<h2>By stratum</h2>", "<h2>За групами</h2>", "<h2>По группам</h2>")
        h += "<div class=\"scroll\"><table id=\"strata\"><caption>"
        h += l.pick(
            "\(flagged) of \(strata.count) strata flagged (marked): whole-number percentages beyond chance (z &gt; 3) or more than 5% of ballots in the 90/90 corner. Sorted from the most anomalous: flagged first, then by the corner's share of ballots, then by z.",
            "Позначено \(flagged) з \(strata.count) груп: цілих відсотків більше, ніж допускає випадок (z &gt; 3), або понад 5% бюлетенів у куті 90/90. Від найаномальніших: спершу позначені, далі за часткою бюлетенів у куті, далі за z.",
            "Отмечено \(flagged) из \(strata.count) групп: целых процентов больше, чем допускает случай (z &gt; 3), или больше 5% бюллетеней в углу 90/90. От самых аномальных: сначала отмеченные, затем по доле бюллетеней в углу, затем по z."
        )
        h += "</caption><tr>"
        let headings = [
            l.pick("stratum", "група", "группа"), l.pick("stations", "дільниці", "участки"), l.pick("turnout", "явка", "явка"),
            l.pick("leader", "лідер", "лидер"), l.pick("integer excess", "надлишок цілих", "избыток целых"), "z",
            l.pick("90/90 corner", "кут 90/90", "угол 90/90"), l.pick("Shpilkin ref.", "опора Шпількіна", "опора Шпилькина"),
            l.pick("anomalous", "аномальні", "аномальные"), l.pick("2BL p", "2BL p", "2BL p"),
            l.pick("last-digit p", "p останньої цифри", "p последней цифры"),
        ]
        h += headings.map { "<th>\($0)</th>" }.joined() + "</tr>"
        var footnotes = Set<String>()
        let e = SVGPlot.escape
        for s in strataByAnomaly {
            h += s.isFlagged ? "<tr class=\"flagged\"><td>&#9873; \(e(s.stratum))</td>" : "<tr><td>\(e(s.stratum))</td>"
            h +=
                "<td>\(s.stations)</td><td>\(l.percent(s.meanTurnout * 100, digits: 1))</td><td>\(l.percent(s.leaderShare * 100, digits: 1))</td>"
            h += "<td>\(s.integer.map { l.number($0.excess, 0) } ?? "-")</td><td>\(s.integer?.z.map { l.number($0, 1) } ?? "-")</td>"
            h += "<td>\(l.percent(s.cornerFraction * 100, digits: 1))</td>"
            // The reference peak and the anomalous votes, only where they can mean something.
            switch (s.shpilkinReferenceTurnout, s.anomalousVotes) {
            case (nil, _): h += "<td>\(l.pick("needs more data", "потрібно більше даних", "нужно больше данных"))</td><td>-</td>"
            case (let t?, nil):
                footnotes.insert("a")
                h += "<td>\(l.percent(min(t, 1) * 100, digits: 1)) (a)</td><td>-</td>"
            case (let t?, let n?):
                if (s.shpilkinAnomalousVotes ?? 0) < 0 { footnotes.insert("b") }
                h += "<td>\(l.percent(t * 100, digits: 1))</td><td>\(l.grouped(n))\((s.shpilkinAnomalousVotes ?? 0) < 0 ? " (b)" : "")</td>"
            }
            h += "<td>\(s.secondDigitP.map { l.general($0, 3) } ?? "-")</td><td>\(s.lastDigitP.map { l.general($0, 3) } ?? "-")</td></tr>"
        }
        h += "</table></div>"
        if footnotes.contains("a") {
            h += l.pick(
                "<p class=\"assume\">(a) The turnout peak lies at 90% or above: there is no honest reference to measure against, so no anomalous votes are estimated (such a stratum is anomalous as a whole; see the corner column).</p>",
                "<p class=\"assume\">(a) Пік явки лежить на 90% або вище: немає чесної опори для порівняння, тож аномальні голоси не оцінюються (така група аномальна загалом; див. стовпець кута).</p>",
                "<p class=\"assume\">(a) Пик явки лежит на 90% или выше: нет честной опоры для сравнения, поэтому аномальные голоса не оцениваются (такая группа аномальна в целом; см. столбец угла).</p>"
            )
        }
        if footnotes.contains("b") {
            h += l.pick(
                "<p class=\"assume\">(b) The leader does worse above the reference than the reference predicts: no anomalous votes (0, where the raw estimate is negative).</p>",
                "<p class=\"assume\">(b) Вище опори лідер має менше, ніж передбачає опора: аномальних голосів немає (0 там, де сира оцінка від'ємна).</p>",
                "<p class=\"assume\">(b) Выше опоры у лидера меньше, чем предсказывает опора: аномальных голосов нет (0 там, где сырая оценка отрицательна).</p>"
            )
        }
        return h
    }

    /// The model's profile over alpha: the best f_i and f_e at each alpha, the plausible ones marked.
    static func profileTable(_ m: KlimekModel.Result, _ l: DocumentLanguage = .en) -> String {
        let tol = l.number(m.distanceTolerance, 2)
        var h = "<table><caption>"
        h += l.pick(
            "Best fit at each alpha (marked: within \(tol) of the best distance, the data's 95% noise)",
            "Найкраща підгонка за кожного alpha (позначено *: у межах \(tol) від найкращої відстані, 95% шуму даних)",
            "Лучшая подгонка при каждом alpha (отмечено *: в пределах \(tol) от лучшего расстояния, 95% шума данных)")
        h += "</caption><tr><th>alpha</th><th>f_i</th><th>f_e</th><th>\(l.pick("distance", "відстань", "расстояние"))</th></tr>"
        for p in m.profile {
            let mark = m.plausibleAlphas.contains(p.alpha) ? " *" : ""
            h +=
                "<tr><td>\(l.number(p.alpha, 2))\(mark)</td><td>\(l.number(p.incremental, 4))</td><td>\(l.number(p.extreme, 4))</td><td>\(l.number(p.distance, 2))</td></tr>"
        }
        return h + "</table>"
    }
}
