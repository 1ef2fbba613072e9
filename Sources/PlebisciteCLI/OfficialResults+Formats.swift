import ElectionRecord
import Forensics
import Foundation

extension OfficialResults {
    func percent(_ ppm: Int) -> String { language.percent(Double(ppm) / 10_000, digits: 1) }
    func share(_ part: Int, _ whole: Int) -> String { whole > 0 ? language.percent(Double(part) * 100 / Double(whole), digits: 1) : "-" }

    /// A row's name in the document's language: the total, a region or precinct, a channel, a day.
    func name(_ r: Row) -> String {
        let name =
            switch r.scope {
            case .total: language.total
            case .channel: "\(language.channelLabel): " + (Channel(rawValue: r.id).map(language.channel) ?? r.id)
            case .day: "\(language.dayLabel): \(r.id)"
            case .region, .precinct: language.text(r.name)
            }
        return name + (r.mergedOut != nil ? " *" : "")
    }

    /// The lines that close every format: how the counts were protected and checked.
    var footnotes: [String] {
        var out = [language.verdictLine(verdict)]
        if let h = finalTreeHead {
            let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(h.timestamp) / 1000))
            out.append(language.treeHeadLine(size: h.size, root: h.root, time: time, timestamp: h.timestamp, signature: h.signature))
        }
        out.append(language.cellLine(rule: countingRule, minimumCell: minimumCell))
        for m in mergedAggregates { out.append(language.mergedLine(m)) }
        if !mergedAggregates.isEmpty { out.append(language.mergedNote) }
        return out
    }

    // MARK: - Text

    var text: String {
        let l = language, c = language.columns
        var out = "\(l.text(title))\n\(l.resultsSubtitle(electionId))\n"
        for q in questions {
            out += "\n\(l.text(q.text))  [\(q.id)]\n  \(q.outcome.statement)\n"
            let header =
                "  " + c.scope.lowercased().padding(toLength: 30, withPad: " ", startingAt: 0)
                + [c.voters, c.ballots, c.turnout].map { $0.lowercased().leftPad(10) }.joined()
                + (q.options.map(l.text) + (q.emptyCounted ? ["(\(c.empty.lowercased()))"] : [])).map {
                    "  " + $0.padding(toLength: 15, withPad: " ", startingAt: 0)
                }
                .joined()
            out += header + "\n"
            for r in q.rows {
                let label = (r.scope == .precinct ? "  " : "") + (r.scope == .total ? name(r).uppercased() : name(r))
                var line =
                    "  " + label.padding(toLength: 30, withPad: " ", startingAt: 0) + String(r.voters).leftPad(10)
                    + String(r.ballots).leftPad(10)
                    + percent(r.turnoutPPM).leftPad(10)
                if let counts = r.counts {
                    let whole = counts.reduce(0, +)
                    line += counts.map {
                        "  " + "\(String($0).leftPad(7)) \(share($0, whole).leftPad(6))".padding(toLength: 15, withPad: " ", startingAt: 0)
                    }.joined()
                    if let e = r.empty { line += "  " + String(e).leftPad(7) }
                } else {
                    line += "  (\(l.countedWithOthers))"
                }
                out += line + "\n"
            }
        }
        return out + "\n" + footnotes.joined(separator: "\n") + "\n"
    }

    // MARK: - CSV

    /// One line per question, scope and option (and empty), with the scope's figures.
    var csv: String {
        var out = "question,scope,id,name,voters,ballots,turnout_ppm,answered,option,votes,merged_out\n"
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for q in questions {
            for r in q.rows {
                let base = [
                    q.id, r.scope.rawValue, r.id, r.name.text, "\(r.voters)", "\(r.ballots)", "\(r.turnoutPPM)",
                    r.answered.map(String.init) ?? "",
                ]
                var votes = q.options.enumerated().map { i, option in (option.text, r.counts.map { String($0[i]) } ?? "") }
                if q.emptyCounted { votes.append(("(empty)", r.empty.map(String.init) ?? "")) }
                for (option, v) in votes {
                    out += (base + [option, v, r.mergedOut.map(String.init) ?? ""]).map(field).joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    // MARK: - HTML

    /// A print-ready page: no script, no external resource.
    var html: String {
        let e = HTML.escape
        let l = language, c = language.columns
        var body = "<h1>\(e(l.text(title)))</h1>\n<p class=\"sub\">\(e(l.resultsSubtitle(electionId)))</p>\n"
        for q in questions {
            body +=
                "<section>\n<h2>\(e(l.text(q.text))) <small>[\(e(q.id))]</small></h2>\n<p class=\"outcome \(q.outcome.kind)\">\(e(q.outcome.statement))</p>\n"
            body +=
                "<table>\n<thead><tr>" + [c.scope, c.voters, c.ballots, c.turnout].map { "<th scope=\"col\">\(e($0))</th>" }.joined()
            for o in q.options { body += "<th scope=\"col\">\(e(l.text(o)))</th>" }
            if q.emptyCounted { body += "<th scope=\"col\">\(e(c.empty))</th>" }
            body += "</tr></thead>\n<tbody>\n"
            for r in q.rows {
                body +=
                    "<tr class=\"\(r.scope.rawValue)\"><th scope=\"row\">\(e(name(r)))</th><td>\(r.voters)</td><td>\(r.ballots)</td><td>\(percent(r.turnoutPPM))</td>"
                if let counts = r.counts {
                    let whole = counts.reduce(0, +)
                    for c in counts { body += "<td>\(c) <span class=\"pct\">\(share(c, whole))</span></td>" }
                    if let empty = r.empty { body += "<td>\(empty)</td>" }
                } else {
                    body += "<td colspan=\"\(q.options.count + (q.emptyCounted ? 1 : 0))\">\(e(l.countedWithOthers))</td>"
                }
                body += "</tr>\n"
            }
            body += "</tbody>\n</table>\n</section>\n"
        }
        body += "<footer>\n" + footnotes.map { "<p>\(e($0))</p>" }.joined(separator: "\n") + "\n</footer>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(l.rawValue)"><head><meta charset="utf-8"><title>\(e(l.text(title))): \(e(l.officialResults))</title>
            <style>
            body { font-family: "DejaVu Sans", sans-serif; margin: 2em; color: #111; }
            h1 { font-size: 1.6em; margin-bottom: 0; } .sub { color: #444; margin-top: .2em; }
            table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
            th, td { border: 1px solid #999; padding: .25em .6em; text-align: right; }
            th[scope=row] { text-align: left; } tr.total { font-weight: bold; } tr.precinct th { padding-left: 1.5em; font-weight: normal; }
            .pct { color: #555; font-size: .85em; } .outcome { font-weight: bold; }
            footer { font-size: .8em; color: #333; overflow-wrap: anywhere; }
            section { break-inside: avoid; }
            </style></head><body>
            \(body)</body></html>

            """
    }
}
