import Foundation

extension ForensicsReport {
    /// A self-contained HTML page with the plots embedded as SVG, for readers without a terminal.
    public var html: String {
        let e = SVGPlot.escape
        var h = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Election forensics: \(e(source))</title>
            <style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.45}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
            .verdict{background:#f3f6fa;border-left:4px solid #2b5d91;padding:.5em 1em}.assume{color:#555;font-size:.92em}
            table{border-collapse:collapse;font-size:.88em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}th{background:#f4f4f4}
            td:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:12px}svg{border:1px solid #eee}</style></head><body>
            <h1>Election forensics: \(e(source))</h1>
            <p>\(dataRows) data rows; \(stations) stations analysed; \(excludedRows) rows excluded. Leader: <b>\(e(leader))</b>.
            Turnout \(String(format: "%.2f%%", fingerprint.meanTurnout * 100)), leader share \(String(format: "%.2f%%", fingerprint.leaderShare * 100)) of ballots.
            These tests find statistical fingerprints that falsification leaves; they measure how unusual the figures are, not who did what.</p>
            <p class="verdict" id="conclusion">\(e(conclusion))</p>
            """
        h +=
            "<h2>1. Turnout and leader share (Klimek et al., PNAS 2012)</h2><p class=\"verdict\">\(e(fingerprint.verdict))</p><p class=\"assume\">\(e(fingerprint.assumptions))</p>"
        h += "<div class=\"plots\">" + SVGPlot.heatmap(fingerprint.grid, title: "Fingerprint: stations by turnout and share")
        h += SVGPlot.histogram(fingerprint.turnoutHistogram, title: "Turnout, ballots per 0.1%", xLabel: "turnout")
        h += SVGPlot.histogram(fingerprint.shareHistogram, title: "Leader share, ballots per 0.1%", xLabel: "leader share") + "</div>"
        if let m = model {
            h +=
                "<h3>The model fitted</h3><p class=\"verdict\">\(e(m.verdict))</p><p class=\"assume\">\(e(m.assumptions)) \(e(m.method))</p>"
            h += String(
                format:
                    "<p>Fair stations: turnout %.1f%% (sd %.1f), share %.1f%% (sd %.1f); incremental stuffing spread theta %.3f.</p>",
                m.fair.turnout * 100, m.fair.turnoutSD * 100, m.fair.share * 100, m.fair.shareSD * 100, m.fair.theta)
            h += "<p>Figures: \(e(m.figures)).</p>" + Self.profileTable(m)
            h += "<div class=\"plots\">" + SVGPlot.heatmap(fingerprint.grid, title: "Observed fingerprint")
            h += SVGPlot.heatmap(m.modelGrid, title: "The model at the fitted parameters")
            h += SVGPlot.heatmap(m.fairGrid, title: "The model without stuffing (f_i = f_e = 0)") + "</div>"
        } else {
            h += "<p class=\"verdict\">Model fit: needs more data (at least \(KlimekModel.minimumStations) stations).</p>"
        }
        let i = integerPercentages
        h += "<h2>2. Integer percentages (Kobak, Shpilkin &amp; Pshenichnikov, AoAS 2016)</h2><p class=\"verdict\">\(e(i.verdict))</p>"
        if i.stationsTested >= IntegerPercentTest.minimumStations {
            h += String(
                format:
                    "<p>%d of %d stations at whole percentages; null mean %.1f, standard deviation %.1f; excess %.0f; z = %.1f; empirical p = %.4f (%d draws, seed %llu).</p>",
                i.observed, i.stationsTested, i.nullMean, i.nullSD, i.excess, i.z, i.empiricalP, i.draws, i.seed)
            h += "<p class=\"assume\">\(e(i.assumptions)) \(e(i.parameters)).</p><div class=\"plots\">\(SVGPlot.nullDistribution(i))</div>"
        }
        h += "<h2>3. Shpilkin's estimate of anomalous votes</h2>"
        if let sh = shpilkin {
            h +=
                "<p class=\"verdict\">\(e(sh.verdict))</p><p class=\"assume\">\(e(sh.assumptions))</p><div class=\"plots\">\(SVGPlot.shpilkin(sh, leader: leader))</div>"
        } else {
            h += "<p class=\"verdict\">Needs more data: at least 200 stations with ballots.</p>"
        }
        h += "<h2>4. Digit tests</h2>"
        if digits.isEmpty { h += "<p class=\"verdict\">Needs more data: at least 50 counts of 10 or more, and of 100 or more.</p>" }
        for d in digits { h += "<p class=\"verdict\">\(e(d.verdict))</p><p class=\"assume\">\(e(d.assumptions))</p>" }
        h += "<div class=\"plots\">" + digits.map(SVGPlot.digits).joined() + "</div>"
        if let p = poll {
            h +=
                "<h2>5. Comparison with an independent poll</h2><p class=\"verdict\">\(e(p.verdict))</p><p class=\"assume\">\(e(p.assumptions))</p>"
        }
        if !strata.isEmpty {
            let flagged = strata.count(where: \.isFlagged)
            h += "<h2>By stratum</h2><table id=\"strata\"><caption>\(flagged) of \(strata.count) strata flagged (marked): "
            h += "whole-number percentages beyond chance (z &gt; 3) or more than 5% of ballots in the 90/90 corner. "
            h += "Sorted from the most anomalous: flagged first, then by the corner's share of ballots, then by z.</caption>"
            h +=
                "<tr><th>stratum</th><th>stations</th><th>turnout</th><th>leader</th><th>integer excess</th><th>z</th><th>90/90 corner</th><th>Shpilkin ref.</th><th>anomalous</th><th>2BL p</th><th>last-digit p</th></tr>"
            var footnotes = Set<String>()
            for s in strataByAnomaly {
                h += s.isFlagged ? "<tr class=\"flagged\"><td>&#9873; \(e(s.stratum))</td>" : "<tr><td>\(e(s.stratum))</td>"
                h +=
                    "<td>\(s.stations)</td><td>\(String(format: "%.1f%%", s.meanTurnout * 100))</td><td>\(String(format: "%.1f%%", s.leaderShare * 100))</td>"
                h +=
                    "<td>\(s.integer.map { String(format: "%.0f", $0.excess) } ?? "-")</td><td>\(s.integer?.z.map { String(format: "%.1f", $0) } ?? "-")</td>"
                h += "<td>\(String(format: "%.1f%%", s.cornerFraction * 100))</td>"
                // The reference peak and the anomalous votes, only where they can mean something.
                switch (s.shpilkinReferenceTurnout, s.anomalousVotes) {
                case (nil, _): h += "<td>needs more data</td><td>-</td>"
                case (let t?, nil):
                    footnotes.insert("a")
                    h += "<td>\(String(format: "%.1f%%", min(t, 1) * 100)) (a)</td><td>-</td>"
                case (let t?, let n?):
                    if (s.shpilkinAnomalousVotes ?? 0) < 0 { footnotes.insert("b") }
                    h +=
                        "<td>\(String(format: "%.1f%%", t * 100))</td><td>\(ShpilkinEstimate.grouped(n))\((s.shpilkinAnomalousVotes ?? 0) < 0 ? " (b)" : "")</td>"
                }
                h +=
                    "<td>\(s.secondDigitP.map { String(format: "%.3g", $0) } ?? "-")</td><td>\(s.lastDigitP.map { String(format: "%.3g", $0) } ?? "-")</td></tr>"
            }
            h += "</table>"
            if footnotes.contains("a") {
                h +=
                    "<p class=\"assume\">(a) The turnout peak lies at 90% or above: there is no honest reference to measure against, so no anomalous votes are estimated (such a stratum is anomalous as a whole; see the corner column).</p>"
            }
            if footnotes.contains("b") {
                h +=
                    "<p class=\"assume\">(b) The leader does worse above the reference than the reference predicts: no anomalous votes (0, where the raw estimate is negative).</p>"
            }
        }
        if !excluded.isEmpty {
            h +=
                "<h2>Excluded rows</h2><p>\(excludedRows) rows were excluded; the first ones:</p><table><tr><th>line</th><th>reason</th></tr>"
            for x in excluded.prefix(50) { h += "<tr><td>\(x.line)</td><td style=\"text-align:left\">\(e(x.reason))</td></tr>" }
            h += "</table>"
        }
        for n in notes { h += "<p class=\"assume\">Note: \(e(n))</p>" }
        h +=
            "<p class=\"assume\">Computed in "
            + timings.map { "\(e($0.step)) \(String(format: "%.2f s", $0.seconds))" }.joined(separator: ", ") + ".</p></body></html>"
        return h
    }

    /// The model's profile over alpha: the best f_i and f_e at each alpha, the plausible ones marked.
    static func profileTable(_ m: KlimekModel.Result) -> String {
        var h = String(
            format:
                "<table><caption>Best fit at each alpha (marked: within %.2f of the best distance, the data's 95%% noise)</caption><tr><th>alpha</th><th>f_i</th><th>f_e</th><th>distance</th></tr>",
            m.distanceTolerance)
        for p in m.profile {
            let mark = m.plausibleAlphas.contains(p.alpha) ? " *" : ""
            h += String(
                format: "<tr><td>%.2f%@</td><td>%.4f</td><td>%.4f</td><td>%.2f</td></tr>", p.alpha, mark, p.incremental, p.extreme,
                p.distance)
        }
        return h + "</table>"
    }
}
