import Foundation

/// Small SVG charts for the report: pictures, not tables.
enum SVGPlot {
    static let width = 640.0, height = 360.0
    static let left = 64.0, right = 16.0, top = 36.0, bottom = 48.0
    static var plotW: Double { width - left - right }
    static var plotH: Double { height - top - bottom }

    static func escape(_ s: String) -> String { HTML.escape(s) }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    static func frame(title: String, xLabel: String, yLabel: String, body: String, xTicks: [(Double, String)], yTicks: [(Double, String)])
        -> String
    {
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        s += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        s += body
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>"
        for (x, label) in xTicks {
            let px = left + x * plotW
            s += "<line x1=\"\(f(px))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px))\" y2=\"\(f(top + plotH + 4))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(px))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(escape(label))</text>"
        }
        for (y, label) in yTicks {
            let py = top + plotH - y * plotH
            s += "<line x1=\"\(f(left - 4))\" y1=\"\(f(py))\" x2=\"\(f(left))\" y2=\"\(f(py))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" text-anchor=\"end\">\(escape(label))</text>"
        }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        return s + "</svg>"
    }

    static func percentTicks() -> [(Double, String)] { stride(from: 0, through: 100, by: 10).map { (Double($0) / 100, "\($0)%") } }

    static func niceTicks(max: Double) -> [(Double, String)] {
        guard max > 0 else { return [] }
        let raw = max / 4
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: max, by: step).map { ($0 / max, format($0)) }
    }

    static func format(_ v: Double) -> String {
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.0fk", v / 1e3) }
        return String(format: "%.0f", v)
    }

    /// A perceptually ordered colour ramp (dark blue to yellow) for the heat map.
    static func color(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let u = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return String(format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * u), Int(a.1 + (b.1 - a.1) * u), Int(a.2 + (b.2 - a.2) * u))
    }

    /// The Klimek fingerprint: stations per 1% x 1% cell, log colour scale.
    static func heatmap(_ grid: [[Int]], title: String, _ l: DocumentLanguage = .en) -> String {
        let maxCount = grid.flatMap { $0 }.max() ?? 0
        let cw = plotW / 101, ch = plotH / 101
        var body = "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"#f4f4f4\"/>"
        let scale = log(Double(maxCount) + 1)
        for (t, row) in grid.enumerated() {
            for (s, c) in row.enumerated() where c > 0 {
                let x = left + Double(t) * cw, y = top + plotH - Double(s + 1) * ch
                body +=
                    "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cw + 0.3))\" height=\"\(f(ch + 0.3))\" fill=\"\(color(log(Double(c) + 1) / max(scale, 1e-9)))\"/>"
            }
        }
        return frame(
            title: title, xLabel: l.pick("turnout", "явка", "явка"), yLabel: l.pick("leader share", "частка лідера", "доля лидера"),
            body: body,
            xTicks: percentTicks(), yTicks: percentTicks())
    }

    /// A histogram of 0.1% bins with the bins at whole percentages marked in red.
    static func histogram(_ bins: [Int], title: String, xLabel: String, _ l: DocumentLanguage = .en) -> String {
        let maxV = Double(bins.max() ?? 0)
        let ballots = l.pick("ballots", "бюлетені", "бюллетени")
        guard maxV > 0 else { return frame(title: title, xLabel: xLabel, yLabel: ballots, body: "", xTicks: percentTicks(), yTicks: []) }
        let n = Double(bins.count)
        var path = "M\(f(left)) \(f(top + plotH))"
        for (i, v) in bins.enumerated() {
            let x = left + Double(i) / n * plotW
            let y = top + plotH - Double(v) / maxV * plotH
            path += " L\(f(x)) \(f(y)) L\(f(x + plotW / n)) \(f(y))"
        }
        path += " L\(f(left + plotW)) \(f(top + plotH)) Z"
        var body = "<path d=\"\(path)\" fill=\"#7aa6d6\" stroke=\"#2b5d91\" stroke-width=\"0.4\"/>"
        for i in stride(from: 0, to: bins.count, by: 10) where bins[i] > 0 {
            let x = left + (Double(i) + 0.5) / n * plotW
            let y = top + plotH - Double(bins[i]) / maxV * plotH
            body += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"1.8\" fill=\"#d62728\"/>"
        }
        body +=
            "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(top + 14))\" text-anchor=\"end\" fill=\"#d62728\">\(l.pick("red dots: whole percentages", "червоні точки: цілі відсотки", "красные точки: целые проценты"))</text>"
        return frame(title: title, xLabel: xLabel, yLabel: ballots, body: body, xTicks: percentTicks(), yTicks: niceTicks(max: maxV))
    }

    /// Shpilkin's curves: votes per 0.5% turnout bin for the leader and the others, with the
    /// leader's expected honest votes above the reference turnout.
    static func shpilkin(_ r: ShpilkinEstimate.Result, leader: String, _ l: DocumentLanguage = .en) -> String {
        let ratio = r.referenceShare < 1 ? r.referenceShare / (1 - r.referenceShare) : 0
        let maxV = Double(r.bins.map { max($0.leader, $0.others) }.max() ?? 0)
        guard maxV > 0 else { return "" }
        func line(_ values: [Double], color: String, dash: String = "") -> String {
            let pts = values.enumerated().map { i, v in
                "\(f(left + (Double(i) + 0.5) * r.binWidth * plotW)),\(f(top + plotH - v / maxV * plotH))"
            }
            return "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" \(dash)/>"
        }
        var body = line(r.bins.map { Double($0.leader) }, color: "#d62728")
        body += line(r.bins.map { Double($0.others) }, color: "#1f77b4")
        body += line(
            r.bins.map { $0.turnout + r.binWidth / 2 > r.referenceTurnout ? Double($0.others) * ratio : Double($0.leader) },
            color: "#2ca02c", dash: "stroke-dasharray=\"5 3\"")
        let x0 = left + r.referenceTurnout * plotW
        body += "<line x1=\"\(f(x0))\" y1=\"\(f(top))\" x2=\"\(f(x0))\" y2=\"\(f(top + plotH))\" stroke=\"#555\" stroke-dasharray=\"2 2\"/>"
        body +=
            "<text x=\"\(f(x0 + 4))\" y=\"\(f(top + 12))\">\(l.pick("reference", "опора", "опора")) \(l.percent(r.referenceTurnout * 100, digits: 1))</text>"
        let legend = [
            ("#d62728", l.pick("\(leader) (reported)", "\(leader) (оголошено)", "\(leader) (объявлено)")),
            ("#1f77b4", l.pick("others", "інші", "остальные")),
            (
                "#2ca02c",
                l.pick("\(leader) expected without anomaly", "\(leader), очікувано без аномалії", "\(leader), ожидаемо без аномалии")
            ),
        ]
        for (i, (c, label)) in legend.enumerated() {
            let y = top + 28 + Double(i) * 14
            body +=
                "<line x1=\"\(f(left + 10))\" y1=\"\(f(y - 4))\" x2=\"\(f(left + 30))\" y2=\"\(f(y - 4))\" stroke=\"\(c)\" stroke-width=\"2\"/>"
            body += "<text x=\"\(f(left + 34))\" y=\"\(f(y))\">\(escape(label))</text>"
        }
        return frame(
            title: l.pick("Votes by turnout (Shpilkin)", "Голоси за явкою (Шпількін)", "Голоса по явке (Шпилькин)"),
            xLabel: l.pick("turnout", "явка", "явка"),
            yLabel: l.pick("votes per 0.5% of turnout", "голоси на 0,5% явки", "голоса на 0,5% явки"), body: body,
            xTicks: percentTicks(), yTicks: niceTicks(max: maxV))
    }

    /// The integer test's null distribution with the observed count.
    static func nullDistribution(_ r: IntegerPercentTest.Result, _ l: DocumentLanguage = .en) -> String {
        guard let lo = r.nullCounts.min(), let hi = r.nullCounts.max() else { return "" }
        let xMin = Double(min(lo, r.observed)) - 20, xMax = Double(max(hi, r.observed)) + 20
        let nb = 40
        var bins = [Int](repeating: 0, count: nb)
        for c in r.nullCounts { bins[min(nb - 1, Int((Double(c) - Double(lo)) / Double(max(hi - lo, 1)) * Double(nb)))] += 1 }
        let maxB = Double(bins.max() ?? 1)
        func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotW }
        var body = ""
        for (i, b) in bins.enumerated() where b > 0 {
            let v0 = Double(lo) + Double(i) * Double(max(hi - lo, 1)) / Double(nb)
            let v1 = v0 + Double(max(hi - lo, 1)) / Double(nb)
            let h = Double(b) / maxB * plotH
            body +=
                "<rect x=\"\(f(px(v0)))\" y=\"\(f(top + plotH - h))\" width=\"\(f(max(1, px(v1) - px(v0))))\" height=\"\(f(h))\" fill=\"#999\"/>"
        }
        let xo = px(Double(r.observed))
        body += "<line x1=\"\(f(xo))\" y1=\"\(f(top))\" x2=\"\(f(xo))\" y2=\"\(f(top + plotH))\" stroke=\"#d62728\" stroke-width=\"2\"/>"
        body +=
            "<text x=\"\(f(xo - 4))\" y=\"\(f(top + 14))\" text-anchor=\"end\" fill=\"#d62728\">\(l.pick("observed", "спостережено", "наблюдается")) \(r.observed)</text>"
        let ticks = (0...4).map { i -> (Double, String) in
            let v = xMin + Double(i) / 4 * (xMax - xMin)
            return (Double(i) / 4, String(format: "%.0f", v))
        }
        return frame(
            title: l.pick(
                "Integer-percentage stations: null draws vs observed", "Дільниці з цілими відсотками: нульові вибірки й спостереження",
                "Участки с целыми процентами: нулевые выборки и наблюдение"),
            xLabel: l.pick("stations at whole percentages", "дільниці з цілими відсотками", "участки с целыми процентами"),
            yLabel: l.pick("draws", "вибірки", "выборки"),
            body: body, xTicks: ticks, yTicks: niceTicks(max: maxB))
    }

    /// Observed digit frequencies against the expected ones.
    static func digits(_ r: DigitTests.Result, _ l: DocumentLanguage = .en) -> String {
        let total = Double(r.counts)
        let maxShare = max(r.observed.map { Double($0) / total }.max() ?? 0, r.expected.map { $0 / total }.max() ?? 0) * 1.15
        let bw = plotW / 10
        var body = ""
        for d in 0..<10 {
            let share = Double(r.observed[d]) / total
            let h = share / maxShare * plotH
            body +=
                "<rect x=\"\(f(left + Double(d) * bw + bw * 0.15))\" y=\"\(f(top + plotH - h))\" width=\"\(f(bw * 0.7))\" height=\"\(f(h))\" fill=\"#7aa6d6\"/>"
            let ey = top + plotH - r.expected[d] / total / maxShare * plotH
            body +=
                "<line x1=\"\(f(left + Double(d) * bw + 4))\" y1=\"\(f(ey))\" x2=\"\(f(left + Double(d + 1) * bw - 4))\" y2=\"\(f(ey))\" stroke=\"#d62728\" stroke-width=\"2\"/>"
        }
        let ticks = (0..<10).map { ((Double($0) + 0.5) / 10, "\($0)") }
        let yTicks = stride(from: 0.0, through: maxShare, by: 0.05).map { ($0 / maxShare, String(format: "%.0f%%", $0 * 100)) }
        return frame(
            title: "\(r.testName(l)): \(r.variableName(l)) (\(l.pick("red: expected", "червоне: очікувано", "красное: ожидаемо")))",
            xLabel: l.pick("digit", "цифра", "цифра"), yLabel: l.pick("share of counts", "частка підсумків", "доля итогов"), body: body,
            xTicks: ticks,
            yTicks: yTicks)
    }
}

/// Text inside HTML and SVG: the reports, the official results, the credential letters.
public enum HTML {
    /// `s` with &, <, > and " escaped, safe in element content and quoted attributes.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;"
        )
        .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
